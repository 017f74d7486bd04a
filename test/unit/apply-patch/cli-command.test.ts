// `codex-sandbox apply-patch`, run as the real bin from the compiled dist/ (npm test compiles
// first), with HOME pointing at an empty directory so no user config applies.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { makeTempDir } from '../../helpers/temp';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'bin/codex-sandbox.js');

async function inWorkspace(fn: (ws: string, run: (args: string[], input?: string) => { status: number | null; stdout: string; stderr: string }) => void): Promise<void> {
  const ws = makeTempDir('ws');
  const home = makeTempDir('home');
  try {
    fn(ws.path, (args, input = '') => {
      const r = spawnSync(process.execPath, [BIN, 'apply-patch', ...args], {
        cwd: ws.path,
        input,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: home.path },
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    });
  } finally {
    ws.remove();
    home.remove();
  }
}

const UPDATE = '*** Begin Patch\n*** Update File: f.txt\n@@\n-a\n+b\n*** End Patch';

describe.runIf(process.platform === 'linux')('codex-sandbox apply-patch', () => {
  beforeAll(() => {
    expect(existsSync(join(ROOT, 'dist/cli/commands/apply-patch.js')), 'run `npm run compile` first').toBe(true);
  });

  it('default policy (workspace-write): a patch argument inside the cwd is applied, exit 0', async () => {
    await inWorkspace((ws, run) => {
      writeFileSync(join(ws, 'f.txt'), 'a\n');
      expect(run([UPDATE])).toEqual({ status: 0, stdout: 'Success. Updated the following files:\nM f.txt\n', stderr: '' });
      expect(readFileSync(join(ws, 'f.txt'), 'utf8')).toBe('b\n');
    });
  });

  it('a FILE argument that is not patch text is read as the patch (sandboxed like any other)', async () => {
    await inWorkspace((ws, run) => {
      writeFileSync(join(ws, 'f.txt'), 'a\n');
      writeFileSync(join(ws, 'change.patch'), UPDATE);
      expect(run(['change.patch'])).toEqual({ status: 0, stdout: 'Success. Updated the following files:\nM f.txt\n', stderr: '' });
      expect(readFileSync(join(ws, 'f.txt'), 'utf8')).toBe('b\n');
    });
  });

  it('the patch on stdin with --json prints the snake_case result', async () => {
    await inWorkspace((ws, run) => {
      expect(run(['--json'], '*** Begin Patch\n*** Add File: g.txt\n+g\n*** End Patch')).toEqual({
        status: 0,
        stdout: '{"added":["g.txt"],"modified":[],"deleted":[]}\n',
        stderr: '',
      });
      expect(readFileSync(join(ws, 'g.txt'), 'utf8')).toBe('g\n');
    });
  });

  it('--sandbox read-only refuses the write with exit 1 and names the path', async () => {
    await inWorkspace((ws, run) => {
      const r = run(['--sandbox', 'read-only', '*** Begin Patch\n*** Add File: h.txt\n+h\n*** End Patch']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`it writes ${join(ws, 'h.txt')}, which the sandbox policy does not allow`);
      expect(existsSync(join(ws, 'h.txt'))).toBe(false);
    });
  });

  it('a failing patch prints the reference message and exits 1', async () => {
    await inWorkspace((ws, run) => {
      expect(run(['*** Begin Patch\n*** Delete File: nope\n*** End Patch'])).toEqual({
        status: 1,
        stdout: '',
        stderr: `Failed to delete file ${join(ws, 'nope')}\n`,
      });
    });
  });

  it('an unknown option or two patches is a usage error, exit 125', async () => {
    await inWorkspace((_ws, run) => {
      expect(run(['--bogus']).status).toBe(125);
      expect(run([UPDATE, UPDATE]).status).toBe(125);
    });
  });
});
