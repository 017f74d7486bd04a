// config/network-requirements: `[experimental_network]` in requirements.toml, the administrator's
// managed network, as a constraint on whatever network the config, a flag or the library asked
// for (docs/config.md#managed-network). Constraining never widens: a restricted network stays
// restricted; the whole network becomes a proxied one with the managed rules; a proxied one keeps
// its rules, gains the managed denies, and keeps its own allows only unless
// `managed_allowed_domains_only`.

import { isProxiedNetwork } from '../policy/network-predicates';
import type { NetworkPolicy, ProxiedNetwork } from '../policy/types';
import { networkRulesOf } from './network-schema';
import type { TomlTable } from './toml-source';

export interface ManagedNetworkRequirement {
  /** Display name of the requirements source that set `[experimental_network]`. */
  source: string;
  allowedDomains: string[];
  deniedDomains: string[];
  /** Absent: the administrator left it to the config (which defaults to false). */
  allowLocalBinding?: boolean;
  /** Absent: no managed socket list, the config's stands. */
  unixSockets?: string[];
  managedAllowedDomainsOnly: boolean;
  allowAllUnixSockets: boolean;
}

/**
 * The managed network of a validated, merged `[experimental_network]` table, or undefined when it
 * is off: `enabled = false`, or nothing that asks for the proxy. `http_port`, `socks_port`,
 * `allow_upstream_proxy` and `dangerously_allow_non_loopback_proxy` configure the reference's
 * listeners; this proxy listens on private per-sandbox sockets and never uses an upstream proxy,
 * so they narrow nothing and are accepted without effect.
 */
export function managedNetworkOf(net: TomlTable, source: string): ManagedNetworkRequirement | undefined {
  if (net.enabled === false) return undefined;
  const rules = networkRulesOf(net, true);
  const asks =
    net.enabled === true ||
    rules.allowed.length + rules.denied.length + rules.sockets.length > 0 ||
    net.allow_local_binding !== undefined ||
    net.managed_allowed_domains_only === true;
  if (!asks) return undefined;
  const out: ManagedNetworkRequirement = {
    source,
    allowedDomains: rules.allowed,
    deniedDomains: rules.denied,
    managedAllowedDomainsOnly: net.managed_allowed_domains_only === true,
    allowAllUnixSockets: net.dangerously_allow_all_unix_sockets === true,
  };
  if (typeof net.allow_local_binding === 'boolean') out.allowLocalBinding = net.allow_local_binding;
  if (net.unix_sockets !== undefined || net.allow_unix_sockets !== undefined) out.unixSockets = rules.sockets;
  return out;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  const seen = new Set(a.map((s) => s.toLowerCase()));
  return [...a, ...b.filter((s) => !seen.has(s.toLowerCase()))];
}

export function constrainNetwork(network: NetworkPolicy, req: ManagedNetworkRequirement | undefined): NetworkPolicy {
  if (req === undefined || network === 'restricted') return network;
  const own: ProxiedNetwork | undefined = isProxiedNetwork(network) ? network : undefined;
  const ownSockets = own?.unixSockets ?? [];
  return {
    mode: 'proxied',
    allowedDomains: own === undefined || req.managedAllowedDomainsOnly ? [...req.allowedDomains] : union(own.allowedDomains, req.allowedDomains),
    deniedDomains: union(own?.deniedDomains ?? [], req.deniedDomains),
    allowLocalBinding: own === undefined ? req.allowLocalBinding === true : own.allowLocalBinding && req.allowLocalBinding !== false,
    unixSockets: req.unixSockets === undefined ? [...ownSockets] : req.allowAllUnixSockets ? union(ownSockets, req.unixSockets) : [...req.unixSockets],
  };
}
