// config/overrides: `-c key=value` session overrides, parsed as the reference parses them
// (docs/reference.md#cli-overrides): split at the first `=`, the value is TOML when it parses as TOML and a literal
// string otherwise, and dotted keys build nested tables with later pairs winning.
import { parseToml as parse } from './toml-lib';
import { ConfigParseError } from '../errors';
import { isTable, type TomlTable } from './toml-source';

export interface CliOverride {
  key: string[];
  value: unknown;
  raw: string;
}

/** Keys the reference moved under [features]; the old spelling is still accepted (docs/reference.md#cli-overrides). */
const CANONICAL_KEYS: Record<string, string> = { use_legacy_landlock: 'features.use_legacy_landlock' };

function parseOverrideValue(text: string): unknown {
  try {
    return (parse(`_x_ = ${text}`) as TomlTable)._x_;
  } catch {
    // Not TOML: a bare word such as `-c sandbox_mode=read-only`. The newest reference strips every
    // surrounding quote character, so `-c k=o3` and `-c k='"o3"'` mean the same.
    return text.replace(/^["']+/, '').replace(/["']+$/, '');
  }
}

export function parseCliOverride(raw: string): CliOverride {
  const eq = raw.indexOf('=');
  if (eq === -1) {
    throw new ConfigParseError(`Invalid override (missing '='): ${raw}; write -c key=value`, {
      source: { flag: '-c' },
      value: raw,
    });
  }
  const keyText = raw.slice(0, eq).trim();
  if (keyText === '') {
    throw new ConfigParseError(`Empty key in override: ${raw}; write -c key=value`, { source: { flag: '-c' }, value: raw });
  }
  // Own keys only: `-c toString=x` names a key called toString, not Object.prototype's.
  const canonical = Object.hasOwn(CANONICAL_KEYS, keyText) ? CANONICAL_KEYS[keyText]! : keyText;
  return { key: canonical.split('.'), value: parseOverrideValue(raw.slice(eq + 1).trim()), raw };
}

/** Defines `key` as an own property: `-c __proto__.x=1` names a key, and must not set a prototype. */
function setOwn(table: TomlTable, key: string, value: unknown): void {
  Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });
}

/** One table from all pairs in order; a non-table met on the way is replaced by a table. */
export function buildOverridesTable(overrides: readonly CliOverride[]): TomlTable {
  const root: TomlTable = {};
  for (const { key, value } of overrides) {
    let table = root;
    for (const segment of key.slice(0, -1)) {
      const next = Object.hasOwn(table, segment) ? table[segment] : undefined;
      if (!isTable(next)) setOwn(table, segment, {});
      table = table[segment] as TomlTable;
    }
    setOwn(table, key[key.length - 1]!, value);
  }
  return root;
}
