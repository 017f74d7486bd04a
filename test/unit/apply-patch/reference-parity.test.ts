// The three minimal cases of issue #16, each run in an empty folder as there, with the bytes the
// reference (`codex --codex-run-as-apply-patch PATCH`, 0.171.0) leaves and prints.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { runAsApplyPatch } from '../../../lib/arg0/apply-patch-main';
import { runPatchEntry } from '../../helpers/apply-patch-entry';
import { withTempDir } from '../../helpers/temp';

async function run(original: string, ...chunk: string[]): Promise<{ status: number; stdout: string; stderr: string; file: string }> {
  return withTempDir(async (dir) => {
    writeFileSync(join(dir, 'f.txt'), original);
    const patch = ['*** Begin Patch', '*** Update File: f.txt', ...chunk, '*** End Patch'].join('\n');
    const outcome = await runPatchEntry(runAsApplyPatch, patch, dir);
    return { ...outcome, file: readFileSync(join(dir, 'f.txt'), 'latin1') };
  }, 'parity');
}

const SUCCESS = 'Success. Updated the following files:\nM f.txt\n';

describe("issue #16: the reference's bytes", () => {
  it("1. fuzzy context keeps the file's text: a context line matched ignoring trailing spaces is not rewritten", async () => {
    expect(await run('a\n} 16\n\tTab\nz\n', '@@', ' a', ' } 16   ', '-\tTab', '+X')).toEqual({
      status: 0,
      stdout: SUCCESS,
      stderr: '',
      file: 'a\n} 16\nX\nz\n',
    });
  });

  it("2. CRLF files stay CRLF: the added line gets the file's CRLF", async () => {
    expect(await run('a\r\nb\r\nc\r\n', ' a', '-b', '+B')).toEqual({ status: 0, stdout: SUCCESS, stderr: '', file: 'a\r\nB\r\nc\r\n' });
  });

  it('3. a trailing blank line survives an edit above it', async () => {
    expect(await run('a\nb\n\n', ' a', '-b')).toEqual({ status: 0, stdout: SUCCESS, stderr: '', file: 'a\n\n' });
  });
});
