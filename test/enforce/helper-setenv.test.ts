// The helper's --setenv: the planner's variables (CODEX_SANDBOX_NETWORK_DISABLED) reach the
// command through argv, so launchers hand over the caller's environment untouched.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { helperPath } from '../../lib/native';
import { withTempDir } from '../helpers/temp';
import { itOn, run, unrestricted } from './support';

const HELPER = helperPath();
const BASE_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', KEEP: 'kept', OLD: 'before' };

function helper(args: string[], env: NodeJS.ProcessEnv = BASE_ENV): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(HELPER, args, { encoding: 'utf8', timeout: 20_000, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The command's environment as NAME=VALUE lines, sorted. */
function envOf(args: string[], env?: NodeJS.ProcessEnv): string[] {
  const r = helper([...args, '--', 'env'], env);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

describe('helper --setenv', () => {
  it('adds a variable, replaces one of the same name, and leaves the rest alone', () => {
    const env = envOf(['--setenv', 'NEW=1', '--setenv', 'OLD=after', '--network', 'enabled']);
    expect(env).toEqual(['KEEP=kept', 'NEW=1', 'OLD=after', 'PATH=/usr/local/bin:/usr/bin:/bin']);
  });

  it('keeps everything after the first = as the value, and an empty value is a value', () => {
    expect(envOf(['--setenv', 'A=x=y', '--setenv', 'B=', '--network', 'enabled'])).toEqual(expect.arrayContaining(['A=x=y', 'B=']));
  });

  it('a later --setenv of the same name wins', () => {
    expect(envOf(['--setenv', 'X=1', '--setenv', 'X=2', '--network', 'restricted']).filter((l) => l.startsWith('X='))).toEqual(['X=2']);
  });

  it('works under --reaper, where the command is a forked child', () => {
    expect(envOf(['--setenv', 'X=reaped', '--network', 'enabled', '--reaper'])).toContain('X=reaped');
  });

  it('the command is looked up on the PATH it will run with', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'bin'));
      const tool = join(dir, 'bin', 'only-here');
      writeFileSync(tool, '#!/bin/sh\necho found\n');
      chmodSync(tool, 0o755);
      const r = helper(['--setenv', `PATH=${join(dir, 'bin')}:/usr/bin:/bin`, '--network', 'enabled', '--', 'only-here']);
      expect(r.stdout).toBe('found\n');
      expect(r.status).toBe(0);
    });
  });

  it.each([['1A=x'], ['=x'], ['NOEQUALS'], ['A-B=x'], ['A B=x'], ['']])('rejects %j with exit 125 and one line naming it', (value) => {
    const r = helper(['--setenv', value, '--network', 'enabled', '--', 'true']);
    expect(r.status).toBe(125);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^codex-sandbox-helper: invalid --setenv '[^\n]*': expected NAME=VALUE[^\n]*\n$/);
  });

  it('is not allowed with --probe', () => {
    const r = helper(['--setenv', 'A=1', '--probe', 'namespaces']);
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/--probe takes no other options/);
  });
});

describe('the sandbox environment through spawnSandboxed', () => {
  for (const backend of ['bwrap', 'landlock'] as const) {
    itOn(backend)(`${backend}: restricted network sets CODEX_SANDBOX_NETWORK_DISABLED=1 over the caller's value; enabled passes the caller's through`, async () => {
      const env = { ...BASE_ENV, CODEX_SANDBOX_NETWORK_DISABLED: '0' };
      const policy = (network: 'restricted' | 'enabled') =>
        backend === 'landlock'
          ? { type: 'managed', file_system: { type: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'read' }] }, network }
          : unrestricted(network);
      const restricted = await run(backend, policy('restricted'), 'echo "$CODEX_SANDBOX_NETWORK_DISABLED $KEEP"', { env });
      expect(restricted.stdout).toBe('1 kept\n');
      const enabled = await run(backend, policy('enabled'), 'echo "$CODEX_SANDBOX_NETWORK_DISABLED $KEEP"', { env });
      expect(enabled.stdout).toBe('0 kept\n');
    });
  }

  // seccomp alone refuses a restricted network with an unrestricted filesystem (issue #20).
  itOn('seccomp')("seccomp: enabled network passes the caller's CODEX_SANDBOX_NETWORK_DISABLED through", async () => {
    const env = { ...BASE_ENV, CODEX_SANDBOX_NETWORK_DISABLED: '0' };
    const enabled = await run('seccomp', unrestricted('enabled'), 'echo "$CODEX_SANDBOX_NETWORK_DISABLED $KEEP"', { env });
    expect(enabled.stdout).toBe('0 kept\n');
  });
});
