// Differential goldens (issue #16): generated cases run through the reference binary (see
// docs/apply-patch.md, "Differential goldens"), replayed here through the same entry
// (`--codex-run-as-apply-patch PATCH`). Same stdout, stderr and exit status always; the same tree
// byte for byte where the reference succeeded; where it failed, the untouched input, even when
// the reference had applied earlier hunks (this package applies all or nothing).
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { decodeTree, encodeTree, expectedTree, readGoldenFile, runOurs, type GoldenFile } from '../../helpers/apply-patch-golden/golden';

const DIR = resolve(__dirname, '../../fixtures/apply-patch-golden');
const files: Array<[string, GoldenFile]> = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => [name, readGoldenFile(join(DIR, name))]);
const goldens = files.flatMap(([, file]) => file.goldens);

describe('apply_patch differential goldens', () => {
  it('hundreds of goldens, with successes and failures after partial changes among them', () => {
    expect(goldens.length).toBeGreaterThanOrEqual(500);
    const succeeded = goldens.filter((g) => g.reference.status === 0);
    const partial = goldens.filter((g) => g.reference.status !== 0 && JSON.stringify(g.reference.tree) !== JSON.stringify(expectedTree(g)));
    expect(succeeded.length).toBeGreaterThanOrEqual(150);
    expect(partial.length).toBeGreaterThanOrEqual(30);
  });

  for (const [name, file] of files) {
    describe(`${name} (${file.reference}, seed ${file.seed})`, () => {
      for (const golden of file.goldens) {
        it(`${golden.id} ${golden.family}`, async () => {
          const ours = await runOurs(decodeTree(golden.input), golden.patch);
          expect({ status: ours.status, stdout: ours.stdout, stderr: ours.stderr }).toEqual({
            status: golden.reference.status,
            stdout: golden.reference.stdout,
            stderr: golden.reference.stderr,
          });
          expect(encodeTree(ours.tree)).toEqual(expectedTree(golden));
        });
      }
    });
  }
});
