// glob-regex: deny-read glob patterns as anchored SBPL regexes (reference A7), plus the regex
// escaping every path embedded in a regex needs.

const REGEX_SPECIAL = /[\\^$.|?*+()[\]{}]/g;

/** Escapes a literal path for use inside a regex. */
export function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIAL, (c) => `\\${c}`);
}

const GLOB_META = new Set(['*', '?', '[', '{']);

/** Index of the first unescaped glob metacharacter, or -1 for a plain path. */
export function firstGlobMeta(pattern: string): number {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (GLOB_META.has(pattern[i])) return i;
  }
  return -1;
}

/**
 * Translates a glob body (no anchors). `*` and `?` never cross a `/`; `**\/` spans any number of
 * directories including none; a closed `[...]` stays a class (`!` negates, a leading `^` and
 * backslashes are literal); an unclosed `[` is a literal bracket and what follows is rescanned;
 * `{a,b}` is alternation; a backslash makes the next character literal.
 */
function translate(glob: string): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const c = glob[i];
    if (c === '\\') {
      out += i + 1 < glob.length ? escapeRegex(glob[i + 1]) : '\\\\';
      i += 2;
    } else if (c === '*') {
      if (glob[i + 1] === '*') {
        if (glob[i + 2] === '/') {
          out += '(.*/)?';
          i += 3;
        } else {
          out += '.*';
          i += 2;
        }
      } else {
        out += '[^/]*';
        i++;
      }
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      let body = close === -1 ? '' : glob.slice(i + 1, close);
      const negated = body.startsWith('!');
      if (negated) body = body.slice(1);
      if (close === -1 || body === '') {
        out += '\\[';
        i++;
        continue;
      }
      let cls = '';
      for (let k = 0; k < body.length; k++) {
        const b = body[k];
        if (b === '\\') cls += '\\\\';
        else if (b === '^' && k === 0) cls += '\\^';
        else if (b === '[') cls += '\\[';
        else cls += b;
      }
      out += `[${negated ? '^' : ''}${cls}]`;
      i = close + 1;
    } else if (c === '{') {
      const close = matchingBrace(glob, i);
      if (close === -1) {
        out += '\\{';
        i++;
        continue;
      }
      out += `(${splitAlternatives(glob.slice(i + 1, close)).map(translate).join('|')})`;
      i = close + 1;
    } else {
      out += escapeRegex(c);
      i++;
    }
  }
  return out;
}

function matchingBrace(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** The anchored regex for a deny glob: a plain path also denies its subtree. */
export function globToRegex(pattern: string): string {
  const subtree = firstGlobMeta(pattern) === -1 ? '(/.*)?' : '';
  return `^${translate(pattern)}${subtree}$`;
}

/** The anchored regex matching exactly one path spelled as a glob (no subtree). */
export function globToExactRegex(pattern: string): string {
  return `^${translate(pattern)}$`;
}

/**
 * The static prefix of a pattern (text before the first metacharacter, cut back to the last `/`)
 * and the rest; a plain path is all prefix.
 */
export function splitStaticPrefix(pattern: string): { prefix: string; rest: string } {
  const meta = firstGlobMeta(pattern);
  if (meta === -1) return { prefix: pattern, rest: '' };
  const slash = pattern.lastIndexOf('/', meta);
  return { prefix: pattern.slice(0, slash), rest: pattern.slice(slash) };
}

/**
 * The ancestors of a pattern as patterns, innermost last, excluding `/`: every cut at a `/`
 * separator. A cut inside a brace group closes the group, so `/w/{a,b/c}` yields `/w/{a,b}`.
 */
export function globAncestors(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === '/' && i > 0) out.push(pattern.slice(0, i) + '}'.repeat(depth));
  }
  return out;
}
