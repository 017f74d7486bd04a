// policy/network-predicates: the only ways code asks what a NetworkPolicy allows. A proxied
// policy is an object, neither 'restricted' nor 'enabled', so a bare string comparison would
// silently misfile it; these name the question instead (docs/network.md#fail-closed).

import type { NetworkPolicy, ProxiedNetwork } from './types';

export function isProxiedNetwork(network: unknown): network is ProxiedNetwork {
  return typeof network === 'object' && network !== null && (network as { mode?: unknown }).mode === 'proxied';
}

/** The host's whole network, unfiltered. */
export function isOpenNetwork(network: NetworkPolicy | undefined): boolean {
  return network === 'enabled';
}

/** Equal policies, proxied ones compared by their rules (as sets: order never changes a decision). */
export function sameNetwork(a: NetworkPolicy, b: NetworkPolicy): boolean {
  if (!isProxiedNetwork(a) || !isProxiedNetwork(b)) return a === b;
  const sameSet = (x: readonly string[], y: readonly string[]): boolean => {
    const sx = new Set(x.map((s) => s.toLowerCase()));
    const sy = new Set(y.map((s) => s.toLowerCase()));
    return sx.size === sy.size && [...sx].every((s) => sy.has(s));
  };
  return (
    a.allowLocalBinding === b.allowLocalBinding &&
    sameSet(a.allowedDomains, b.allowedDomains) &&
    sameSet(a.deniedDomains, b.deniedDomains) &&
    new Set(a.unixSockets).size === new Set(b.unixSockets).size &&
    a.unixSockets.every((s) => b.unixSockets.includes(s))
  );
}
