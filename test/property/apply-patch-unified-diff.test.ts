// unifiedDiff is a correct diff: replaying its hunks on the old text gives the new text, every
// hunk header counts its lines, and the number of removed plus added lines is minimal (Myers),
// checked against a dynamic-programming LCS. Texts are drawn from a tiny alphabet so lines repeat, which is where a Myers
// implementation goes wrong. numRuns from CSBX_PROPERTY_RUNS (default 200), seed printed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { unifiedDiff } from '../../lib/apply-patch/unified-diff';
import { propertySettings } from '../helpers/property-settings';

const { numRuns: NUM_RUNS, seed: SEED } = propertySettings('apply-patch unified diff property');

const text = fc
  .array(fc.constantFrom('a', 'b', 'c', ''), { maxLength: 25 })
  .chain((lines) => fc.boolean().map((finalNewline) => lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '')));

function tokens(t: string): string[] {
  return t.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Replays a unified diff on `old`; throws when a hunk does not match. */
function replay(old: string, diff: string): string {
  const a = tokens(old);
  const out: string[] = [];
  let pos = 0;
  const lines = diff.split('\n');
  let i = 0;
  while (i < lines.length && lines[i] !== '') {
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$/.exec(lines[i]);
    if (m === null) throw new Error(`bad header ${lines[i]}`);
    const oldLen = m[2] === undefined ? 1 : Number(m[2]);
    const oldStart = oldLen === 0 ? Number(m[1]) : Number(m[1]) - 1;
    const newLen = m[4] === undefined ? 1 : Number(m[4]);
    while (pos < oldStart) out.push(a[pos++]);
    i++;
    let seenOld = 0;
    let seenNew = 0;
    while (i < lines.length && /^[ +-]/.test(lines[i])) {
      const sign = lines[i][0];
      let line = `${lines[i].slice(1)}\n`;
      if (lines[i + 1] === '\\ No newline at end of file') {
        line = line.slice(0, -1);
        i++;
      }
      if (sign !== '+') {
        if (a[pos] !== line) throw new Error(`hunk does not match at old line ${pos + 1}`);
        pos++;
        seenOld++;
      }
      if (sign !== '-') {
        out.push(line);
        seenNew++;
      }
      i++;
    }
    if (seenOld !== oldLen || seenNew !== newLen) throw new Error(`header counts ${oldLen},${newLen} but saw ${seenOld},${seenNew}`);
  }
  while (pos < a.length) out.push(a[pos++]);
  return out.join('');
}

function lcsLength(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(row[j], row[j - 1]);
      diag = up;
    }
  }
  return row[b.length];
}

describe('unifiedDiff properties', () => {
  it('replaying the diff on the old text gives the new text; identical texts give no diff', () => {
    console.log(`[apply-patch property] unified diff: seed=${SEED} numRuns=${NUM_RUNS}`);
    fc.assert(
      fc.property(text, text, (oldText, newText) => {
        const diff = unifiedDiff(oldText, newText);
        expect(replay(oldText, diff)).toBe(newText);
        const a = tokens(oldText);
        const b = tokens(newText);
        const edits = diff.split('\n').filter((l) => /^[+-]/.test(l)).length;
        expect(edits).toBe(a.length + b.length - 2 * lcsLength(a, b));
        if (oldText === newText) expect(diff).toBe('');
        else expect(diff).not.toBe('');
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });
});
