// policy/glob/to-sbpl: a glob as an anchored Seatbelt (SBPL) regex, with explain()'s meaning
// (the property tests hold the profile to it). SBPL regexes have no `(?:` or lookahead, so groups
// capture and a class drops `/` from its members instead. The reference's Seatbelt translation
// escapes a leading `^` in a class instead of negating; negating denies more and keeps the
// profile equal to explain().

import { POSIX_GLOB } from './dialect';
import { type ClassItem, globMetaIndex, type GlobToken, tokenizeGlob } from './tokenize';

const REGEX_SPECIAL = /[\\^$.|?*+()[\]{}]/g;

/** Escapes a literal path for use inside an SBPL regex. */
export function escapeSbplRegex(text: string): string {
  return text.replace(REGEX_SPECIAL, (c) => `\\${c}`);
}

/** Class members as regex text without `/`, since a class never matches a separator. */
function classItems(items: readonly ClassItem[]): string {
  let out = '';
  const lit = (c: string): string => (c === '\\' || c === ']' || c === '[' || c === '^' || c === '-' ? `\\${c}` : c);
  for (const item of items) {
    if (typeof item === 'string') {
      if (item !== '/') out += lit(item);
      continue;
    }
    const [a, b] = item;
    // Split a range that spans `/` around it: `.` and `0` are its neighbours in ASCII.
    if (a < '/' && b > '/') out += `${lit(a)}-.0-${lit(b)}`;
    else if (a === '/' || b === '/') out += a === '/' ? (b === '/' ? '' : `0-${lit(b)}`) : `${lit(a)}-.`;
    else out += `${lit(a)}-${lit(b)}`;
  }
  return out;
}

/** One token as SBPL regex text, or null for a class that can match nothing (only `/`). */
function render(token: GlobToken): string | null {
  switch (token.kind) {
    case 'literal':
      return escapeSbplRegex(token.char);
    case 'star':
      return '[^/]*';
    case 'globstar-dirs':
      return '([^/]+/)*';
    case 'globstar-rest':
      return '.*';
    case 'one':
      return '[^/]';
    case 'class': {
      const body = classItems(token.items);
      if (token.negated) return `[^/${body}]`;
      return body === '' ? null : `[${body}]`;
    }
    case 'alt-open':
      return '(';
    case 'alt-or':
      return '|';
    case 'alt-close':
      return ')';
  }
}

/** A glob as an anchored regex, or why there is none. */
export type SbplGlobRegex = { kind: 'regex'; source: string } | { kind: 'malformed' } | { kind: 'never' };

function anchored(pattern: string, suffix: string): SbplGlobRegex {
  const read = tokenizeGlob(pattern, POSIX_GLOB);
  if (!read.ok) return { kind: 'malformed' };
  let body = '';
  for (const token of read.tokens) {
    const text = render(token);
    if (text === null) return { kind: 'never' };
    body += text;
  }
  return { kind: 'regex', source: `^${body}${suffix}$` };
}

/**
 * The regex for a deny glob. A pattern without wildcards also denies its subtree, as a plain path
 * does (docs/platforms/macos.md). `malformed` is what explain() treats as denying every path;
 * `never` matches no path at all.
 */
export function globToSbplRegex(pattern: string): SbplGlobRegex {
  return anchored(pattern, globMetaIndex(pattern, POSIX_GLOB) === -1 ? '(/.*)?' : '');
}

/** The regex matching exactly the paths the glob names, without their subtrees. */
export function globToExactSbplRegex(pattern: string): SbplGlobRegex {
  return anchored(pattern, '');
}

/**
 * The static prefix of a pattern (text before the first wildcard, cut back to the last `/`) and
 * the rest; a plain path is all prefix.
 */
export function splitStaticPrefix(pattern: string): { prefix: string; rest: string } {
  const meta = globMetaIndex(pattern, POSIX_GLOB);
  if (meta === -1) return { prefix: pattern, rest: '' };
  const slash = pattern.lastIndexOf('/', meta);
  return { prefix: pattern.slice(0, slash), rest: pattern.slice(slash) };
}

/**
 * The ancestors of a pattern as patterns, innermost last, excluding `/`: every cut at an
 * unescaped `/`. A cut inside a brace group closes the group, so `/w/{a,b/c}` yields `/w/{a,b}`.
 * A cut after a `**` component is left out: it would name every directory below, and the
 * reference keeps unrelated directories there removable. A malformed pattern has none: its deny
 * rule already covers every path.
 */
export function globAncestors(pattern: string): string[] {
  const read = tokenizeGlob(pattern, POSIX_GLOB);
  if (!read.ok) return [];
  const out: string[] = [];
  let depth = 0;
  for (const token of read.tokens) {
    if (token.kind === 'alt-open') depth++;
    else if (token.kind === 'alt-close') depth--;
    else if (token.kind === 'literal' && token.char === '/' && pattern[token.at] === '/' && token.at > 0) {
      out.push(pattern.slice(0, token.at) + '}'.repeat(depth));
    }
  }
  return out;
}
