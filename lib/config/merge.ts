// config/merge: the deep merge of config layers (docs/reference.md#config-layers) and the record of which layer set
// each leaf. Tables merge key by key; anything else, arrays included, is replaced whole.
import { mergeShellEnvironmentPolicy } from './shell-env-policy';
import { isTable, type TomlTable } from './toml-source';

function cloneValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneValue);
  if (isTable(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneValue(v)]));
  return value;
}

/** Returns a new table: `overlay` deep-merged onto `base`; neither input is modified. */
export function mergeTomlValues(base: TomlTable, overlay: TomlTable): TomlTable {
  const out = cloneValue(base) as TomlTable;
  for (const [key, value] of Object.entries(overlay)) {
    const existing = out[key];
    if (key === 'shell_environment_policy' && isTable(existing) && isTable(value)) {
      out[key] = mergeShellEnvironmentPolicy(existing, value, mergeTomlValues);
      continue;
    }
    out[key] = isTable(existing) && isTable(value) ? mergeTomlValues(existing, value) : cloneValue(value);
  }
  return out;
}

/**
 * Calls `visit` for every leaf (scalar) with its dotted path; array elements use their index as a
 * segment (`foo.0`), and tables and arrays are not visited themselves, as the reference's
 * `origins()` does.
 */
export function forEachLeaf(value: unknown, visit: (path: string, leaf: unknown) => void, prefix = ''): void {
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : isTable(value) ? Object.entries(value) : [];
  for (const [key, child] of entries) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (Array.isArray(child) || isTable(child)) forEachLeaf(child, visit, path);
    else visit(path, child);
  }
}

/** Reads a nested value by path; undefined when any segment is missing or not a table. */
export function getPath(table: unknown, path: readonly string[]): unknown {
  let cur = table;
  for (const segment of path) {
    if (!isTable(cur)) return undefined;
    cur = cur[segment];
  }
  return cur;
}
