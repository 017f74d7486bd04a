// platform/windows/firewall-rules: the offline account's Windows Firewall rules (docs/reference.md#windows-elevated-backend).
//
// Rules are data: the setup executable creates them through INetFwPolicy2 exactly as listed,
// scoped to the offline account by LocalUserAuthorizedList. The proxy ports that stay reachable
// on loopback come from the environment, as the reference derives them (docs/reference.md#windows-elevated-backend).
// May import this folder only.

import { getWindowsEnv } from './child-env';

export interface FirewallRule {
  name: string;
  direction: 'in' | 'out';
  protocol: 'any' | 'tcp' | 'udp';
  remoteAddresses: string;
  /** Empty means every port. */
  remotePorts: string;
}

export interface OfflineNetworkPlan {
  /** Loopback ports of a local proxy the offline account may still reach, ascending. */
  proxyPorts: number[];
  allowLocalBinding: boolean;
  /** Rules to create or refresh, in order. */
  rules: FirewallRule[];
  /** Rule names to delete after the rules above exist. */
  remove: string[];
}

/** Everything except loopback, IPv4 and IPv6 (docs/reference.md#windows-elevated-backend). */
export const NON_LOOPBACK_ADDRESSES = '0.0.0.0-126.255.255.255,128.0.0.0-255.255.255.255,::,::2-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
export const LOOPBACK_ADDRESSES = '127.0.0.0/8,::/127';

const RULE = {
  outbound: 'codex_sandbox_offline_block_outbound',
  inbound: 'codex_sandbox_offline_block_inbound',
  loopbackUdp: 'codex_sandbox_offline_block_loopback_udp',
  loopbackTcp: 'codex_sandbox_offline_block_loopback_tcp',
  legacyProxyAllow: 'codex_sandbox_offline_allow_loopback_proxy',
} as const;

/** Every rule name setup may have created, for uninstall (docs/reference.md#windows-uninstall, with the inbound rule added). */
export const ALL_FIREWALL_RULE_NAMES: string[] = Object.values(RULE);

/** `1-8079,8081-65535` for proxy port 8080: every TCP port except the proxies. */
export function complementPorts(ports: number[]): string {
  const sorted = [...new Set(ports)].filter((p) => p >= 1 && p <= 65535).sort((a, b) => a - b);
  const ranges: string[] = [];
  let next = 1;
  for (const p of sorted) {
    if (p > next) ranges.push(p - 1 === next ? `${next}` : `${next}-${p - 1}`);
    next = p + 1;
  }
  if (next <= 65535) ranges.push(next === 65535 ? '65535' : `${next}-65535`);
  return ranges.join(',');
}

const PROXY_KEYS = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'WS_PROXY', 'WSS_PROXY'];

function loopbackPort(value: string): number | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(localhost|127\.0\.0\.1|\[::1\]):(\d{1,5})(?:\/|$)/i.exec(value.trim());
  if (m === null) return null;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? port : null;
}

/** Proxy ports and local binding as the reference reads them from the environment (docs/reference.md#windows-elevated-backend). */
export function offlineNetworkSettings(env: Record<string, string>): { proxyPorts: number[]; allowLocalBinding: boolean } {
  const ports = new Set<number>();
  for (const key of PROXY_KEYS) {
    // getWindowsEnv is case-insensitive, which covers both `HTTP_PROXY` and `http_proxy`.
    const value = getWindowsEnv(env, key);
    const port = value === undefined ? null : loopbackPort(value);
    if (port !== null) ports.add(port);
  }
  for (const item of (getWindowsEnv(env, 'CODEX_WINDOWS_SANDBOX_PROXY_PORTS') ?? '').split(',')) {
    const port = Number(item.trim());
    if (item.trim() !== '' && Number.isInteger(port) && port >= 1 && port <= 65535) ports.add(port);
  }
  return {
    proxyPorts: [...ports].sort((a, b) => a - b),
    allowLocalBinding: getWindowsEnv(env, 'CODEX_NETWORK_ALLOW_LOCAL_BINDING') === '1',
  };
}

/** The offline account's rules for the given proxy ports and local-binding choice. */
export function planOfflineFirewall(proxyPorts: number[], allowLocalBinding: boolean): OfflineNetworkPlan {
  const rules: FirewallRule[] = [
    { name: RULE.outbound, direction: 'out', protocol: 'any', remoteAddresses: NON_LOOPBACK_ADDRESSES, remotePorts: '' },
    { name: RULE.inbound, direction: 'in', protocol: 'any', remoteAddresses: NON_LOOPBACK_ADDRESSES, remotePorts: '' },
  ];
  if (allowLocalBinding) {
    return { proxyPorts, allowLocalBinding, rules, remove: [RULE.loopbackUdp, RULE.loopbackTcp, RULE.legacyProxyAllow] };
  }
  rules.push({ name: RULE.loopbackUdp, direction: 'out', protocol: 'udp', remoteAddresses: LOOPBACK_ADDRESSES, remotePorts: '' });
  // With proxies, loopback TCP is blocked on every port but theirs; without, on all ports.
  rules.push({
    name: RULE.loopbackTcp,
    direction: 'out',
    protocol: 'tcp',
    remoteAddresses: LOOPBACK_ADDRESSES,
    remotePorts: proxyPorts.length === 0 ? '' : complementPorts(proxyPorts),
  });
  return { proxyPorts, allowLocalBinding, rules, remove: [RULE.legacyProxyAllow] };
}
