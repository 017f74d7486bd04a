// policy/domain-pattern: the proxied network's domain patterns, parsed and matched
// (docs/network.md#patterns). The reference's semantics: an exact host; `*.example.com`, its
// subdomains only; `**.example.com`, the apex and its subdomains; a global `*` in allow rules
// only; matching is case-insensitive and ignores a trailing dot; each pattern may end in `:port`
// (IPv6 literals bracketed, `[::1]:443`). Wildcards match names, never IP literals.

import { canonicalIPv6, ipFamily, parseIPv6 } from './ip-address';

export type DomainRuleList = 'allow' | 'deny';

export interface DomainPattern {
  /** As written, for explain() and the proxy's decisions. */
  raw: string;
  kind: 'any' | 'exact' | 'subdomains' | 'apex-and-subdomains';
  /** Normalized: lower case, no trailing dot, IPv6 canonical and unbracketed; the suffix for wildcards. */
  host: string;
  port?: number;
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

function isHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  return host.split('.').every((l) => LABEL.test(l));
}

/** The lower-case, unbracketed, trailing-dot-free form both patterns and candidate hosts are compared in. */
export function normalizeHost(host: string): string {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.includes(':')) return canonicalIPv6(h) ?? h;
  return h.replace(/\.+$/, '');
}

/** True when `host` (normalized) can be named by a pattern at all: a hostname or an IP literal. */
export function isValidHost(host: string): boolean {
  return ipFamily(host) !== undefined || isHostname(host);
}

function splitPort(raw: string): { host: string; port?: string } | string {
  if (raw.startsWith('[')) {
    const close = raw.indexOf(']');
    if (close === -1) return 'an IPv6 literal opened with `[` must be closed with `]`';
    const rest = raw.slice(close + 1);
    if (rest === '') return { host: raw.slice(1, close) };
    if (!rest.startsWith(':')) return 'only `:port` may follow a bracketed IPv6 literal';
    return { host: raw.slice(1, close), port: rest.slice(1) };
  }
  const colons = raw.split(':').length - 1;
  // More than one colon without brackets is a bare IPv6 literal: it cannot carry a port.
  if (colons !== 1) return { host: raw };
  const at = raw.lastIndexOf(':');
  return { host: raw.slice(0, at), port: raw.slice(at + 1) };
}

/** A parsed pattern, or the reason it is malformed (the caller adds where it came from). */
export function parseDomainPattern(raw: string, list: DomainRuleList): DomainPattern | string {
  if (raw.length === 0) return 'a domain pattern cannot be empty';
  if (/\s/.test(raw)) return 'a domain pattern cannot contain whitespace';
  if (raw.includes('/')) return 'a domain pattern names a host (and port), not a URL; drop the scheme and path';
  const split = splitPort(raw);
  if (typeof split === 'string') return split;
  let port: number | undefined;
  if (split.port !== undefined) {
    if (!/^[0-9]+$/.test(split.port)) return `port \`${split.port}\` is not a number`;
    port = Number(split.port);
    if (port < 1 || port > 65535) return `port \`${split.port}\` is out of range (1-65535)`;
  }
  const written = split.host.toLowerCase();
  const withPort = (p: Omit<DomainPattern, 'raw' | 'port'>): DomainPattern => (port === undefined ? { raw, ...p } : { raw, ...p, port });
  if (written === '*') {
    if (list === 'deny') return 'the global `*` is only allowed in allow rules';
    return withPort({ kind: 'any', host: '' });
  }
  for (const [prefix, kind] of [
    ['**.', 'apex-and-subdomains'],
    ['*.', 'subdomains'],
  ] as const) {
    if (!written.startsWith(prefix)) continue;
    const suffix = written.slice(prefix.length).replace(/\.$/, '');
    if (suffix.includes('*')) return 'a wildcard is only allowed once, as a leading `*.` or `**.`';
    if (!isHostname(suffix) || ipFamily(suffix) !== undefined) return `\`${suffix}\` after \`${prefix}\` is not a domain name`;
    return withPort({ kind, host: suffix });
  }
  if (written.includes('*')) return 'a wildcard is only allowed as a leading `*.` or `**.`, or as the whole pattern `*`';
  if (written.includes(':')) {
    if (parseIPv6(written) === undefined) return `\`${split.host}\` is not an IPv6 address`;
    return withPort({ kind: 'exact', host: normalizeHost(written) });
  }
  const host = written.replace(/\.$/, '');
  if (!isHostname(host)) return `\`${split.host}\` is not a host name or IP address`;
  return withPort({ kind: 'exact', host });
}

/**
 * `host:port`, `[v6]:port`, or a host alone (then `defaultPort`); undefined when malformed or
 * the port is out of range. The proxy reads CONNECT targets with it, explain its `--host`.
 */
export function splitHostPort(text: string, defaultPort?: number): { host: string; port: number } | undefined {
  const split = splitPort(text);
  if (typeof split === 'string' || split.host === '') return undefined;
  if (split.port === undefined) return defaultPort === undefined ? undefined : { host: split.host, port: defaultPort };
  if (!/^[0-9]{1,5}$/.test(split.port)) return undefined;
  const port = Number(split.port);
  return port >= 1 && port <= 65535 ? { host: split.host, port } : undefined;
}

/** `host` must be normalized (normalizeHost). */
export function patternMatches(p: DomainPattern, host: string, port: number): boolean {
  if (p.port !== undefined && p.port !== port) return false;
  switch (p.kind) {
    case 'any':
      return true;
    case 'exact':
      return host === p.host;
    case 'subdomains':
      return ipFamily(host) === undefined && host.endsWith(`.${p.host}`);
    case 'apex-and-subdomains':
      return ipFamily(host) === undefined && (host === p.host || host.endsWith(`.${p.host}`));
  }
}
