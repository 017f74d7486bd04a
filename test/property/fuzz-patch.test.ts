// Fuzzing the apply_patch parser (issue #7): any text, and valid patches with lines dropped,
// duplicated or corrupted, parse or fail with E_PATCH_PARSE on one line, never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parsePatch } from '../../lib/index';
import { badErrorShape, fuzzParams, hostilePath } from '../security/harness/fuzz-settings';

function outcome(text: string): string | null {
  try {
    parsePatch(text);
    return null;
  } catch (err) {
    // The reference's apply_patch messages quote the offending line verbatim and tools match on
    // them, so a long line makes a long (still single-line) message: docs/security.md G6.
    return badErrorShape(err, ['E_PATCH_PARSE'], Number.POSITIVE_INFINITY);
  }
}

const VALID = [
  '*** Begin Patch',
  '*** Add File: a.txt',
  '+hello',
  '*** Update File: b.txt',
  '*** Move to: c.txt',
  '@@ def f():',
  '-old',
  '+new',
  ' context',
  '*** Delete File: d.txt',
  '*** End Patch',
];

describe('fuzz: apply_patch parser', () => {
  it('any text parses or fails with E_PATCH_PARSE on one line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (t) => {
        expect(outcome(t)).toBeNull();
      }),
      fuzzParams('fuzz parsePatch text'),
    );
  });

  it('mutated valid patches (lines dropped, repeated, corrupted, hostile paths) parse or fail typed', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat({ max: VALID.length - 1 }) }),
      fc.record({ kind: fc.constant('dup' as const), at: fc.nat({ max: VALID.length - 1 }) }),
      fc.record({ kind: fc.constant('set' as const), at: fc.nat({ max: VALID.length - 1 }), text: fc.string({ maxLength: 20 }) }),
      fc.record({ kind: fc.constant('path' as const), at: fc.constantFrom(1, 3, 4, 9), text: hostilePath() }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 5 }), fc.constantFrom('\n', '\r\n'), (muts, eol) => {
        const lines = [...VALID];
        for (const m of muts) {
          const at = Math.min(m.at, lines.length - 1);
          if (at < 0) break;
          if (m.kind === 'drop') lines.splice(at, 1);
          else if (m.kind === 'dup') lines.splice(at, 0, lines[at]);
          else if (m.kind === 'set') lines[at] = m.text;
          else lines[at] = lines[at].replace(/: .*$/, `: ${m.text}`);
        }
        expect(outcome(lines.join(eol))).toBeNull();
      }),
      fuzzParams('fuzz parsePatch mutations'),
    );
  });
});
