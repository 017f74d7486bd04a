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

/** A pattern explain() treats as malformed (and so as denying every path). */
class MalformedGlob extends Error {}
/** A pattern that can match no path (a class whose only member is `/`). */
class NeverMatches extends Error {}

/** A class member list as regex text with `/` removed, since a class never matches a separator. */
function classItems(items: readonly (string | [string, string])[]): string {
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

/**
 * Translates a glob body (no anchors) with explain()'s matcher semantics (policy/glob-match),
 * which the property tests hold the profile to: `*` and `?` never cross `/`; `**` is special only
 * as a whole component (`**\/` spans zero or more directories, a trailing `/**` everything below);
 * `[...]` is a class (`!` or `^` negates, `]` first is a member) that never matches `/`; an
 * unclosed `[` is a literal bracket; `{a,b}` alternates (not nested); `\` escapes the next character.
 * The reference's Seatbelt translation escapes a leading `^` instead of negating; negating denies
 * more, and keeps the profile equal to explain().
 */
function translate(glob: string): string {
  let out = '';
  let inAlternates = false;
  let i = 0;
  while (i < glob.length) {
    const c = glob[i];
    if (c === '\\') {
      if (i + 1 >= glob.length) throw new MalformedGlob('dangling escape');
      out += escapeRegex(glob[i + 1]);
      i += 2;
    } else if (c === '*') {
      const componentStart = i === 0 || glob[i - 1] === '/';
      if (glob[i + 1] === '*' && componentStart && glob[i + 2] === '/') {
        out += '([^/]+/)*';
        i += 3;
      } else if (glob[i + 1] === '*' && componentStart && i + 2 === glob.length) {
        out += '.*';
        i += 2;
      } else {
        out += '[^/]*';
        i += glob[i + 1] === '*' ? 2 : 1;
      }
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      let j = i + 1;
      const negated = glob[j] === '!' || glob[j] === '^';
      if (negated) j++;
      const items: (string | [string, string])[] = [];
      let first = true;
      while (j < glob.length && (glob[j] !== ']' || first)) {
        first = false;
        const a = glob[j];
        if (glob[j + 1] === '-' && j + 2 < glob.length && glob[j + 2] !== ']') {
          const b = glob[j + 2];
          if (b < a) throw new MalformedGlob(`reversed range ${a}-${b}`);
          items.push([a, b]);
          j += 3;
        } else {
          items.push(a);
          j++;
        }
      }
      if (j >= glob.length) {
        out += '\\[';
        i++;
        continue;
      }
      const body = classItems(items);
      if (!negated && body === '') throw new NeverMatches('a class whose only member is /');
      out += negated ? `[^/${body}]` : `[${body}]`;
      i = j + 1;
    } else if (c === '{') {
      if (inAlternates) throw new MalformedGlob('nested alternates');
      inAlternates = true;
      out += '(';
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
  return out;
}

/** A glob as an anchored regex, or why there is none. */
export type GlobRegex = { kind: 'regex'; source: string } | { kind: 'malformed' } | { kind: 'never' };

function anchored(pattern: string, suffix: string): GlobRegex {
  try {
    return { kind: 'regex', source: `^${translate(pattern)}${suffix}$` };
  } catch (err) {
    if (err instanceof MalformedGlob) return { kind: 'malformed' };
    if (err instanceof NeverMatches) return { kind: 'never' };
    throw err;
  }
}

/**
 * The regex for a deny glob. A plain path also denies its subtree (reference A7). `malformed`
 * (a dangling escape, a reversed range, unclosed or nested braces) is what explain() treats as
 * denying every path; `never` matches no path at all.
 */
export function globToRegex(pattern: string): GlobRegex {
  return anchored(pattern, firstGlobMeta(pattern) === -1 ? '(/.*)?' : '');
}

/** The regex matching exactly the paths the glob names, without their subtrees. */
export function globToExactRegex(pattern: string): GlobRegex {
  return anchored(pattern, '');
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
 * A cut that ends in a `**` component is left out: it would name every directory below, and the
 * reference keeps unrelated directories there removable (A13.14's control `mv`).
 */
export function globAncestors(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === '/' && i > 0 && !pattern.slice(0, i).endsWith('/**')) out.push(pattern.slice(0, i) + '}'.repeat(depth));
  }
  return out;
}
