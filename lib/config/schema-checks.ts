// config/schema-checks: the small typed checks shared by the config and requirements schemas. Each
// failure is a ConfigParseError located in the file (or -c flag) that holds the value.
import { configError, tomlTypeName, type TomlTable, type ValueOrigin } from './toml-source';

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** `; did you mean "x"?` for a near miss among `known`, else a list of the known keys. */
export function suggestKey(key: string, known: readonly string[]): string {
  const best = known.map((k) => ({ k, d: editDistance(key, k) })).sort((x, y) => x.d - y.d)[0];
  if (best !== undefined && best.d <= 3) return `; did you mean "${best.k}"?`;
  return `; expected one of ${known.map((k) => `"${k}"`).join(', ')}`;
}

export function rejectUnknownKeys(table: TomlTable, known: readonly string[], origin: ValueOrigin, path: (string | number)[], what: string): void {
  for (const key of Object.keys(table)) {
    if (!known.includes(key)) {
      // Quoted by shownValue: a key is text from the file, and a 4 kB one must not fill the message.
      throw configError(origin, [...path, key], `unknown key ${shownValue(key)} in ${what}${suggestKey(key, known)}`, key);
    }
  }
}

/** A value as quoted in a one-line message: JSON, cut short so a huge value cannot flood it. */
export function shownValue(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length <= 200 ? json : `${json.slice(0, 200)}… (${json.length} chars)`;
}

export function expectType(value: unknown, type: 'string' | 'boolean' | 'table' | 'array' | 'integer', origin: ValueOrigin, path: (string | number)[]): void {
  const actual = tomlTypeName(value);
  if (actual !== type) {
    throw configError(origin, path, `${path.join('.')} must be a ${type}, got ${actual} ${shownValue(value)}`, value, 'value');
  }
}

export function expectOneOf(value: unknown, allowed: readonly string[], origin: ValueOrigin, path: (string | number)[]): void {
  expectType(value, 'string', origin, path);
  if (!allowed.includes(value as string)) {
    throw configError(origin, path, `${path.join('.')} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${shownValue(value)}`, value, 'value');
  }
}
