// policy/network-decide: the one decision a proxied network makes about a destination. The
// proxy (lib/network/) and explainNetwork() both call it, so they cannot drift; the property test
// holds them to it (test/property/network-decide.property.test.ts).
//
// Order (docs/network.md#decisions): a deny match wins; then an allow match is required; then
// the destination must be public unless allow_local_binding. The allow list is consulted before
// any lookup so the proxy never resolves a name it would refuse anyway (a DNS query is itself a
// channel out). As in the reference, an exact allow rule naming an IP literal or `localhost`
// permits that local destination; a *name* that resolves to a local address stays refused.

import { PolicyInvalidError } from '../errors';
import { isValidHost, normalizeHost, parseDomainPattern, patternMatches, type DomainPattern, type DomainRuleList } from './domain-pattern';
import { ipFamily, isNonPublicAddress } from './ip-address';
import type { ProxiedNetwork } from './types';

export type NetworkReason = 'allowed' | 'blocked-by-allowlist' | 'blocked-by-denylist' | 'blocked-private-address';

export interface NetworkVerdict {
  allowed: boolean;
  reason: NetworkReason;
  /** The deciding pattern as written (the deny match, or the allow match); absent when no rule matched. */
  rule?: string;
  /** The non-public address that refused the destination (the host itself, or what it resolved to). */
  address?: string;
}

interface CompiledRules {
  allow: DomainPattern[];
  deny: DomainPattern[];
}

const compiled = new WeakMap<ProxiedNetwork, CompiledRules>();

function compileList(patterns: readonly string[], list: DomainRuleList): DomainPattern[] {
  return patterns.map((raw, i) => {
    const p = parseDomainPattern(raw, list);
    if (typeof p === 'string') {
      throw new PolicyInvalidError(`invalid domain pattern \`${raw}\` in ${list === 'allow' ? 'allowedDomains' : 'deniedDomains'}: ${p}`, {
        path: [list === 'allow' ? 'allowedDomains' : 'deniedDomains', i],
        value: raw,
      });
    }
    return p;
  });
}

function rulesOf(policy: ProxiedNetwork): CompiledRules {
  let rules = compiled.get(policy);
  if (rules === undefined) {
    rules = { allow: compileList(policy.allowedDomains, 'allow'), deny: compileList(policy.deniedDomains, 'deny') };
    compiled.set(policy, rules);
  }
  return rules;
}

function isLocalName(host: string): boolean {
  // RFC 6761: `localhost` and its subdomains are the local host, whatever a resolver says.
  return host === 'localhost' || host.endsWith('.localhost');
}

/**
 * The verdict for `host:port`. `resolved`: the addresses the proxy got for a name, all of them
 * checked; without it (explain), a name is judged by its rules and by its spelling alone.
 */
export function decideNetwork(policy: ProxiedNetwork, host: string, port: number, resolved?: readonly string[]): NetworkVerdict {
  const h = normalizeHost(host);
  if (!isValidHost(h) || !Number.isInteger(port) || port < 1 || port > 65535) return { allowed: false, reason: 'blocked-by-allowlist' };
  const rules = rulesOf(policy);
  const deny = rules.deny.find((p) => patternMatches(p, h, port));
  if (deny !== undefined) return { allowed: false, reason: 'blocked-by-denylist', rule: deny.raw };
  const matches = rules.allow.filter((p) => patternMatches(p, h, port));
  if (matches.length === 0) return { allowed: false, reason: 'blocked-by-allowlist' };
  const exact = matches.find((p) => p.kind === 'exact');
  const rule = (exact ?? matches[0]).raw;
  if (policy.allowLocalBinding) return { allowed: true, reason: 'allowed', rule };
  const literal = ipFamily(h) !== undefined;
  if (exact !== undefined && (literal || h === 'localhost')) return { allowed: true, reason: 'allowed', rule };
  if (literal ? isNonPublicAddress(h) : isLocalName(h)) return { allowed: false, reason: 'blocked-private-address', rule, address: h };
  const local = (resolved ?? []).find((a) => isNonPublicAddress(a));
  if (local !== undefined) return { allowed: false, reason: 'blocked-private-address', rule, address: local };
  return { allowed: true, reason: 'allowed', rule };
}

/** Checks every pattern of a proxied policy; throws PolicyInvalidError naming the first malformed one. */
export function checkDomainRules(policy: ProxiedNetwork): void {
  rulesOf(policy);
}
