// policy/glob/tokenize: the one reader of glob text. The detector (isGlob, globMetaIndex) and the
// renderers (to-regexp.ts, to-sbpl.ts) all work from its tokens, so every platform agrees on
// what a pattern means. The rules (docs/policy.md, "Deny globs"):
// - `*` and `?` never match the separator; `**` is special only as a whole component: `**/`
//   spans zero or more directories and a final `**` everything below; elsewhere it is a `*`;
// - `[...]` is a class (`!` or `^` first negates, `]` first is a member, `a-z` a range) that never
//   matches the separator; an unclosed `[` is a literal bracket; a stray `]` is a literal;
// - `{a,b}` alternates (where the dialect has braces), not nested; `\` escapes (where it has
//   escapes).
// A malformed pattern (dangling escape, reversed range, unclosed or nested braces) has no tokens:
// callers fail closed (explain() denies every path).

import { type GlobDialect, POSIX_GLOB } from './dialect';

export type ClassItem = string | [from: string, to: string];

export type GlobToken =
  | { kind: 'literal'; char: string }
  | { kind: 'star' }
  | { kind: 'globstar-dirs' }
  | { kind: 'globstar-rest' }
  | { kind: 'one' }
  | { kind: 'class'; negated: boolean; items: ClassItem[] }
  | { kind: 'alt-open' }
  | { kind: 'alt-or' }
  | { kind: 'alt-close' };

/** A token and the index in the pattern text where it starts. */
export type PlacedToken = GlobToken & { at: number };

export type Tokenized = { ok: true; tokens: PlacedToken[] } | { ok: false; reason: string };

function readClass(text: string, i: number): { token: GlobToken; next: number } | { reversed: string } | undefined {
  let j = i + 1;
  const negated = text[j] === '!' || text[j] === '^';
  if (negated) j++;
  const items: ClassItem[] = [];
  let first = true;
  while (j < text.length && (text[j] !== ']' || first)) {
    first = false;
    const a = text[j]!;
    if (text[j + 1] === '-' && j + 2 < text.length && text[j + 2] !== ']') {
      const b = text[j + 2]!;
      if (b < a) return { reversed: `${a}-${b}` };
      items.push([a, b]);
      j += 3;
    } else {
      items.push(a);
      j++;
    }
  }
  if (j >= text.length) return undefined;
  return { token: { kind: 'class', negated, items }, next: j + 1 };
}

export function tokenizeGlob(text: string, dialect: GlobDialect = POSIX_GLOB): Tokenized {
  const sep = dialect.separator;
  const tokens: PlacedToken[] = [];
  let inAlternates = false;
  let i = 0;
  const push = (token: GlobToken): void => {
    tokens.push({ ...token, at: i });
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && dialect.escape) {
      if (i + 1 >= text.length) return { ok: false, reason: 'dangling escape' };
      push({ kind: 'literal', char: text[i + 1]! });
      i += 2;
    } else if (c === '*') {
      const componentStart = i === 0 || text[i - 1] === sep;
      if (text[i + 1] === '*' && componentStart && text[i + 2] === sep) {
        push({ kind: 'globstar-dirs' });
        i += 3;
      } else if (text[i + 1] === '*' && componentStart && i + 2 === text.length) {
        push({ kind: 'globstar-rest' });
        i += 2;
      } else {
        push({ kind: 'star' });
        i += text[i + 1] === '*' ? 2 : 1;
      }
    } else if (c === '?') {
      push({ kind: 'one' });
      i++;
    } else if (c === '[') {
      const cls = readClass(text, i);
      if (cls === undefined) {
        push({ kind: 'literal', char: '[' });
        i++;
      } else if ('reversed' in cls) {
        return { ok: false, reason: `reversed range ${cls.reversed}` };
      } else {
        push(cls.token);
        i = cls.next;
      }
    } else if (c === '{' && dialect.braces) {
      if (inAlternates) return { ok: false, reason: 'nested alternates' };
      inAlternates = true;
      push({ kind: 'alt-open' });
      i++;
    } else if (c === '}' && inAlternates) {
      inAlternates = false;
      push({ kind: 'alt-close' });
      i++;
    } else if (c === ',' && inAlternates) {
      push({ kind: 'alt-or' });
      i++;
    } else {
      push({ kind: 'literal', char: c });
      i++;
    }
  }
  if (inAlternates) return { ok: false, reason: 'unclosed alternates' };
  return { ok: true, tokens };
}

/**
 * Index of the first character that starts a wildcard (`*`, `?`, `[`, and `{` where the dialect
 * has braces), skipping escaped characters; -1 when there is none. A stray `]` is a literal.
 */
export function globMetaIndex(text: string, dialect: GlobDialect = POSIX_GLOB): number {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && dialect.escape) i++;
    else if (c === '*' || c === '?' || c === '[' || (c === '{' && dialect.braces)) return i;
  }
  return -1;
}

/**
 * Whether a path string written by a user (a config key, a requirements deny_read entry) is a glob:
 * it has a wildcard, or an escape, which only the glob reader removes. `/w/{a,b}` is a glob: the
 * pattern is matched with brace alternation, so it must be classified with it too.
 */
export function isGlob(text: string, dialect: GlobDialect = POSIX_GLOB): boolean {
  return globMetaIndex(text, dialect) !== -1 || (dialect.escape && text.includes('\\'));
}

/**
 * The literal directory a pattern's matches all lie below: the unescaped text before the first
 * wildcard, cut back to its last separator. Null for a pattern without wildcards or a malformed one.
 */
export function globLiteralDir(text: string, dialect: GlobDialect = POSIX_GLOB): string | null {
  const meta = globMetaIndex(text, dialect);
  if (meta === -1) return null;
  const head = tokenizeGlob(text.slice(0, meta), dialect);
  if (!head.ok) return null;
  const chars = head.tokens.map((t) => (t.kind === 'literal' ? t.char : ''));
  const cut = chars.lastIndexOf(dialect.separator);
  return cut <= 0 ? dialect.separator : chars.slice(0, cut).join('');
}
