// arg0Dispatch in-process: each name and flag of docs/reference.md#arg0-dispatch and the apply_patch CLI of docs/reference.md#patch-cli.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { arg0Dispatch, type Arg0Options } from '../../../lib/arg0/arg0-dispatch';
import { withTempDir } from '../../helpers/temp';

const ADD = '*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch\n';

async function dispatch(argv: string[], cwd: string, extra: Partial<Arg0Options> = {}) {
  let stdout = '';
  let stderr = '';
  const codes: number[] = [];
  const outcome = arg0Dispatch(argv, {
    cwd,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => Promise.resolve(Buffer.alloc(0)),
    setExitCode: (c) => codes.push(c),
    prepareEnvironment: false,
    ...extra,
  });
  const status = outcome.dispatched ? await outcome.exitCode : null;
  if (outcome.dispatched) expect(codes).toEqual([status]);
  return { dispatched: outcome.dispatched, status, stdout, stderr };
}

describe('arg0Dispatch', () => {
  for (const name of ['apply_patch', 'applypatch']) {
    it(`invoked as ${name} with the patch as argument applies it and exits 0`, async () => {
      await withTempDir(async (dir) => {
        const r = await dispatch(['/usr/bin/node', `/some/bin/${name}`, ADD], dir);
        expect(r).toEqual({ dispatched: true, status: 0, stdout: 'Success. Updated the following files:\nA hello.txt\n', stderr: '' });
        expect(readFileSync(join(dir, 'hello.txt'), 'utf8')).toBe('hi\n');
      });
    });
  }

  it('invoked as apply_patch without arguments reads the patch from stdin', async () => {
    await withTempDir(async (dir) => {
      const r = await dispatch(['node', 'apply_patch'], dir, { readStdin: () => Promise.resolve(Buffer.from(ADD)) });
      expect(r.status).toBe(0);
      expect(existsSync(join(dir, 'hello.txt'))).toBe(true);
    });
  });

  it('apply_patch with empty stdin prints the usage and exits 2', async () => {
    await withTempDir(async (dir) => {
      const r = await dispatch(['node', 'apply_patch'], dir);
      expect(r).toEqual({ dispatched: true, status: 2, stdout: '', stderr: "Usage: apply_patch 'PATCH'\n       echo 'PATCH' | apply_patch\n" });
    });
  });

  it('apply_patch with stdin that is not UTF-8 fails to read it and exits 1', async () => {
    await withTempDir(async (dir) => {
      const r = await dispatch(['node', 'apply_patch'], dir, { readStdin: () => Promise.resolve(Buffer.from([0xff, 0xfe])) });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^Error: Failed to read PATCH from stdin\.\n.+\n$/);
    });
  });

  it('apply_patch with two arguments exits 2', async () => {
    await withTempDir(async (dir) => {
      const r = await dispatch(['node', 'apply_patch', ADD, 'extra'], dir);
      expect(r).toEqual({ dispatched: true, status: 2, stdout: '', stderr: 'Error: apply_patch accepts exactly one argument.\n' });
      expect(existsSync(join(dir, 'hello.txt'))).toBe(false);
    });
  });

  it('apply_patch with a bad patch prints the parse error and exits 1', async () => {
    await withTempDir(async (dir) => {
      const r = await dispatch(['node', 'apply_patch', 'nonsense'], dir);
      expect(r).toEqual({
        dispatched: true,
        status: 1,
        stdout: '',
        stderr: "Invalid patch: The first line of the patch must be '*** Begin Patch'\n",
      });
    });
  });

  it('a name is compared exactly: apply_patch.js is not apply_patch', async () => {
    await withTempDir(async (dir) => {
      expect((await dispatch(['node', '/x/apply_patch.js', ADD], dir)).dispatched).toBe(false);
    });
  });

  it('--codex-run-as-apply-patch PATCH applies PATCH, ignores extra arguments and exits 0', async () => {
    await withTempDir(async (dir) => {
      const r = await dispatch(['node', '/x/codex-sandbox.js', '--codex-run-as-apply-patch', ADD, 'ignored'], dir);
      expect(r).toEqual({ dispatched: true, status: 0, stdout: 'Success. Updated the following files:\nA hello.txt\n', stderr: '' });
    });
  });

  it('--codex-run-as-apply-patch with a failing patch exits 1 with the reference message', async () => {
    await withTempDir(async (dir) => {
      const r = await dispatch(['node', 'x', '--codex-run-as-apply-patch', '*** Begin Patch\n*** Delete File: nope\n*** End Patch'], dir);
      expect(r).toEqual({ dispatched: true, status: 1, stdout: '', stderr: `Failed to delete file ${join(dir, 'nope')}\n` });
    });
  });

  it('--codex-run-as-apply-patch without PATCH exits 1 and never reads stdin', async () => {
    await withTempDir(async (dir) => {
      const r = await dispatch(['node', 'x', '--codex-run-as-apply-patch'], dir, {
        readStdin: () => Promise.reject(new Error('stdin read')),
      });
      expect(r).toEqual({ dispatched: true, status: 1, stdout: '', stderr: 'Error: --codex-run-as-apply-patch requires a UTF-8 PATCH argument.\n' });
    });
  });

  it('the flag only counts as the first argument', async () => {
    await withTempDir(async (dir) => {
      expect((await dispatch(['node', 'x', 'run', '--codex-run-as-apply-patch', ADD], dir)).dispatched).toBe(false);
    });
  });

  it('any other name returns without touching anything', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(join(dir, 'f'), 'x');
      expect(await dispatch(['node', '/x/my-agent.js', 'run'], dir)).toEqual({ dispatched: false, status: null, stdout: '', stderr: '' });
    });
  });
});
