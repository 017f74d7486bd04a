// commitChanges: the undo path. A failure while preparing (here one temporary file write is made
// to fail with EIO) must restore deleted files, remove created directories and temporary files,
// and leave every target as it was.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { applyPatchLocally } from '../../../lib/apply-patch/apply-local';
import { commitChanges, writeTemp } from '../../../lib/apply-patch/commit-changes';
import { computeChanges } from '../../../lib/apply-patch/compute-changes';
import { parsePatch } from '../../../lib/apply-patch/parse-patch';
import { isSandboxError } from '../../../lib/errors';
import { withTempDir } from '../../helpers/temp';
import { snapshotTree } from './tree';

describe('commitChanges', () => {
  it('a write failing after deletions, new directories and other temporary files undoes all of them', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'a.txt'), 'a\n');
      writeFileSync(join(dir, 'b.txt'), 'b\n');
      writeFileSync(join(dir, 'd.txt'), 'd\n');
      const before = snapshotTree(dir);
      const patch = [
        '*** Begin Patch',
        '*** Delete File: a.txt',
        '*** Update File: b.txt',
        '@@',
        '-b',
        '+B',
        '*** Add File: new/deeper/c.txt',
        '+c',
        '*** Update File: d.txt',
        '@@',
        '-d',
        '+D',
        '*** End Patch',
      ].join('\n');
      const set = computeChanges(parsePatch(patch).hunks, dir);
      let calls = 0;
      let error: unknown;
      try {
        commitChanges(set.changes, (target, contents) => {
          calls++;
          if (target.endsWith('d.txt')) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
          return writeTemp(target, contents);
        });
      } catch (err) {
        error = err;
      }
      expect(calls).toBe(3);
      expect(isSandboxError(error) && error.message).toBe(`Failed to write file ${join(dir, 'd.txt')}`);
      expect(snapshotTree(dir)).toEqual(before);
    });
  });

  it('a file name of 250 bytes still gets a temporary sibling within NAME_MAX', async () => {
    await withTempDir((dir) => {
      const name = `${'n'.repeat(246)}.txt`;
      applyPatchLocally(`*** Begin Patch\n*** Add File: ${name}\n+x\n*** End Patch`, dir);
      expect(snapshotTree(dir)).toEqual({ [name]: 'x\n' });
    });
  });
});
