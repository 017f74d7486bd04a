// This package's own bins dispatch like the reference's executable: run as real processes from
// the compiled dist/ (npm test compiles first), with the reference's exit statuses.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { withTempDir } from '../../helpers/temp';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'bin/codex-sandbox.js');
const LINUX_BIN = join(ROOT, 'bin/codex-linux-sandbox.js');
const ADD = '*** Begin Patch\n*** Add File: out.txt\n+made\n*** End Patch';

function run(argv: string[], cwd: string, input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, argv, { cwd, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(process.platform === 'win32')('bins: first-argument and name dispatch', () => {
  beforeAll(() => {
    // Fails loudly rather than skipping: these tests are about the shipped entry scripts.
    expect(existsSync(join(ROOT, 'dist/arg0/arg0-dispatch.js')), 'run `npm run compile` first').toBe(true);
  });

  for (const bin of [BIN, LINUX_BIN]) {
    it(`${bin.slice(ROOT.length + 1)} --codex-run-as-apply-patch PATCH applies it and exits 0`, async () => {
      await withTempDir((dir) => {
        expect(run([bin, '--codex-run-as-apply-patch', ADD], dir)).toEqual({
          status: 0,
          stdout: 'Success. Updated the following files:\nA out.txt\n',
          stderr: '',
        });
        expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('made\n');
      });
    });
  }

  it('codex-sandbox --codex-run-as-apply-patch with a failing patch exits 1 with one stderr line', async () => {
    await withTempDir((dir) => {
      expect(run([BIN, '--codex-run-as-apply-patch', '*** Begin Patch\n*** End Patch'], dir)).toEqual({
        status: 1,
        stdout: '',
        stderr: 'No files were modified.\n',
      });
    });
  });

  it('a link named apply_patch reads the patch from stdin', async () => {
    await withTempDir((dir) => {
      symlinkSync(BIN, join(dir, 'apply_patch'));
      expect(run([join(dir, 'apply_patch')], dir, ADD)).toEqual({
        status: 0,
        stdout: 'Success. Updated the following files:\nA out.txt\n',
        stderr: '',
      });
    });
  });

  it('a link named applypatch with empty stdin prints the usage and exits 2', async () => {
    await withTempDir((dir) => {
      symlinkSync(BIN, join(dir, 'applypatch'));
      expect(run([join(dir, 'applypatch')], dir).status).toBe(2);
    });
  });

  it('a link named codex-linux-sandbox is the Linux sandbox entry of the CLI, not the codex-sandbox CLI', async () => {
    await withTempDir((dir) => {
      symlinkSync(BIN, join(dir, 'codex-linux-sandbox'));
      const viaName = run([join(dir, 'codex-linux-sandbox'), '--no-such-flag'], dir);
      const direct = run([LINUX_BIN, '--no-such-flag'], dir);
      expect(viaName).toEqual(direct);
      expect(run([BIN, '--no-such-flag'], dir).stderr).toContain('unknown command');
    });
  });
});
