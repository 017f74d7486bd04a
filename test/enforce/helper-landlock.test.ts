import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { addonPath, helperPath, loadAddon } from '../../lib/native';
import { ACCESS_FS, NEWEST_KNOWN_LANDLOCK_ABI, SCOPE, formatMask, fsRightsForAbi, minimumAbiFor } from '../../lib/platform/linux/landlock-abi';
import { failingSyscallArgs } from '../helpers/failing-syscall';
import { withTempDir } from '../helpers/temp';

const HELPER = helperPath();
const kernel = loadAddon().landlockAbi();
const kernelAbi = kernel.ok ? kernel.abi : 0;
// The suite declares Landlock ABI 7; without CI a machine lacking it skips these.
const usable = kernelAbi >= NEWEST_KNOWN_LANDLOCK_ABI || process.env.CI === 'true';

const ALL = fsRightsForAbi(NEWEST_KNOWN_LANDLOCK_ABI);
const READ = ACCESS_FS.EXECUTE | ACCESS_FS.READ_FILE | ACCESS_FS.READ_DIR;
const SYSTEM_READ = ['/usr', '/bin', '/lib', '/lib64', '/etc'].filter((p) => existsSync(p));

interface Rules {
  handled?: number;
  rules: [number, string][];
  scope?: number;
}

function landlockArgs(r: Rules): string[] {
  const handled = r.handled ?? ALL;
  const abi = minimumAbiFor({ fs: handled, scopes: r.scope ?? 0 });
  const args = ['--landlock-abi', String(abi), '--landlock-fs-handled', formatMask(handled)];
  for (const [mask, path] of r.rules) args.push('--landlock-rule', `${formatMask(mask)}:${path}`);
  if (r.scope !== undefined) args.push('--landlock-scope', formatMask(r.scope));
  return args;
}

function sandboxed(r: Rules, script: string): { status: number | null; stdout: string; stderr: string } {
  const out = spawnSync(HELPER, [...landlockArgs(r), '--network', 'enabled', '--', '/bin/sh', '-c', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe.runIf(usable)('helper: Landlock', () => {
  it('landlock: a write inside a read-write rule is allowed, outside it is denied', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'rw'));
      mkdirSync(join(dir, 'ro'));
      const r = sandboxed(
        {
          rules: [
            [READ, '/'],
            [ALL, join(dir, 'rw')],
          ],
        },
        `echo in > ${dir}/rw/f; echo out > ${dir}/ro/f`,
      );
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/ro\/f: Permission denied/);
      expect(readFileSync(join(dir, 'rw', 'f'), 'utf8')).toBe('in\n');
      expect(existsSync(join(dir, 'ro', 'f'))).toBe(false);
    });
  });

  it('landlock: reading a path no rule covers is denied, reading a covered one works', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'secret'));
      mkdirSync(join(dir, 'work'));
      writeFileSync(join(dir, 'secret', 'key'), 'hidden');
      writeFileSync(join(dir, 'work', 'note'), 'visible');
      const rules: [number, string][] = [...SYSTEM_READ.map((p): [number, string] => [READ, p]), [READ, join(dir, 'work')]];
      const ok = sandboxed({ rules }, `cat ${dir}/work/note`);
      expect(ok.stdout).toBe('visible');
      const denied = sandboxed({ rules }, `cat ${dir}/secret/key`);
      expect(denied.status).not.toBe(0);
      expect(denied.stdout).toBe('');
      expect(denied.stderr).toMatch(/Permission denied/);
    });
  });

  it('landlock: TRUNCATE is handled, so a readable file outside the writable rules cannot be truncated', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'data'), 'keep me');
      const r = sandboxed({ rules: [[READ, '/']] }, `truncate -s 0 ${dir}/data`);
      expect(r.status).not.toBe(0);
      expect(readFileSync(join(dir, 'data'), 'utf8')).toBe('keep me');
    });
  });

  it('landlock: directory-only rights in a rule on a file are trimmed, not refused (/dev/null stays writable)', () => {
    const r = sandboxed(
      {
        rules: [
          [READ, '/'],
          [ALL, '/dev/null'],
        ],
      },
      'echo x > /dev/null && echo ok',
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok\n');
  });

  it('landlock: a rule path that does not exist is refused with 125 naming it', async () => {
    await withTempDir((dir) => {
      const missing = join(dir, 'missing');
      const r = sandboxed({ rules: [[READ, missing]] }, 'true');
      expect(r.status).toBe(125);
      expect(r.stderr).toBe(`codex-sandbox-helper: open ${missing}: No such file or directory (errno 2)\n`);
    });
  });

  it('landlock: an ABI above the kernel is refused with 125 naming both numbers', () => {
    const wanted = kernelAbi + 1;
    const r = spawnSync(HELPER, ['--landlock-abi', String(wanted), '--landlock-fs-handled', '0x1', '--network', 'enabled', '--', 'true'], { encoding: 'utf8' });
    expect(r.status).toBe(125);
    expect(r.stderr).toBe(`codex-sandbox-helper: the kernel's Landlock ABI is ${kernelAbi} but --landlock-abi ${wanted} is required: use a newer kernel or the bwrap backend\n`);
  });

  it('landlock: a handled bit the kernel does not know is refused by the kernel with 125', () => {
    const r = spawnSync(HELPER, ['--landlock-abi', '1', '--landlock-fs-handled', formatMask(2 ** 40), '--network', 'enabled', '--', 'true'], { encoding: 'utf8' });
    expect(r.status).toBe(125);
    expect(r.stderr).toBe('codex-sandbox-helper: landlock_create_ruleset: Invalid argument (errno 22)\n');
  });

  it('landlock: the SIGNAL scope stops signals to processes outside the sandbox', async () => {
    const outside = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      const rules: [number, string][] = [[READ, '/']];
      const control = sandboxed({ rules }, `kill -0 ${outside.pid}`);
      expect(control.status).toBe(0);
      const scoped = sandboxed({ rules, scope: SCOPE.SIGNAL }, `kill -0 ${outside.pid}`);
      expect(scoped.status).not.toBe(0);
      expect(scoped.stderr).toMatch(/Operation not permitted/);
    } finally {
      outside.kill('SIGKILL');
    }
  });

  // A container seccomp profile can hide Landlock from a kernel that has it; a real filter
  // (test/helpers/failing-syscall.ts) gives the two "unavailable" answers for real.

  it.each([
    [38, 'Landlock is not implemented by this kernel (built without CONFIG_SECURITY_LANDLOCK); --landlock-abi 1 cannot be enforced: Function not implemented (errno 38)'],
    [95, 'Landlock is built into this kernel but not enabled (add landlock to the lsm= boot parameter); --landlock-abi 1 cannot be enforced: Operation not supported (errno 95)'],
  ])('landlock: unavailable with errno %i is refused with 125, saying which case it is', (errno, message) => {
    const r = spawnSync(
      'python3',
      failingSyscallArgs('landlock_create_ruleset', errno, [HELPER, '--landlock-abi', '1', '--landlock-fs-handled', '0x1', '--network', 'enabled', '--', 'true']),
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(125);
    expect(r.stderr).toBe(`codex-sandbox-helper: ${message}\n`);
  });

  it.each([
    [38, { ok: false, call: 'landlock_create_ruleset', errno: 38 }],
    [95, { ok: false, call: 'landlock_create_ruleset', errno: 95 }],
  ])('addon: landlockAbi() keeps errno %i apart when Landlock is hidden', (errno, expected) => {
    const script = `process.stdout.write(JSON.stringify(require(${JSON.stringify(addonPath())}).landlockAbi()))`;
    const r = spawnSync('python3', failingSyscallArgs('landlock_create_ruleset', errno, [process.execPath, '-e', script]), { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(expected);
  });
});
