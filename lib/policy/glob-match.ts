// policy/glob-match: deny-glob matching (policy-model §2.4, read-deny matcher).
//
// Rules: `*` and `?` never cross `/`; `**/` matches zero or more directories and a trailing `/**`
// everything below; `[...]` is a class (`!` or `^` negates) that never matches `/`; an unclosed
// `[` is a literal; `{a,b}` alternates; `\` escapes. A malformed pattern (dangling escape, unclosed
// or nested `{`, reversed range) is not an error: it denies every path, failing closed.

export interface GlobMatcher {
  pattern: string;
  /** False when the pattern could not be compiled; such a matcher matches every path. */
  valid: boolean;
  matches(path: string): boolean;
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIAL, '\\$&');
}

class MalformedGlob extends Error {}

/** Compiles a class starting at `[` (index i); returns the regex and the index after `]`, or undefined. */
function compileClass(pattern: string, i: number): { regex: string; next: number } | undefined {
  let j = i + 1;
  let negate = false;
  if (pattern[j] === '!' || pattern[j] === '^') {
    negate = true;
    j++;
  }
  const items: string[] = [];
  let first = true;
  while (j < pattern.length && (pattern[j] !== ']' || first)) {
    const start = pattern[j]!;
    first = false;
    if (pattern[j + 1] === '-' && j + 2 < pattern.length && pattern[j + 2] !== ']') {
      const end = pattern[j + 2]!;
      if (end < start) throw new MalformedGlob(`reversed range ${start}-${end}`);
      items.push(`${escapeRegex(start)}-${escapeRegex(end)}`);
      j += 3;
    } else {
      items.push(escapeRegex(start));
      j++;
    }
  }
  if (j >= pattern.length) return undefined;
  const body = items.join('');
  return { regex: negate ? `[^/${body}]` : `(?![/])[${body}]`, next: j + 1 };
}

function compile(pattern: string): RegExp {
  let out = '';
  let inAlternates = false;
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (i + 1 >= pattern.length) throw new MalformedGlob('dangling escape');
      out += escapeRegex(pattern[i + 1]!);
      i += 2;
    } else if (c === '*') {
      const atComponentStart = i === 0 || pattern[i - 1] === '/';
      if (pattern[i + 1] === '*' && atComponentStart && pattern[i + 2] === '/') {
        out += '(?:[^/]+/)*';
        i += 3;
      } else if (pattern[i + 1] === '*' && atComponentStart && i + 2 === pattern.length) {
        // `dir/**` covers everything below dir (and, as in globset, dir's children only).
        out += '.*';
        i += 2;
      } else {
        out += '[^/]*';
        i += pattern[i + 1] === '*' ? 2 : 1;
      }
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const cls = compileClass(pattern, i);
      if (cls === undefined) {
        out += '\\[';
        i++;
      } else {
        out += cls.regex;
        i = cls.next;
      }
    } else if (c === '{') {
      if (inAlternates) throw new MalformedGlob('nested alternates');
      inAlternates = true;
      out += '(?:';
      i++;
    } else if (c === '}' && inAlternates) {
      inAlternates = false;
      out += ')';
      i++;
    } else if (c === ',' && inAlternates) {
      out += '|';
      i++;
    } else {
      out += escapeRegex(c);
      i++;
    }
  }
  if (inAlternates) throw new MalformedGlob('unclosed alternates');
  return new RegExp(`^${out}$`, 's');
}

/** Compiles one deny glob. */
export function compileGlob(pattern: string): GlobMatcher {
  try {
    const regex = compile(pattern);
    return { pattern, valid: true, matches: (path) => regex.test(path) };
  } catch (err) {
    if (!(err instanceof MalformedGlob)) throw err;
    return { pattern, valid: false, matches: () => true };
  }
}
