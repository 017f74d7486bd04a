// policy/explain-network: explain() for a destination instead of a path. It answers from the
// policy alone, through the same decideNetwork() the proxy calls, so its answer is the proxy's
// (test/property/network-decide.property.test.ts). A name is judged by its rules and spelling;
// pass `resolved` to judge it as the proxy does after its one lookup.

import { decideNetwork, type NetworkReason } from './network-decide';
import { isProxiedNetwork } from './network-predicates';
import { checkResolvedPolicy, checkSandboxPolicy } from './typed-schema';
import type { ResolvedPolicy, SandboxPolicy } from './types';

export interface NetworkExplanation {
  host: string;
  port: number;
  network: 'restricted' | 'enabled' | 'proxied';
  allowed: boolean;
  /** The proxy's reason under a proxied network; otherwise the network mode decided. */
  reason: NetworkReason | 'network-restricted' | 'network-enabled';
  /** The deciding domain pattern, as written. */
  rule?: string;
  /** The non-public address behind a blocked-private-address. */
  address?: string;
  /** One sentence a person can read. */
  message: string;
}

function sentence(e: Omit<NetworkExplanation, 'message'>): string {
  const target = `${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;
  switch (e.reason) {
    case 'network-restricted':
      return `${target}: blocked: the network is restricted`;
    case 'network-enabled':
      return `${target}: allowed: the network is enabled (no proxy, no rules)`;
    case 'blocked-by-denylist':
      return `${target}: blocked by deny rule \`${e.rule}\``;
    case 'blocked-by-allowlist':
      return `${target}: blocked: no allow rule matches`;
    case 'blocked-private-address':
      return `${target}: blocked: ${e.address} is a loopback, link-local or private address and allow_local_binding is off (allowed by \`${e.rule}\` otherwise)`;
    case 'allowed':
      return `${target}: allowed by \`${e.rule}\`${e.host.includes(':') || /^[0-9.]+$/.test(e.host) ? '' : ' (the proxy still refuses it if it resolves to a private address)'}`;
  }
}

export function explainNetwork(policy: ResolvedPolicy | SandboxPolicy, host: string, port: number, opts: { resolved?: readonly string[] } = {}): NetworkExplanation {
  const sandbox = 'fileSystem' in policy ? checkSandboxPolicy(policy) : checkResolvedPolicy(policy).policy;
  const network = sandbox.network;
  let out: Omit<NetworkExplanation, 'message'>;
  if (isProxiedNetwork(network)) {
    const v = decideNetwork(network, host, port, opts.resolved);
    out = { host, port, network: 'proxied', allowed: v.allowed, reason: v.reason };
    if (v.rule !== undefined) out.rule = v.rule;
    if (v.address !== undefined) out.address = v.address;
  } else {
    // An external sandbox owns its network: its own rules are unknown here, reported as the mode given.
    out = { host, port, network, allowed: network === 'enabled', reason: network === 'enabled' ? 'network-enabled' : 'network-restricted' };
  }
  return { ...out, message: sentence(out) };
}
