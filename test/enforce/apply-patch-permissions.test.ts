// apply_patch against real file permissions. CI runs this suite as root and again as an
// unprivileged user; the expected outcome follows the kernel's rule for each (root passes the
// permission bits), which is also what the reference's plain fs::write would get.
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { applyPatchLocally } from '../../lib/apply-patch/apply-local';
import { isSandboxError } from '../../lib/errors';
import { withTempDir } from '../helpers/temp';

const isRoot = process.getuid?.() === 0;
const update = (name: string): string => `*** Begin Patch\n*** Update File: ${name}\n@@\n-a\n+b\n*** End Patch`;

function failureText(text: string, cwd: string): string {
  try {
    applyPatchLocally(text, cwd);
  } catch (err) {
    if (isSandboxError(err)) return String(err.details?.referenceText);
    throw err;
  }
  return 'applied';
}

describe.skipIf(process.platform === 'win32')('apply_patch: permissions', () => {
  it(`a read-only file in a read-only directory is ${isRoot ? 'updated by root' : 'a write error for a user'}`, async () => {
    await withTempDir((dir) => {
      const target = join(dir, 'ro.txt');
      writeFileSync(target, 'a\n');
      chmodSync(target, 0o444);
      chmodSync(dir, 0o555);
      try {
        expect(failureText(update('ro.txt'), dir)).toBe(isRoot ? 'applied' : `Failed to write file ${target}`);
        expect(readFileSync(target, 'utf8')).toBe(isRoot ? 'b\n' : 'a\n');
      } finally {
        chmodSync(dir, 0o755);
      }
    });
  });

  it('a writable file in a read-only directory is rewritten in place, leaving no temporary file', async () => {
    await withTempDir((dir) => {
      const target = join(dir, 'rw.txt');
      writeFileSync(target, 'a\n');
      chmodSync(dir, 0o555);
      try {
        expect(failureText(update('rw.txt'), dir)).toBe('applied');
        expect(readFileSync(target, 'utf8')).toBe('b\n');
        expect(readdirSync(dir)).toEqual(['rw.txt']);
      } finally {
        chmodSync(dir, 0o755);
      }
    });
  });

  it(`deleting from a read-only directory ${isRoot ? 'works for root' : 'fails for a user and keeps the file'}`, async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'x.txt'), 'x');
      chmodSync(dir, 0o555);
      try {
        const text = '*** Begin Patch\n*** Delete File: x.txt\n*** End Patch';
        expect(failureText(text, dir)).toBe(isRoot ? 'applied' : `Failed to delete file ${join(dir, 'x.txt')}`);
        expect(readdirSync(dir)).toEqual(isRoot ? [] : ['x.txt']);
      } finally {
        chmodSync(dir, 0o755);
      }
    });
  });
});
