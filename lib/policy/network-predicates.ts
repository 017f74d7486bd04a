// policy/network-predicates: how code asks what a NetworkPolicy allows. A proxied policy is an
// object, neither 'restricted' nor 'enabled', so a bare `!== 'restricted'` would file it as open;
// these name the question instead. Planners that still compare strings do so only after
// refusing a proxied policy (docs/network.md#fail-closed).

import type { NetworkPolicy, ProxiedNetwork } from './types';

export function isProxiedNetwork(network: unknown): network is ProxiedNetwork {
  return typeof network === 'object' && network !== null && (network as { mode?: unknown }).mode === 'proxied';
}

/** The host's whole network, unfiltered. */
export function isOpenNetwork(network: NetworkPolicy | undefined): boolean {
  return network === 'enabled';
}
