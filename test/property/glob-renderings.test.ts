// The three renderings of one glob agree: explain()'s JS RegExp, the Seatbelt regex and the Windows
// matcher, on generated globs and paths. What differs between them is data (policy/glob/dialect):
// Windows uses `\`, ignores case and has no braces or escapes, so its globs are generated without
// those. The SBPL regex is evaluated as a JS regex: it uses only constructs (classes, groups,
// `|`, `*`, `.`, `\` escapes) that mean the same in both.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WINDOWS_GLOB } from '../../lib/policy/glob/dialect';
import { compileGlob } from '../../lib/policy/glob/to-regexp';
import { globToExactSbplRegex } from '../../lib/policy/glob/to-sbpl';
import { compileWindowsGlob } from '../../lib/policy/glob/compile-windows';
import { propertySettings } from '../helpers/property-settings';

const { numRuns, seed } = propertySettings('glob renderings');

const NAMES = ['a', 'b', 'ab', '.a', 'a.b', 'B', '-', 'x]'];

/** One path component of a glob; `braces` and `escapes` follow the dialect being generated for. */
function component(opts: { braces: boolean; escapes: boolean }): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.constantFrom('a', 'b', '.', '-', 'B', ']'),
    fc.constantFrom('*', '?', '**'),
    fc.constantFrom('[ab]', '[!a]', '[^b]', '[a-c]', '[]a]', '[.]', '[z-a]', '[a', '[/]', '[!/]'),
    ...(opts.braces ? [fc.constantFrom('{a,b}', '{a,.a}', '{,b}', '{a', '{{a}}')] : []),
    ...(opts.escapes ? [fc.constantFrom('\\*', '\\[', '\\{', '\\a', '\\')] : []),
  );
  return fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
}

function glob(opts: { braces: boolean; escapes: boolean }): fc.Arbitrary<string> {
  return fc.array(component(opts), { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
}

const path = fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`);

/** What the Seatbelt profile does with the glob: matches, or denies all (malformed), or none. */
function sbplMatches(pattern: string, candidate: string): boolean {
  const r = globToExactSbplRegex(pattern);
  if (r.kind === 'malformed') return true;
  if (r.kind === 'never') return false;
  return new RegExp(r.source, 's').test(candidate);
}

const toWindows = (posix: string): string => `C:${posix.replace(/\//g, '\\')}`;

/** What the Windows expansion does: a match, or a refusal (null) for a malformed pattern. */
function windowsMatches(pattern: string, candidate: string): boolean | null {
  let re: RegExp;
  try {
    re = compileWindowsGlob(toWindows(pattern));
  } catch {
    return null;
  }
  return re.test(toWindows(candidate));
}

describe('glob renderings agree (policy/glob)', () => {
  it('explain() and the Seatbelt regex decide every path the same way', () => {
    fc.assert(
      fc.property(glob({ braces: true, escapes: true }), path, (pattern, candidate) => {
        expect(sbplMatches(pattern, candidate), `${pattern} vs ${candidate}`).toBe(compileGlob(pattern).matches(candidate));
      }),
      { numRuns, seed },
    );
  });

  it('explain() and the Windows matcher agree on globs of the Windows dialect; Windows ignores case', () => {
    expect(WINDOWS_GLOB.braces || WINDOWS_GLOB.escape).toBe(false);
    fc.assert(
      fc.property(glob({ braces: false, escapes: false }), path, fc.boolean(), (pattern, candidate, upper) => {
        // A range with the separator as an end (`[a/-?`) compares code points, and `/` and `\`
        // have different ones: the one place the translated pattern means something else.
        fc.pre(!/\/-|-\//.test(pattern));
        const posix = compileGlob(pattern);
        const shown = upper ? candidate.toUpperCase() : candidate;
        const win = windowsMatches(pattern, shown);
        if (!posix.valid) {
          // Malformed: explain() denies every path; the Windows planner refuses the pattern.
          expect(win, pattern).toBeNull();
          return;
        }
        // The generated ranges are lower-case, so folding the pattern keeps its meaning.
        const expected = compileGlob(pattern.toLowerCase()).matches(candidate.toLowerCase());
        expect(win, `${pattern} vs ${shown}`).toBe(expected);
      }),
      { numRuns, seed },
    );
  });
});
