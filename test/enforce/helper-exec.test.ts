import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { helperPath } from '../../lib/native';
import { failingSyscallArgs } from '../helpers/failing-syscall';
import { withTempDir } from '../helpers/temp';
import { caps, itOnSystemBwrap } from './support';

const HELPER = helperPath();

// execvp reports EACCES (126) instead of ENOENT when a PATH entry is unreadable to this user, as
// a shell does; a PATH of system directories keeps "not found" deterministic for root and users.
const ENV = { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin' };

function helper(args: string[], argv0?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(HELPER, args, { encoding: 'utf8', timeout: 20_000, env: ENV, ...(argv0 === undefined ? {} : { argv0 }) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('helper: exec and exit statuses', () => {
  it.each(['restricted', 'enabled'])('--network %s sets no_new_privs and a seccomp filter before exec', (network) => {
    const r = helper(['--network', network, '--', 'grep', '-E', '^(NoNewPrivs|Seccomp):', '/proc/self/status']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('NoNewPrivs:\t1\nSeccomp:\t2\n');
  });

  it("passes the command's own exit status through", () => {
    expect(helper(['--network', 'enabled', '--', 'sh', '-c', 'exit 42']).status).toBe(42);
  });

  it('a command that is not found exits 127 naming it', () => {
    const r = helper(['--network', 'enabled', '--', 'codex-sandbox-no-such-command']);
    expect(r.status).toBe(127);
    expect(r.stderr).toBe('codex-sandbox-helper: execvp codex-sandbox-no-such-command: No such file or directory (errno 2)\n');
  });

  it('a command found but not executable (no x bit, or a directory) exits 126', async () => {
    await withTempDir((dir) => {
      const file = join(dir, 'script');
      writeFileSync(file, '#!/bin/sh\nexit 0\n');
      chmodSync(file, 0o644);
      const r = helper(['--network', 'enabled', '--', file]);
      expect(r.status).toBe(126);
      expect(r.stderr).toBe(`codex-sandbox-helper: execvp ${file}: Permission denied (errno 13)\n`);
      expect(helper(['--network', 'enabled', '--', dir]).status).toBe(126);
    });
  });

  it('works under another argv[0], as when bwrap runs it as the inner stage', () => {
    const r = helper(['--network', 'restricted', '--', 'sh', '-c', 'echo inner'], 'codex-linux-sandbox');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('inner\n');
  });

  it('--probe namespaces reports whether the helper can build a sandbox of its own', () => {
    const r = helper(['--probe', 'namespaces']);
    if (process.env.CI === 'true') expect(r.status).toBe(0);
    if (r.status === 0) expect(r.stderr).toBe('');
    else expect(r.stderr).toMatch(/^codex-sandbox-helper: [^\n]*\(errno \d+\)\n$/);
    expect([0, 2, 3, 125]).toContain(r.status);
  });

  it('--probe namespaces exits 125 naming unshare and the errno when user namespaces are limited to 0', () => {
    // user.max_user_namespaces is per user namespace: set it to 0 inside a fresh one, for real.
    const r = spawnSync('unshare', ['-Ur', 'sh', '-c', 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" --probe namespaces', HELPER], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(125);
    expect(r.stderr).toBe('codex-sandbox-helper: unshare CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWIPC|CLONE_NEWNET: No space left on device (errno 28)\n');
  });

  it('--probe namespaces exits 3 with one line when a fresh /proc cannot be mounted', () => {
    // A procfs with something mounted over part of it, as container runtimes mask /proc/sys: the
    // kernel refuses a fresh procfs in a user namespace that could not see the whole of it.
    const r = spawnSync('unshare', ['-Urm', 'sh', '-c', 'mount -t tmpfs none /proc/sys && exec "$0" --probe namespaces', HELPER], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/^codex-sandbox-helper: namespaces probe: mount proc: [^\n]*\(errno \d+\)\n$/);
    expect(r.status).toBe(3);
  });

  it('the command inherits only stdin, stdout and stderr (a descriptor passed as fd 3 is closed)', () => {
    const script = 'echo to-fd3 >&3';
    const control = spawnSync('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], encoding: 'utf8' });
    expect(control.output[3]).toBe('to-fd3\n');
    const r = spawnSync(HELPER, ['--network', 'restricted', '--', 'sh', '-c', script], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    expect(r.output[3]).toBe('');
    expect(r.stderr).toMatch(/Bad file descriptor/);
  });

  it('without close_range (refused by an outer seccomp filter, as old container profiles do) descriptors are still not inherited', () => {
    const r = spawnSync('python3', failingSyscallArgs('close_range', 1 /* EPERM */, [HELPER, '--network', 'restricted', '--', 'sh', '-c', 'echo to-fd3 >&3']), {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      encoding: 'utf8',
      env: ENV,
    });
    expect(r.output[3]).toBe('');
    expect(r.stderr).toMatch(/Bad file descriptor/);
    expect(r.stderr).not.toMatch(/codex-sandbox-helper/);
  });

  itOnSystemBwrap('runs as the bubblewrap inner stage with only --network (bwrap execs it inside the namespaces)', () => {
    const r = spawnSync(
      caps!.bwrap!.path,
      [
        '--ro-bind',
        '/',
        '/',
        '--dev',
        '/dev',
        '--proc',
        '/proc',
        '--unshare-user',
        '--unshare-pid',
        '--unshare-net',
        '--die-with-parent',
        '--',
        HELPER,
        '--network',
        'restricted',
        '--',
        'grep',
        '-E',
        '^(NoNewPrivs|Seccomp):',
        '/proc/self/status',
      ],
      { encoding: 'utf8', env: ENV },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('NoNewPrivs:\t1\nSeccomp:\t2\n');
  });
});
