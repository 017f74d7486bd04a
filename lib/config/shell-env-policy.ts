// config/shell-env-policy: `[shell_environment_policy]` in config.toml, checked per layer and read
// from the merged config as the reference reads it: the legacy `exclude` / `include_only` arrays
// or the keyed `filters` table (pattern = "include" | "exclude"), never both in one layer;
// filter patterns are case-insensitive, so two differing only in case are an error; an omitted
// `ignore_default_excludes` means true (the reference's default). `set` and `inherit` as written.
import type { EnvPolicy } from '../policy/env-policy';
import { configError, isTable, type TomlTable, type ValueOrigin } from './toml-source';
import { expectOneOf, expectType, rejectUnknownKeys } from './schema-checks';

const KEY = 'shell_environment_policy';
const KEYS = ['inherit', 'ignore_default_excludes', 'exclude', 'include_only', 'set', 'filters', 'experimental_use_profile'];

function expectStrings(value: unknown, origin: ValueOrigin, path: (string | number)[]): void {
  expectType(value, 'array', origin, path);
  (value as unknown[]).forEach((v, i) => expectType(v, 'string', origin, [...path, i]));
}

/** Checks one layer's `[shell_environment_policy]`; throws a located ConfigParseError. */
export function validateShellEnvironmentPolicy(table: TomlTable, origin: ValueOrigin): void {
  const value = table[KEY];
  if (value === undefined) return;
  expectType(value, 'table', origin, [KEY]);
  const t = value as TomlTable;
  rejectUnknownKeys(t, KEYS, origin, [KEY], `[${KEY}]`);
  if (t.inherit !== undefined) expectOneOf(t.inherit, ['all', 'core', 'none'], origin, [KEY, 'inherit']);
  for (const flag of ['ignore_default_excludes', 'experimental_use_profile']) if (t[flag] !== undefined) expectType(t[flag], 'boolean', origin, [KEY, flag]);
  for (const list of ['exclude', 'include_only']) if (t[list] !== undefined) expectStrings(t[list], origin, [KEY, list]);
  if (t.set !== undefined) {
    expectType(t.set, 'table', origin, [KEY, 'set']);
    for (const [name, v] of Object.entries(t.set as TomlTable)) expectType(v, 'string', origin, [KEY, 'set', name]);
  }
  if (t.filters !== undefined) {
    expectType(t.filters, 'table', origin, [KEY, 'filters']);
    if (t.exclude !== undefined || t.include_only !== undefined) {
      throw configError(origin, [KEY, 'filters'], `cannot mix \`filters\` with legacy \`exclude\` or \`include_only\` in [${KEY}]; use one form`, t.filters);
    }
    const seen = new Set<string>();
    for (const [pattern, action] of Object.entries(t.filters as TomlTable)) {
      expectOneOf(action, ['include', 'exclude'], origin, [KEY, 'filters', pattern]);
      if (seen.has(pattern.toLowerCase())) throw configError(origin, [KEY, 'filters', pattern], `duplicate shell environment filter \`${pattern}\` ignoring case`, pattern);
      seen.add(pattern.toLowerCase());
    }
  }
}

/**
 * The merge of one layer's `[shell_environment_policy]` onto the layers below, where the plain
 * deep merge would mix the two filter forms: the base is first converted to the overlay's form,
 * and a pattern the overlay lists in one legacy array leaves the base's other array.
 */
export function mergeShellEnvironmentPolicy(base: TomlTable, overlay: TomlTable, merge: (a: TomlTable, b: TomlTable) => TomlTable): TomlTable {
  const lowerKeys = (filters: unknown): TomlTable => (isTable(filters) ? Object.fromEntries(Object.entries(filters).map(([k, v]) => [k.toLowerCase(), v])) : {});
  const { exclude, include_only, filters, ...rest } = base;
  const legacyBase = exclude !== undefined || include_only !== undefined;
  let converted: TomlTable = base;
  if (isTable(overlay.filters) && legacyBase) {
    const asFilters: TomlTable = {};
    for (const p of (include_only as string[] | undefined) ?? []) asFilters[p.toLowerCase()] = 'include';
    for (const p of (exclude as string[] | undefined) ?? []) asFilters[p.toLowerCase()] = 'exclude';
    converted = { ...rest, filters: asFilters };
  } else if ((overlay.exclude !== undefined || overlay.include_only !== undefined) && filters !== undefined) {
    const entries = Object.entries(lowerKeys(filters));
    converted = { ...rest, exclude: entries.filter(([, a]) => a === 'exclude').map(([p]) => p), include_only: entries.filter(([, a]) => a === 'include').map(([p]) => p) };
  }
  if (converted.filters !== undefined) converted = { ...converted, filters: lowerKeys(converted.filters) };
  const over = overlay.filters === undefined ? overlay : { ...overlay, filters: lowerKeys(overlay.filters) };
  // Arrays replace whole in the merge, so only the opposite array keeps stale patterns.
  const drop = (list: unknown, named: unknown): unknown =>
    Array.isArray(list) && Array.isArray(named) ? list.filter((p) => !named.some((n) => String(n).toLowerCase() === String(p).toLowerCase())) : list;
  if (converted.exclude !== undefined && over.include_only !== undefined && over.exclude === undefined)
    converted = { ...converted, exclude: drop(converted.exclude, over.include_only) };
  if (converted.include_only !== undefined && over.exclude !== undefined && over.include_only === undefined)
    converted = { ...converted, include_only: drop(converted.include_only, over.exclude) };
  return merge(converted, over);
}

/** The environment policy the merged config asks for, or undefined when it has none. */
export function shellEnvironmentPolicy(merged: TomlTable): EnvPolicy | undefined {
  const t = merged[KEY];
  if (!isTable(t)) return undefined;
  const out: EnvPolicy = { ignoreDefaultExcludes: (t.ignore_default_excludes as boolean | undefined) ?? true };
  if (t.inherit !== undefined) out.inherit = t.inherit as EnvPolicy['inherit'] & string;
  let exclude = (t.exclude as string[] | undefined) ?? [];
  let includeOnly = (t.include_only as string[] | undefined) ?? [];
  if (isTable(t.filters)) {
    const entries = Object.entries(t.filters);
    exclude = entries.filter(([, a]) => a === 'exclude').map(([p]) => p);
    includeOnly = entries.filter(([, a]) => a === 'include').map(([p]) => p);
  }
  if (exclude.length > 0) out.exclude = exclude;
  if (includeOnly.length > 0) out.includeOnly = includeOnly;
  if (isTable(t.set)) out.set = t.set as Record<string, string>;
  return out;
}
