// plan-macos: the Seatbelt planner. A ResolvedPolicy in, a plain-data plan out: the SBPL profile
// (built as typed items, rendered once), the -D parameters in the reference's order, and the
// argv `/usr/bin/sandbox-exec -p <profile> -D... -- <command>`. Pure apart from reading the host
// through the injected Host (canonical spellings, symlink checks); runs on any OS.
import { UsageError } from '../../errors';
import { isProxiedNetwork } from '../../policy/network-predicates';
import type { Host, ResolvedPolicy } from '../../policy/types';
import { PROXY_ENDPOINT_PLACEHOLDERS, proxyEnvironment, type ProxyEndpoints } from '../common/proxy-env';
import type { Enforcement, PlanBase } from '../common/types';
import { accessSections } from './access-rules';
import { basePolicy } from './base-policy';
import { checkMacosNetworkOptions, type MacosNetworkOptions, networkSection } from './network-rules';
import { processPlatformDefaults, readOnlyPlatformDefaults } from './platform-defaults';
import { preferencesPolicy } from './preferences-policy';
import { renderSbpl } from './sbpl-render';
import type { SbplItem } from './sbpl-types';
import { checkResolvedPolicy } from '../../policy/typed-schema';

/** Always the absolute path: whoever can replace it already has root (docs/reference.md#seatbelt-profile). */
export const SANDBOX_EXEC_PATH = '/usr/bin/sandbox-exec';

/** The reference's refusal when Seatbelt is asked for on another OS (docs/reference.md#seatbelt-profile); spawn/ raises it. */
export const SEATBELT_UNAVAILABLE_MESSAGE = 'seatbelt sandbox is only available on macOS';

export interface PlanMacosOptions {
  /** The command, program first; the plan's argv ends with `--` and this, unchanged (none for a plan shown without one). */
  command?: string[];
  /** Reads the host for canonical spellings and symlink checks (the same view resolvePolicy used). */
  host: Host;
  /** The effective policy in PermissionProfile wire form (the dispatcher computes it). */
  permissionProfile: Record<string, unknown>;
  /** Extra variables for the child; the sandbox markers always win over these. */
  env?: Record<string, string>;
  network?: MacosNetworkOptions;
  /**
   * A proxied network: the leased proxy, whose loopback TCP ports (`tcp`) the profile allows and
   * nothing else. Without one the plan names placeholder port 0 (allowing nothing).
   */
  proxy?: ProxyEndpoints;
  /**
   * 'process' (default) for ordinary commands; 'file-system-helper' for the package's own file
   * helpers, which never get the scratch-directory platform defaults (docs/reference.md#seatbelt-preferences-and-defaults).
   */
  profileKind?: 'process' | 'file-system-helper';
}

export interface SeatbeltPlan extends PlanBase {
  backend: 'seatbelt';
  platform: 'macos';
  /** The full SBPL text, passed inline with -p. */
  profile: string;
  /** The -D parameters in order: READABLE_ROOT_*, WRITABLE_ROOT_*, PROTECTED_ANCESTOR_*, UNIX_SOCKET_PATH_*. */
  params: [string, string][];
}

/** Builds the profile as typed items, in the reference's newest section order (docs/reference.md#seatbelt-profile), with its params. */
export function planSeatbeltProfile(
  resolved: ResolvedPolicy,
  opts: Pick<PlanMacosOptions, 'host' | 'network' | 'profileKind'>,
): { items: SbplItem[]; params: [string, string][]; networkRestricted: boolean } {
  const proxied = proxiedNetworkOptions(resolved, opts);
  const access = accessSections(resolved, opts.host);
  const network = proxied === null ? networkSection(resolved.policy.network, checkMacosNetworkOptions(opts.network), opts.host) : networkSection('restricted', proxied, opts.host);
  const items: SbplItem[] = [...basePolicy(), ...access.read, ...access.write, ...network.items];
  // Preferences IPC answers from files outside any readable root: only with full-disk read (docs/reference.md#seatbelt-preferences-and-defaults).
  if (resolved.fullDiskRead) items.push(...preferencesPolicy());
  if (resolved.includePlatformDefaults) {
    items.push(...readOnlyPlatformDefaults());
    if ((opts.profileKind ?? 'process') === 'process') items.push(...processPlatformDefaults());
  }
  // Last-match-wins: the glob denies and the rename guards come after every allow so that no
  // broader grant above (platform defaults included) can reopen them.
  items.push(...access.globDenies, ...access.ancestorDenies);
  const params = [...access.readParams, ...access.writeParams, ...access.ancestorParams, ...network.params];
  return { items, params, networkRestricted: network.restricted };
}

/**
 * A proxied network on Seatbelt: outbound IP only to the proxy's two loopback ports, which every
 * connection must then go through (docs/network.md#platforms). No local binding and no DNS rule:
 * the reference's allow-local-binding section would also open port 53 to every host. The policy's
 * allow_local_binding is the proxy's business (which destinations it may reach). Unix sockets are
 * allowlisted by path, which Seatbelt, unlike Linux seccomp, can express.
 */
function proxiedNetworkOptions(resolved: ResolvedPolicy, opts: Pick<PlanMacosOptions, 'network' | 'proxy'>): MacosNetworkOptions | null {
  const network = resolved.policy.network;
  if (!isProxiedNetwork(network)) return null;
  if (opts.network !== undefined) {
    throw new UsageError('a proxied network policy takes its proxy from the lease, not from network options; drop the Seatbelt network options', { path: ['network'] });
  }
  const tcp = opts.proxy?.tcp ?? PROXY_ENDPOINT_PLACEHOLDERS.tcp;
  const ports = [tcp.httpPort, tcp.socksPort].filter((port) => port > 0);
  return { managed: { loopbackPorts: ports, allowLocalBinding: false }, unixSockets: network.unixSockets };
}

function proxiedEnv(opts: Pick<PlanMacosOptions, 'proxy'>): Record<string, string> {
  const tcp = opts.proxy?.tcp ?? PROXY_ENDPOINT_PLACEHOLDERS.tcp;
  return proxyEnvironment(`http://127.0.0.1:${tcp.httpPort}`, `socks5h://127.0.0.1:${tcp.socksPort}`);
}

export function planMacos(resolved: ResolvedPolicy, opts: PlanMacosOptions): SeatbeltPlan {
  checkResolvedPolicy(resolved);
  const command = opts.command ?? [];
  if (!Array.isArray(command) || command.some((a) => typeof a !== 'string')) {
    throw new UsageError(`invalid command ${JSON.stringify(command)} for the Seatbelt plan; pass the program and its arguments as an array of strings`, { value: command });
  }
  if (opts.host === undefined || typeof opts.host.realpath !== 'function') {
    throw new UsageError('planMacos needs a host view to spell paths as Seatbelt sees them; pass nodeHost() or the view given to resolvePolicy', {
      path: ['host'],
    });
  }
  if (opts.profileKind !== undefined && opts.profileKind !== 'process' && opts.profileKind !== 'file-system-helper') {
    throw new UsageError(`invalid profileKind ${JSON.stringify(opts.profileKind)}; use "process" or "file-system-helper"`, {
      path: ['profileKind'],
      value: opts.profileKind,
    });
  }
  const { items, params, networkRestricted } = planSeatbeltProfile(resolved, opts);
  const profile = renderSbpl(items);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(opts.env ?? {})) {
    if (key !== 'CODEX_SANDBOX' && key !== 'CODEX_SANDBOX_NETWORK_DISABLED') env[key] = value;
  }
  env.CODEX_SANDBOX = 'seatbelt';
  const proxied = isProxiedNetwork(resolved.policy.network);
  if (proxied) Object.assign(env, proxiedEnv(opts));
  else if (resolved.policy.network !== 'enabled') env.CODEX_SANDBOX_NETWORK_DISABLED = '1';

  const unrestrictedFiles = resolved.fullDiskRead && resolved.fullDiskWrite && resolved.unreadableGlobs.length === 0;
  const enforcement: Enforcement = {
    backend: 'seatbelt',
    filesystem: !unrestrictedFiles,
    network: proxied ? 'proxied' : networkRestricted ? 'enforced' : 'not-restricted',
    noNewPrivs: false,
    seccomp: false,
    handled: ['sbpl:file-read', 'sbpl:file-write', 'sbpl:network', 'sbpl:process', 'sbpl:ipc'],
    skippedHardening: [],
  };
  return {
    backend: 'seatbelt',
    platform: 'macos',
    argv: [SANDBOX_EXEC_PATH, '-p', profile, ...params.map(([k, v]) => `-D${k}=${v}`), '--', ...command],
    env,
    requires: [
      { capability: 'sandbox-exec', reason: `${SANDBOX_EXEC_PATH} applies the SBPL profile (macOS only)` },
      ...(proxied ? [{ capability: 'network-proxy', reason: 'the calling process runs the proxy; the profile allows outbound traffic only to its loopback ports' }] : []),
    ],
    hostPrep: [],
    enforcement,
    permissionProfile: opts.permissionProfile,
    profile,
    params,
  };
}
