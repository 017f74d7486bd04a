import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import { addonPath, helperPath, loadAddon } from '../../lib/native';

const ENOENT = 2;

describe.runIf(process.platform === 'linux')('native addon (linux)', () => {
  it('landlockAbi reports the kernel ABI, the same number the helper refuses against', () => {
    const result = loadAddon().landlockAbi();
    if (!result.ok) {
      // ENOSYS (38) or EOPNOTSUPP (95) only; anything else is a bug in the probe.
      expect(result.call).toBe('landlock_create_ruleset');
      expect([38, 95]).toContain(result.errno);
      expect(process.env.CI).not.toBe('true');
      return;
    }
    expect(Number.isInteger(result.abi)).toBe(true);
    if (process.env.CI === 'true') expect(result.abi).toBeGreaterThanOrEqual(7);
    const tooHigh = result.abi + 1;
    const run = spawnSync(helperPath(), ['--network', 'enabled', '--landlock-abi', String(tooHigh), '--landlock-fs-handled', '0x1', '--', 'true'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toContain(`the kernel's Landlock ABI is ${result.abi} but --landlock-abi ${tooHigh} is required`);
  });

  it('seccompAvailable reports filter support without installing a filter in Node', () => {
    const before = spawnSync('grep', ['^Seccomp:', `/proc/${process.pid}/status`], { encoding: 'utf8' }).stdout;
    const result = loadAddon().seccompAvailable();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.filter).toBe(true);
    expect(result.errnoAction).toBe(true);
    expect(result.killProcessAction).toBe(true);
    expect([0, 2]).toContain(result.mode);
    const after = spawnSync('grep', ['^Seccomp:', `/proc/${process.pid}/status`], { encoding: 'utf8' }).stdout;
    expect(after).toBe(before);
  });

  it('execve returns {ok:false, call, errno} when the program does not exist, and Node keeps running', () => {
    const result = loadAddon().execve('/nonexistent/codex-sandbox-test', ['x'], []);
    expect(result).toEqual({ ok: false, call: 'execve', errno: ENOENT });
    // SIGPIPE must be ignored again after the failed attempt, or a write to a closed pipe kills Node.
    const pipe = spawnSync(
      process.execPath,
      [
        '-e',
        `
      const addon = require(${JSON.stringify(addonPath())});
      addon.execve('/nonexistent', ['x'], []);
      const { spawn } = require('node:child_process');
      const child = spawn('true', { stdio: ['pipe', 'ignore', 'ignore'] });
      child.on('exit', () => { child.stdin.write('x'.repeat(1 << 20), () => {}); setTimeout(() => process.stdout.write('alive'), 100); });
      child.stdin.on('error', () => {});
    `,
      ],
      { encoding: 'utf8' },
    );
    expect(pipe.signal).toBeNull();
    expect(pipe.stdout).toBe('alive');
  });

  it('execve replaces the calling process with the program, argv and environment given, signals reset', () => {
    const run = spawnSync(
      process.execPath,
      [
        '-e',
        `
      const addon = require(${JSON.stringify(addonPath())});
      const r = addon.execve('/bin/sh', ['sh', '-c', 'echo "$0 $CSBX_X"; grep -E "^Sig(Blk|Ign)" /proc/self/status'], ['CSBX_X=from-execve', 'PATH=/usr/bin:/bin']);
      process.stdout.write('returned ' + JSON.stringify(r));
    `,
      ],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    // Node ignores SIGPIPE; the new program must not inherit that.
    expect(run.stdout).toBe('sh from-execve\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n');
  });

  it('execve throws only TypeError, for bad argument types', () => {
    const addon = loadAddon() as unknown as Record<string, (...args: unknown[]) => unknown>;
    expect(() => addon.execve(1, [], [])).toThrow(TypeError);
    expect(() => addon.execve('/bin/true', 'x', [])).toThrow(TypeError);
    expect(() => addon.execve('/bin/true', [1], [])).toThrow(/argv\[0\] must be a string/);
    expect(() => addon.execve('/bin/true', ['a'], ['A=\0'])).toThrow(/NUL/);
    expect(() => addon.execve('/bin/true', ['a'])).toThrow(TypeError);
  });
});
