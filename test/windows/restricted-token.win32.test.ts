// windows-token on a real Windows host: the restricted token and the ACLs the runner writes must
// enforce what explain() says. Collected only on Windows (vitest.config.mts excludes *.win32.test.ts
// elsewhere): the hosted CI's Windows runner (.github/workflows/test.yml). It has never run on this
// project's own machines, which are Linux.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { runSandboxed } from '../../lib/spawn/run-sandboxed';
import { makeTempDir } from '../helpers/temp';
import { WORKSPACE_WITH_NETWORK as WORKSPACE } from './policies';

describe('windows-token on Windows', () => {
  const tmp = makeTempDir('win-native');
  const cwd = join(tmp.path, 'work');
  const outside = join(tmp.path, 'outside');
  mkdirSync(join(cwd, '.git'), { recursive: true });
  mkdirSync(outside);
  afterAll(() => tmp.remove());
  const cmd = (line: string, extra: { timeoutMs?: number } = {}) => runSandboxed(['cmd.exe', '/d', '/c', line], { cwd, permissionProfile: WORKSPACE, ...extra });

  it('windows-token: a write inside the workspace is allowed', async () => {
    const r = await cmd('echo inside> inside.txt');
    expect(r.plan.backend).toBe('windows-token');
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(cwd, 'inside.txt'), 'utf8').trim()).toBe('inside');
  });

  it('windows-token: a write outside the writable roots is denied', async () => {
    const target = join(outside, 'out.txt');
    // Unquoted: cmd.exe reads its own command line, and the runner's CommandLineToArgvW quoting
    // would turn inner quotes into \" (temporary paths hold no spaces).
    const r = await cmd(`echo outside> ${target}`);
    expect(r.exitCode).not.toBe(0);
    expect(existsSync(target)).toBe(false);
  });

  it('windows-token: a write into an existing .git of the workspace is denied', async () => {
    const r = await cmd('echo x> .git\\config');
    expect(r.exitCode).not.toBe(0);
    expect(existsSync(join(cwd, '.git', 'config'))).toBe(false);
  });

  it('windows-token: timeoutMs ends the command and what it started', async () => {
    const r = await cmd('ping -n 120 127.0.0.1 >NUL', { timeoutMs: 2000 });
    expect({ timedOut: r.timedOut, exitCode: r.exitCode }).toEqual({ timedOut: true, exitCode: null });
  });
});
