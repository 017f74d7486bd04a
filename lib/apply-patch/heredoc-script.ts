// apply-patch/heredoc-script: recognizes the two shell-script shapes the reference routes to
// apply_patch (docs/reference.md#patch-invocations), pure:
//
//   apply_patch <<DELIM            cd DIR && apply_patch <<DELIM
//   ...body...                     ...body...
//   DELIM                          DELIM
//
// The reference runs a tree-sitter-bash query; this is a strict recognizer for exactly those
// shapes. Anything else (another connector, a second statement, arguments to apply_patch, text
// after the heredoc, a missing terminator) is "not apply_patch", so the command runs as the shell
// command it is. DIR may be a bare word, "double-quoted" or 'single-quoted'.

export interface HeredocInvocation {
  /** The heredoc body without its trailing newlines. */
  body: string;
  /** The `cd` argument, or null without `cd`. */
  workdir: string | null;
}

const COMMAND_NAMES = new Set(['apply_patch', 'applypatch']);
// Characters that end or change the meaning of an unquoted bash word.
const BARE_WORD = /^[^\s'"`$\\;&|<>(){}#*?[\]~!]+/;

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  /** Skips spaces and tabs (not newlines: a newline ends a statement). */
  blanks(): void {
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t')) this.pos++;
  }

  eat(literal: string): boolean {
    if (!this.text.startsWith(literal, this.pos)) return false;
    this.pos += literal.length;
    return true;
  }

  bareWord(): string | null {
    const m = BARE_WORD.exec(this.text.slice(this.pos));
    if (m === null) return null;
    this.pos += m[0].length;
    return m[0];
  }

  /** A bare word, "double-quoted" (no expansions inside) or 'single-quoted' string. */
  word(): string | null {
    const ch = this.text[this.pos];
    if (ch === "'") {
      const close = this.text.indexOf("'", this.pos + 1);
      if (close < 0) return null;
      const value = this.text.slice(this.pos + 1, close);
      this.pos = close + 1;
      return value;
    }
    if (ch === '"') {
      const close = this.text.indexOf('"', this.pos + 1);
      if (close < 0) return null;
      const value = this.text.slice(this.pos + 1, close);
      // Expansions or escapes would make the directory depend on the shell: not a plain shape.
      if (/[`$\\]/.test(value)) return null;
      this.pos = close + 1;
      return value;
    }
    return this.bareWord();
  }

  atWordEnd(): boolean {
    const ch = this.text[this.pos];
    return ch === undefined || ch === ' ' || ch === '\t' || ch === '\n';
  }
}

/** Returns the body and workdir when `script` is one of the two shapes, else null. */
export function parseHeredocScript(script: string): HeredocInvocation | null {
  const c = new Cursor(script);
  while (c.pos < script.length && /\s/.test(script[c.pos])) c.pos++;
  let workdir: string | null = null;
  const first = c.bareWord();
  if (first === null) return null;
  let command = first;
  if (first === 'cd') {
    if (!c.atWordEnd()) return null;
    c.blanks();
    workdir = c.word();
    if (workdir === null || !c.atWordEnd()) return null;
    c.blanks();
    if (!c.eat('&&')) return null;
    c.blanks();
    const next = c.bareWord();
    if (next === null) return null;
    command = next;
  }
  if (!COMMAND_NAMES.has(command) || !c.atWordEnd()) return null;
  c.blanks();
  if (!c.eat('<<')) return null;
  const stripTabs = c.eat('-');
  c.blanks();
  const delimiter = c.word();
  if (delimiter === null || delimiter === '' || !c.atWordEnd()) return null;
  c.blanks();
  if (!c.eat('\n')) return null;
  const lines = script.slice(c.pos).split('\n');
  const end = lines.findIndex((line) => (stripTabs ? line.replace(/^\t+/, '') : line) === delimiter);
  if (end < 0) return null;
  // Nothing may follow the terminator but blank space.
  if (lines.slice(end + 1).some((line) => line.trim() !== '')) return null;
  const bodyLines = lines.slice(0, end).map((line) => (stripTabs ? line.replace(/^\t+/, '') : line));
  return { body: bodyLines.join('\n').replace(/\n+$/, ''), workdir };
}
