// config/toml-edit: comment- and order-preserving edits of TOML text. Only the bytes of the edited
// value (or the inserted or removed line) change; everything else is copied through untouched.
// Every edit is checked by re-parsing: the result must equal the old document with exactly that
// one change, or the edit is refused, so a bug here can never write a config that means something
// else than asked.
import { ConfigParseError } from '../errors';
import { scanToml, type ScannedHeader, type ScannedItem, type ScannedKeyValue } from './toml-scan';
import { isTable, parseTomlText, type TomlTable } from './toml-source';

export type TomlEditValue = string | boolean | number | string[];

function quoteString(value: string): string {
  // JSON string escapes are valid TOML basic-string escapes; TOML also forbids a raw DEL.
  return JSON.stringify(value).replace(/\x7f/g, '\\u007f');
}

export function renderKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : quoteString(key);
}

export function renderValue(value: TomlEditValue): string {
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} to TOML`);
    return String(value);
  }
  return `[${value.map(quoteString).join(', ')}]`;
}

function startsWith(path: readonly (string | number)[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

function samePath(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && startsWith(a, b as string[]);
}

function cloneTable(value: TomlTable): TomlTable {
  return structuredClone(value);
}

/** Structural equality of parsed TOML: prototypes ignored (smol-toml tables have none). */
function sameToml(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.toISOString() === b.toISOString();
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameToml(v, b[i]));
  }
  if (isTable(a) || isTable(b)) {
    if (!isTable(a) || !isTable(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameToml(a[k], b[k]));
  }
  return Object.is(a, b);
}

function withValue(doc: TomlTable, path: string[], value: TomlEditValue | undefined): TomlTable {
  const out = cloneTable(doc);
  let table = out;
  for (const segment of path.slice(0, -1)) {
    if (!isTable(table[segment])) {
      if (value === undefined) return out;
      table[segment] = {};
    }
    table = table[segment] as TomlTable;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete table[last];
  else table[last] = Array.isArray(value) ? [...value] : value;
  return out;
}

function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Inserts a full line at `offset` (a line start), adding the newline the previous line lacks. */
function insertLine(text: string, offset: number, line: string): string {
  const nl = eol(text);
  const before = text.slice(0, offset);
  const needsBreak = before.length > 0 && !before.endsWith('\n');
  return `${before}${needsBreak ? nl : ''}${line}${nl}${text.slice(offset)}`;
}

/** The items between a header (or the document start) and the next header. */
function sections(items: ScannedItem[]): { header: ScannedHeader | undefined; keyvals: ScannedKeyValue[] }[] {
  const out: { header: ScannedHeader | undefined; keyvals: ScannedKeyValue[] }[] = [{ header: undefined, keyvals: [] }];
  for (const item of items) {
    if (item.kind === 'header') out.push({ header: item, keyvals: [] });
    else if (item.inline === undefined) out[out.length - 1].keyvals.push(item);
  }
  return out;
}

function describePath(path: readonly string[]): string {
  return path.map(renderKey).join('.');
}

function insertNew(text: string, items: ScannedItem[], path: string[], value: TomlEditValue): string {
  const parent = path.slice(0, -1);
  const rendered = renderValue(value);
  // An inline table on the way: add a (dotted) key inside its braces.
  for (const item of items) {
    if (item.kind !== 'keyval' || !startsWith(path, item.path as string[]) || item.path.length >= path.length) continue;
    if (item.inlineTable === undefined) {
      throw new ConfigParseError(`cannot set ${describePath(path)}: ${describePath(item.path as string[])} is not a table; fix the file by hand`, { path });
    }
    const { open, close } = item.inlineTable;
    const inner = text.slice(open + 1, close);
    const pair = `${path.slice(item.path.length).map(renderKey).join('.')} = ${rendered}`;
    const replacement = inner.trim() === '' ? `{ ${pair} }` : `{${inner.replace(/\s*$/, '')}, ${pair} }`;
    return text.slice(0, open) + replacement + text.slice(close + 1);
  }
  for (const section of sections(items)) {
    const tablePath = section.header?.path ?? [];
    if (section.header?.array) continue;
    if (samePath(tablePath, parent)) {
      const last = section.keyvals[section.keyvals.length - 1];
      const at = last?.lineEnd ?? section.header?.lineEnd ?? 0;
      return insertLine(text, at, `${renderKey(path[path.length - 1])} = ${rendered}`);
    }
    // The parent is defined by dotted keys in this section (`a.b = 1` under [x]): stay dotted.
    if (!startsWith(parent, tablePath)) continue;
    const dotted = section.keyvals.filter((kv) => startsWith(kv.path, parent) && kv.key.length > 1);
    if (dotted.length > 0) {
      const relative = path.slice(tablePath.length);
      return insertLine(text, dotted[dotted.length - 1].lineEnd, `${relative.map(renderKey).join('.')} = ${rendered}`);
    }
  }
  if (parent.length === 0) {
    const first = items.find((i) => i.kind === 'header');
    return insertLine(text, first === undefined ? text.length : 0, `${renderKey(path[0])} = ${rendered}`);
  }
  const nl = eol(text);
  const sep = text === '' ? '' : text.endsWith(`${nl}${nl}`) ? '' : text.endsWith(nl) ? nl : `${nl}${nl}`;
  return `${text}${sep}[${describePath(parent)}]${nl}${renderKey(path[path.length - 1])} = ${rendered}${nl}`;
}

function verified(before: TomlTable, after: string, file: string, path: string[], value: TomlEditValue | undefined): string {
  const expected = withValue(before, path, value);
  let actual: TomlTable | undefined;
  try {
    actual = parseTomlText(after, file);
  } catch {
    actual = undefined;
  }
  if (actual === undefined || !sameToml(actual, expected)) {
    throw new ConfigParseError(`refusing to write ${file}: editing ${describePath(path)} would change other values; edit the file by hand`, {
      source: { file, key: path.join('.') },
      path,
    });
  }
  return after;
}

/** Sets one value, keeping every other byte. `file` is used in messages only. */
export function setTomlValue(text: string, path: string[], value: TomlEditValue, file: string): string {
  const before = parseTomlText(text, file);
  const items = scanToml(text);
  const existing = items.find((i): i is ScannedKeyValue => i.kind === 'keyval' && samePath(i.path, path));
  let after: string;
  if (existing !== undefined) {
    if (existing.inlineTable !== undefined) {
      throw new ConfigParseError(`cannot set ${describePath(path)}: it is a table in ${file}; edit its keys instead`, { path });
    }
    after = text.slice(0, existing.valueStart) + renderValue(value) + text.slice(existing.valueEnd);
  } else {
    // A table, whether opened by a header or implied by a longer header or dotted key.
    const opensTable = items.some((i) => (i.kind === 'header' ? startsWith(i.path, path) : startsWith(i.path, path) && i.path.length > path.length));
    if (opensTable) {
      throw new ConfigParseError(`cannot set ${describePath(path)}: it is a table in ${file}; edit its keys instead`, { path });
    }
    after = insertNew(text, items, path, value);
  }
  return verified(before, after, file, path, value);
}

/** Removes one key; `changed` is false when it was not set. */
export function removeTomlValue(text: string, path: string[], file: string): { text: string; changed: boolean } {
  const before = parseTomlText(text, file);
  const items = scanToml(text);
  const existing = items.find((i): i is ScannedKeyValue => i.kind === 'keyval' && samePath(i.path, path));
  if (existing === undefined) return { text, changed: false };
  let after: string;
  if (existing.inline !== undefined) {
    const { open, close } = existing.inline;
    const pairEnd = existing.valueEnd;
    const rest = text.slice(pairEnd, close);
    const comma = /^\s*,\s*/.exec(rest);
    if (comma !== null) {
      after = text.slice(0, existing.keyStart) + text.slice(pairEnd + comma[0].length);
    } else {
      // The last pair: take the comma before it instead.
      const head = text.slice(open + 1, existing.keyStart);
      const prev = /,\s*$/.exec(head);
      const cut = prev === null ? existing.keyStart : open + 1 + prev.index;
      after = text.slice(0, cut) + (prev === null ? '' : ' ') + text.slice(pairEnd).replace(/^\s*(?=\})/, '');
    }
  } else {
    after = text.slice(0, existing.lineStart) + text.slice(existing.lineEnd);
  }
  return { text: verified(before, after, file, path, undefined), changed: true };
}
