// policy/glob/to-regexp: a glob as a JavaScript RegExp, for explain() (POSIX paths) and the
// Windows deny-read expansion (backslash paths, no case). One renderer, the dialect as data.

import { type GlobDialect, POSIX_GLOB } from './dialect';
import { type ClassItem, type GlobToken, tokenizeGlob } from './tokenize';

export interface GlobMatcher {
  pattern: string;
  /** False when the pattern is malformed; such a matcher matches every path (fail closed). */
  valid: boolean;
  matches(path: string): boolean;
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIAL, '\\$&');
}

function classBody(items: readonly ClassItem[]): string {
  return items.map((item) => (typeof item === 'string' ? escapeRegex(item) : `${escapeRegex(item[0])}-${escapeRegex(item[1])}`)).join('');
}

function render(token: GlobToken, sep: string): string {
  switch (token.kind) {
    case 'literal':
      return escapeRegex(token.char);
    case 'star':
      return `[^${sep}]*`;
    case 'globstar-dirs':
      return `(?:[^${sep}]+${sep})*`;
    case 'globstar-rest':
      // `dir/**` covers everything below dir, not dir itself.
      return '.*';
    case 'one':
      return `[^${sep}]`;
    case 'class':
      return token.negated ? `[^${sep}${classBody(token.items)}]` : `(?![${sep}])[${classBody(token.items)}]`;
    case 'alt-open':
      return '(?:';
    case 'alt-or':
      return '|';
    case 'alt-close':
      return ')';
  }
}

/** The anchored RegExp for a pattern, or undefined when it is malformed. */
export function globToRegExp(pattern: string, dialect: GlobDialect = POSIX_GLOB): RegExp | undefined {
  const read = tokenizeGlob(pattern, dialect);
  if (!read.ok) return undefined;
  const sep = escapeRegex(dialect.separator);
  const body = read.tokens.map((t) => render(t, sep)).join('');
  return new RegExp(`^${body}$`, dialect.caseInsensitive ? 'si' : 's');
}

/** Compiles one deny glob as explain() matches it. */
export function compileGlob(pattern: string, dialect: GlobDialect = POSIX_GLOB): GlobMatcher {
  const regex = globToRegExp(pattern, dialect);
  if (regex === undefined) return { pattern, valid: false, matches: () => true };
  return { pattern, valid: true, matches: (path) => regex.test(path) };
}
