// config/network-schema: the network rule tables shared by `[permissions.<name>.network]`
// (config.toml) and `[experimental_network]` (requirements.toml): `domains` (pattern → allow or
// deny), `unix_sockets` (path → allow, or none/deny), and the legacy lists `allowed_domains`,
// `denied_domains`, `allow_unix_sockets`, which may not be mixed with the tables
// (docs/config.md#network). Every pattern is parsed here, so a malformed one is an error naming
// its file, line and key before anything is planned.

import { parseDomainPattern, type DomainRuleList } from '../policy/domain-pattern';
import { isAbsolutePath } from '../policy/paths';
import { expectType, shownValue } from './schema-checks';
import { configError, isTable, type TomlTable, type ValueOrigin } from './toml-source';

function checkPattern(raw: string, list: DomainRuleList, origin: ValueOrigin, path: (string | number)[], target: 'key' | 'value'): void {
  const parsed = parseDomainPattern(raw, list);
  if (typeof parsed === 'string') throw configError(origin, path, `invalid domain pattern \`${raw}\`: ${parsed}`, raw, target);
}

function checkSocketPath(raw: string, origin: ValueOrigin, path: (string | number)[], target: 'key' | 'value'): void {
  if (!(isAbsolutePath(raw) || raw === '~' || raw.startsWith('~/')) || raw.includes('\0')) {
    throw configError(origin, path, `unix socket path \`${raw}\` must be absolute or use \`~/...\``, raw, target);
  }
}

/** `what` is the table's dotted name as messages show it: `experimental_network`, `permissions.dev.network`. */
export function validateNetworkRules(table: TomlTable, origin: ValueOrigin, base: (string | number)[], what: string): void {
  if (table.domains !== undefined && (table.allowed_domains !== undefined || table.denied_domains !== undefined)) {
    throw configError(origin, [...base, 'domains'], `\`${what}.domains\` cannot be combined with legacy \`allowed_domains\` or \`denied_domains\``);
  }
  if (table.unix_sockets !== undefined && table.allow_unix_sockets !== undefined) {
    throw configError(origin, [...base, 'unix_sockets'], `\`${what}.unix_sockets\` cannot be combined with legacy \`allow_unix_sockets\``);
  }
  if (table.domains !== undefined) {
    expectType(table.domains, 'table', origin, [...base, 'domains']);
    for (const [pattern, v] of Object.entries(table.domains as TomlTable)) {
      if (v !== 'allow' && v !== 'deny') {
        throw configError(origin, [...base, 'domains', pattern], `domains entry ${shownValue(pattern)} must be "allow" or "deny", got ${shownValue(v)}`, v, 'value');
      }
      checkPattern(pattern, v, origin, [...base, 'domains', pattern], 'key');
    }
  }
  if (table.unix_sockets !== undefined) {
    expectType(table.unix_sockets, 'table', origin, [...base, 'unix_sockets']);
    for (const [path, v] of Object.entries(table.unix_sockets as TomlTable)) {
      if (v !== 'allow' && v !== 'none' && v !== 'deny') {
        throw configError(origin, [...base, 'unix_sockets', path], `unix_sockets entry ${shownValue(path)} must be "allow", "none" or "deny", got ${shownValue(v)}`, v, 'value');
      }
      checkSocketPath(path, origin, [...base, 'unix_sockets', path], 'key');
    }
  }
  for (const [list, kind] of [
    ['allowed_domains', 'allow'],
    ['denied_domains', 'deny'],
    ['allow_unix_sockets', undefined],
  ] as const) {
    if (table[list] === undefined) continue;
    expectType(table[list], 'array', origin, [...base, list]);
    (table[list] as unknown[]).forEach((item, i) => {
      expectType(item, 'string', origin, [...base, list, i]);
      if (kind === undefined) checkSocketPath(item as string, origin, [...base, list, i], 'value');
      else checkPattern(item as string, kind, origin, [...base, list, i], 'value');
    });
  }
  if (table.allow_local_binding !== undefined) expectType(table.allow_local_binding, 'boolean', origin, [...base, 'allow_local_binding']);
}

/**
 * The rules of a validated table: the `domains` table, or with `legacy` the legacy lists, and the
 * allowed sockets. Profiles pass `legacy: false`: the reference ignores the lists there.
 */
export function networkRulesOf(table: TomlTable, legacy: boolean): { allowed: string[]; denied: string[]; sockets: string[] } {
  const domains = isTable(table.domains) ? Object.entries(table.domains) : undefined;
  const sockets = isTable(table.unix_sockets)
    ? Object.entries(table.unix_sockets)
        .filter(([, v]) => v === 'allow')
        .map(([p]) => p)
    : legacy
      ? ((table.allow_unix_sockets as string[] | undefined) ?? [])
      : [];
  if (domains !== undefined) {
    return { allowed: domains.filter(([, v]) => v === 'allow').map(([p]) => p), denied: domains.filter(([, v]) => v === 'deny').map(([p]) => p), sockets };
  }
  if (!legacy) return { allowed: [], denied: [], sockets };
  return { allowed: (table.allowed_domains as string[] | undefined) ?? [], denied: (table.denied_domains as string[] | undefined) ?? [], sockets };
}
