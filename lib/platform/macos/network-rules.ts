// network-rules: the network section of the profile (docs/reference.md#seatbelt-network) and the UNIX_SOCKET_PATH_n
// parameters. Restricted by default: IP traffic is allowed only when the policy enables the
// network without a proxy, or to the proxy's loopback ports; a proxy without a usable loopback
// port allows no IP traffic at all.
import { PolicyInvalidError } from '../../errors';
import type { Host, NetworkPolicy } from '../../policy/types';
import { canonicalPath } from './seatbelt-paths';
import { comment, constantSection, globalName, localIp, named, param, remoteIp, requireAll, rule, subpath, unixSocket } from './sbpl-build';
import type { SbplItem } from './sbpl-types';

/** Network inputs beyond the policy's restricted/enabled: a managed proxy and unix sockets. */
export interface MacosNetworkOptions {
  /** A prepared managed-proxy context; when present it wins over `proxyEnv` and counts as proxy config. */
  managed?: { loopbackPorts: number[]; allowLocalBinding: boolean };
  /** The proxy variables the network proxy injects into the child (HTTP_PROXY, ALL_PROXY, ...). */
  proxyEnv?: Record<string, string>;
  /** Allow binding and loopback traffic (proxy setups). */
  allowLocalBinding?: boolean;
  /** Managed network requirements are in force even without proxy endpoints. */
  enforceManagedNetwork?: boolean;
  /** Unix sockets the command may bind and connect to: every one, or these paths. */
  unixSockets?: 'all' | string[];
}

const OPTION_KEYS = ['managed', 'proxyEnv', 'allowLocalBinding', 'enforceManagedNetwork', 'unixSockets'];

function invalid(message: string, path: (string | number)[], value: unknown): never {
  throw new PolicyInvalidError(message, { path: ['network', ...path], value });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPort(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
}

/**
 * Checks network options given by a JavaScript caller: an unknown key (a typo such as
 * `unixSocket`) or a wrong type is an error rather than a silently narrower sandbox.
 */
export function checkMacosNetworkOptions(value: unknown): MacosNetworkOptions {
  if (value === undefined) return {};
  if (!isRecord(value)) return invalid(`network options must be an object, got ${JSON.stringify(value)}; pass {unixSockets, proxyEnv, ...}`, [], value);
  for (const key of Object.keys(value)) {
    if (!OPTION_KEYS.includes(key)) {
      const hint = OPTION_KEYS.find((k) => k.toLowerCase().startsWith(key.toLowerCase().slice(0, 5)));
      invalid(`unknown key "${key}" in the Seatbelt network options${hint === undefined ? `; use ${OPTION_KEYS.join(', ')}` : `; did you mean "${hint}"?`}`, [key], value[key]);
    }
  }
  const { managed, proxyEnv, allowLocalBinding, enforceManagedNetwork, unixSockets } = value;
  if (managed !== undefined) {
    if (!isRecord(managed) || !Array.isArray(managed.loopbackPorts) || typeof managed.allowLocalBinding !== 'boolean' || Object.keys(managed).length !== 2) {
      invalid('network.managed must be {loopbackPorts: number[], allowLocalBinding: boolean}', ['managed'], managed);
    }
    managed.loopbackPorts.forEach((port: unknown, i: number) => {
      if (!isPort(port)) invalid(`invalid loopback port ${JSON.stringify(port)} in network.managed; use an integer from 1 to 65535`, ['managed', 'loopbackPorts', i], port);
    });
  }
  if (proxyEnv !== undefined && (!isRecord(proxyEnv) || Object.values(proxyEnv).some((v) => typeof v !== 'string'))) {
    invalid('network.proxyEnv must map variable names to strings', ['proxyEnv'], proxyEnv);
  }
  for (const [key, flag] of [
    ['allowLocalBinding', allowLocalBinding],
    ['enforceManagedNetwork', enforceManagedNetwork],
  ] as const) {
    if (flag !== undefined && typeof flag !== 'boolean') invalid(`network.${key} must be true or false, got ${JSON.stringify(flag)}`, [key], flag);
  }
  if (unixSockets !== undefined && unixSockets !== 'all' && (!Array.isArray(unixSockets) || unixSockets.some((p) => typeof p !== 'string'))) {
    invalid(`network.unixSockets must be "all" or an array of socket paths, got ${JSON.stringify(unixSockets)}`, ['unixSockets'], unixSockets);
  }
  return value as MacosNetworkOptions;
}

const PROXY_URL_ENV_KEYS = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'];
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function defaultPort(scheme: string): number {
  if (scheme === 'https') return 443;
  if (['socks5', 'socks5h', 'socks4', 'socks4a'].includes(scheme)) return 1080;
  return 80;
}

/** Loopback ports named by proxy URLs, and whether any proxy variable is set at all. */
export function proxyLoopbackPorts(env: Record<string, string>): { ports: number[]; hasProxyConfig: boolean } {
  const ports = new Set<number>();
  let hasProxyConfig = false;
  for (const key of PROXY_URL_ENV_KEYS) {
    const raw = env[key]?.trim();
    if (raw === undefined || raw === '') continue;
    hasProxyConfig = true;
    const text = raw.includes('://') ? raw : `http://${raw}`;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      continue;
    }
    if (!LOOPBACK_HOSTS.has(url.hostname.toLowerCase())) continue;
    const scheme = url.protocol.replace(/:$/, '').toLowerCase();
    ports.add(url.port === '' ? defaultPort(scheme) : Number(url.port));
  }
  return { ports: [...ports].sort((a, b) => a - b), hasProxyConfig };
}

/** Absolute socket paths, canonical, de-duplicated and sorted; relative ones are never widened, only dropped. */
export function normalizeUnixSockets(host: Host, paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) if (p.startsWith('/')) out.add(canonicalPath(host, p));
  return [...out].sort();
}

export interface NetworkSection {
  items: SbplItem[];
  params: [string, string][];
  /** False only when IP traffic is unrestricted (network enabled, no proxy). */
  restricted: boolean;
}

export function networkSection(network: NetworkPolicy, options: MacosNetworkOptions, host: Host): NetworkSection {
  let ports: number[];
  let hasProxyConfig: boolean;
  let allowLocalBinding = options.allowLocalBinding ?? false;
  if (options.managed !== undefined) {
    ports = [...new Set(options.managed.loopbackPorts)].sort((a, b) => a - b);
    hasProxyConfig = true;
    allowLocalBinding = options.managed.allowLocalBinding;
  } else {
    ({ ports, hasProxyConfig } = proxyLoopbackPorts(options.proxyEnv ?? {}));
  }
  const sockets = options.unixSockets === 'all' ? 'all' : normalizeUnixSockets(host, options.unixSockets ?? []);
  const params: [string, string][] = sockets === 'all' ? [] : sockets.map((p, n) => [`UNIX_SOCKET_PATH_${n}`, p]);
  const socketItems: SbplItem[] = [];
  if (sockets === 'all' || sockets.length > 0) {
    socketItems.push(comment('allow unix domain sockets for local IPC'));
    socketItems.push(rule('allow', 'system-socket', [named('socket-domain', { symbol: 'AF_UNIX' })]));
    if (sockets === 'all') {
      socketItems.push(rule('allow', 'network-bind', [unixSocket('local')]));
      socketItems.push(rule('allow', 'network-outbound', [unixSocket('remote')]));
    } else {
      for (const [key] of params) {
        socketItems.push(rule('allow', 'network-bind', [unixSocket('local', subpath(param(key)))]));
        socketItems.push(rule('allow', 'network-outbound', [unixSocket('remote', subpath(param(key)))]));
      }
    }
  }
  const enabled = network === 'enabled';
  const hasSocketAccess = socketItems.length > 0;
  if (ports.length > 0 || hasProxyConfig || options.enforceManagedNetwork === true || (!enabled && hasSocketAccess)) {
    const items: SbplItem[] = [];
    if (allowLocalBinding) {
      items.push(comment('allow local binding and loopback traffic'));
      items.push(rule('allow', 'network-bind', [localIp('*:*')]));
      items.push(rule('allow', 'network-inbound', [localIp('localhost:*')]));
      items.push(rule('allow', 'network-outbound', [remoteIp('localhost:*')]));
      if (ports.length > 0) {
        items.push(comment('allow DNS lookups while a local proxy is in use'));
        items.push(rule('allow', 'network-outbound', [remoteIp('*:53')]));
      }
    }
    for (const port of ports) items.push(rule('allow', 'network-outbound', [remoteIp(`localhost:${port}`)]));
    return { items: [...items, ...socketItems, ...networkSupport()], params, restricted: true };
  }
  if (enabled) {
    return {
      items: [rule('allow', 'network-outbound'), rule('allow', 'network-inbound'), ...socketItems, ...networkSupport()],
      params,
      restricted: false,
    };
  }
  // Restricted and nothing to allow: no IP rules, and no support rules either.
  return { items: [], params: [], restricted: true };
}

/** The services name resolution and TLS need once some network access is allowed. */
const networkSupport = constantSection(() => [
  comment('network support: routing sockets, DNS configuration and certificate trust'),
  rule('allow', 'system-socket', [requireAll(named('socket-domain', { symbol: 'AF_SYSTEM' }), named('socket-protocol', 2))]),
  rule(
    'allow',
    'mach-lookup',
    [
      'com.apple.bsd.dirhelper',
      'com.apple.system.opendirectoryd.membership',
      'com.apple.SecurityServer',
      'com.apple.networkd',
      'com.apple.ocspd',
      'com.apple.trustd.agent',
      'com.apple.SystemConfiguration.DNSConfiguration',
      'com.apple.SystemConfiguration.configd',
    ].map(globalName),
    'stacked',
  ),
  rule('allow', 'sysctl-read', [named('sysctl-name-regex', { regex: '^net.routetable' })]),
]);
