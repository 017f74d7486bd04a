// config/toml-scan: a positional scan of TOML source text. smol-toml gives values but no key
// positions, and the comment-preserving editor needs byte spans, so this finds every table header
// and key/value pair with its offsets. It runs only on text smol-toml has already accepted, so it
// can be lenient about syntax: it never decides validity, only where things are.

/** A `[table]` or `[[array.of.tables]]` line. */
export interface ScannedHeader {
  kind: 'header';
  /** The header's key path as written (no array indexes). */
  path: string[];
  /** The path with array-of-table indexes, as the parsed value addresses it. */
  indexedPath: (string | number)[];
  array: boolean;
  /** Offset of `[` and of the first character after the line's newline. */
  start: number;
  lineEnd: number;
}

/** A `key = value` pair, at the top level of a table or inside an inline table. */
export interface ScannedKeyValue {
  kind: 'keyval';
  /** Full path of the value: enclosing table (with indexes) plus the dotted key. */
  path: (string | number)[];
  /** The dotted key as written. */
  key: string[];
  keyStart: number;
  valueStart: number;
  valueEnd: number;
  /** Start of the line holding the key, and the offset after its line's newline (top-level pairs). */
  lineStart: number;
  lineEnd: number;
  /** Set when the pair is inside an inline table: the offsets of that table's braces. */
  inline?: { open: number; close: number };
  /** Set when the value itself is an inline table. */
  inlineTable?: { open: number; close: number };
  /** Offsets of the elements when the value is an array. */
  elements?: number[];
}

export type ScannedItem = ScannedHeader | ScannedKeyValue;

export interface Position {
  line: number;
  column: number;
}

const BARE_KEY = /[A-Za-z0-9_-]/;

class Scanner {
  pos = 0;
  readonly items: ScannedItem[] = [];
  private readonly arrayCounts = new Map<string, number>();

  constructor(private readonly text: string) {}

  run(): ScannedItem[] {
    let table: (string | number)[] = [];
    while (this.pos < this.text.length) {
      this.skipBlank();
      if (this.pos >= this.text.length) break;
      const ch = this.text[this.pos];
      if (ch === '\n' || ch === '\r') {
        this.pos++;
        continue;
      }
      if (ch === '#') {
        this.skipComment();
        continue;
      }
      if (ch === '[') {
        table = this.header();
        continue;
      }
      this.keyValue(table, undefined);
      this.skipToLineEnd();
    }
    return this.items;
  }

  private header(): (string | number)[] {
    const start = this.pos;
    const array = this.text.startsWith('[[', this.pos);
    this.pos += array ? 2 : 1;
    const path = this.keyPath();
    this.skipBlank();
    this.pos += array ? 2 : 1;
    if (array) {
      // Each [[x]] appends an element; headers below it address the newest element.
      const id = JSON.stringify(path);
      this.arrayCounts.set(id, (this.arrayCounts.get(id) ?? 0) + 1);
    }
    const indexed: (string | number)[] = [];
    for (let i = 0; i < path.length; i++) {
      indexed.push(path[i]);
      const count = this.arrayCounts.get(JSON.stringify(path.slice(0, i + 1)));
      if (count !== undefined) indexed.push(count - 1);
    }
    this.skipToLineEnd();
    this.items.push({ kind: 'header', path, indexedPath: indexed, array, start, lineEnd: this.pos });
    return indexed;
  }

  private keyValue(table: (string | number)[], inline: { open: number; close: number } | undefined): void {
    const lineStart = this.lineStartOf(this.pos);
    const keyStart = this.pos;
    const key = this.keyPath();
    this.skipBlank();
    if (this.text[this.pos] === '=') this.pos++;
    this.skipBlank();
    const valueStart = this.pos;
    const path = [...table, ...key];
    const item: ScannedKeyValue = {
      kind: 'keyval',
      path,
      key,
      keyStart,
      valueStart,
      valueEnd: valueStart,
      lineStart,
      lineEnd: valueStart,
    };
    if (inline !== undefined) item.inline = inline;
    this.items.push(item);
    if (this.text[this.pos] === '{') {
      item.inlineTable = this.inlineTable(path);
    } else if (this.text[this.pos] === '[') {
      item.elements = [];
      this.skipArray(item.elements);
    } else {
      this.skipValue();
    }
    item.valueEnd = this.pos;
    item.lineEnd = this.lineEndOf(this.pos);
  }

  private inlineTable(path: (string | number)[]): { open: number; close: number } {
    const open = this.pos;
    const span = { open, close: open };
    this.pos++;
    for (;;) {
      this.skipSpaceAndNewlines();
      const ch = this.text[this.pos];
      if (ch === undefined) break;
      if (ch === '}') {
        span.close = this.pos;
        this.pos++;
        break;
      }
      if (ch === ',') {
        this.pos++;
        continue;
      }
      this.keyValue(path, span);
    }
    return span;
  }

  private keyPath(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipBlank();
      parts.push(this.simpleKey());
      this.skipBlank();
      if (this.text[this.pos] !== '.') break;
      this.pos++;
    }
    return parts;
  }

  private simpleKey(): string {
    const ch = this.text[this.pos];
    if (ch === '"') return this.basicString();
    if (ch === "'") return this.literalString();
    const start = this.pos;
    while (this.pos < this.text.length && BARE_KEY.test(this.text[this.pos])) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private basicString(): string {
    this.pos++;
    let out = '';
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      const ch = this.text[this.pos];
      if (ch === '\\') {
        out += this.escape();
        continue;
      }
      out += ch;
      this.pos++;
    }
    this.pos++;
    return out;
  }

  private escape(): string {
    const kind = this.text[this.pos + 1];
    this.pos += 2;
    const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };
    if (kind in simple) return simple[kind];
    const width = kind === 'u' ? 4 : kind === 'U' ? 8 : kind === 'x' ? 2 : 0;
    const hex = this.text.slice(this.pos, this.pos + width);
    this.pos += width;
    return width === 0 ? '' : String.fromCodePoint(parseInt(hex, 16));
  }

  private literalString(): string {
    const start = ++this.pos;
    while (this.pos < this.text.length && this.text[this.pos] !== "'") this.pos++;
    return this.text.slice(start, this.pos++);
  }

  /** Skips one value of any type, leaving pos just after it. */
  private skipValue(): void {
    const ch = this.text[this.pos];
    if (this.text.startsWith('"""', this.pos)) return this.skipMultiline('"""', true);
    if (this.text.startsWith("'''", this.pos)) return this.skipMultiline("'''", false);
    if (ch === '"') {
      this.basicString();
      return;
    }
    if (ch === "'") {
      this.literalString();
      return;
    }
    if (ch === '[') return this.skipArray();
    if (ch === '{') {
      this.skipBracketed('{', '}');
      return;
    }
    const start = this.pos;
    while (this.pos < this.text.length && !/[\s,\]}#]/.test(this.text[this.pos])) this.pos++;
    // TOML lets a date-time put a space where the `T` between date and time goes.
    if (/^\d{4}-\d{2}-\d{2}$/.test(this.text.slice(start, this.pos)) && /^ \d{2}:/.test(this.text.slice(this.pos, this.pos + 4))) {
      this.pos++;
      while (this.pos < this.text.length && !/[\s,\]}#]/.test(this.text[this.pos])) this.pos++;
    }
  }

  private skipMultiline(delim: string, escapes: boolean): void {
    this.pos += 3;
    while (this.pos < this.text.length) {
      if (escapes && this.text[this.pos] === '\\') {
        this.pos += 2;
        continue;
      }
      if (this.text.startsWith(delim, this.pos)) {
        this.pos += 3;
        // Up to two quote characters may directly precede the closing delimiter.
        while (this.text[this.pos] === delim[0]) this.pos++;
        return;
      }
      this.pos++;
    }
  }

  private skipArray(elements?: number[]): void {
    this.pos++;
    for (;;) {
      this.skipSpaceAndNewlines();
      const ch = this.text[this.pos];
      if (ch === undefined) return;
      if (ch === ']') {
        this.pos++;
        return;
      }
      if (ch === ',') {
        this.pos++;
        continue;
      }
      elements?.push(this.pos);
      this.skipValue();
    }
  }

  private skipBracketed(open: string, close: string): void {
    let depth = 0;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === '"' || ch === "'") {
        this.skipValue();
        continue;
      }
      if (ch === '#') {
        this.skipComment();
        continue;
      }
      this.pos++;
      if (ch === open) depth++;
      else if (ch === close && --depth === 0) return;
    }
  }

  private skipSpaceAndNewlines(): void {
    for (;;) {
      this.skipBlank();
      const ch = this.text[this.pos];
      if (ch === '\n' || ch === '\r') this.pos++;
      else if (ch === '#') this.skipComment();
      else return;
    }
  }

  private skipBlank(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }

  private skipComment(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
  }

  private skipToLineEnd(): void {
    this.pos = this.lineEndOf(this.pos);
  }

  private lineEndOf(offset: number): number {
    const nl = this.text.indexOf('\n', offset);
    return nl === -1 ? this.text.length : nl + 1;
  }

  private lineStartOf(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }
}

/** Every header and key/value pair of a TOML document, in source order. */
export function scanToml(text: string): ScannedItem[] {
  return new Scanner(text).run();
}

/** 1-based line and column (in characters) of an offset. */
export function positionOf(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: [...text.slice(lineStart, offset)].length + 1 };
}

function samePath(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/**
 * Where a key path is written: the pair that sets it, or else the header that opens it, or else
 * the nearest written ancestor. Undefined only for an empty document.
 */
export function locateKey(text: string, path: readonly (string | number)[], target: 'key' | 'value' = 'key'): Position | undefined {
  const items = scanToml(text);
  for (let len = path.length; len > 0; len--) {
    const prefix = path.slice(0, len);
    for (const item of items) {
      if (item.kind === 'keyval' && samePath(item.path, prefix)) {
        const index = path[len];
        const element = typeof index === 'number' ? item.elements?.[index] : undefined;
        if (element !== undefined) return positionOf(text, element);
        const exact = len === path.length && target === 'value';
        return positionOf(text, exact ? item.valueStart : item.keyStart);
      }
      if (item.kind === 'header' && samePath(item.indexedPath, prefix)) return positionOf(text, item.start);
    }
  }
  return undefined;
}
