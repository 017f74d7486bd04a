// Controls for probes of the 32-bit syscall entries on x86_64. Each runs the same system call
// with no sandbox first: a kernel built without IA-32 emulation (or booted with
// ia32_emulation=0) kills an `int $0x80` caller with SIGSEGV before seccomp sees the call, and
// one without the x32 ABI (or booted with syscall.x32=n) fails every x32 call with ENOSYS. There
// a sandboxed probe shows nothing about the filter, so its test skips and says so in its title;
// scripts/ci-summary.js lets CI pass exactly these skips (CONTROL_SKIP) and no other.
// The filter's x32 and foreign-arch rules are still checked on every machine, by running the
// helper's printed program in a BPF interpreter (test/enforce/helper-seccomp-program.test.ts).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it, type TestFunction } from 'vitest';

import { makeTempDir } from './temp';

/** The title text that marks a skip CI allows; scripts/ci-summary.js matches the same string. */
export const CONTROL_SKIP = 'skipped: the unsandboxed control fails on this machine';

/** ok, or why not: `machine` when this kernel cannot run the call, else a missing tool. */
export type Control = { ok: true } | { ok: false; machine: boolean; reason: string };

const ENOSYS = 38;
let int80: Control | undefined;
let x32: Control | undefined;

/** getpid (20 in the i386 table) through int $0x80, then exit 0: whether it returns at all. */
export function int80Control(): Control {
  int80 ??= inTempDir((dir) => {
    const source = join(dir, 'int80.c');
    const binary = join(dir, 'int80');
    writeFileSync(source, 'int main(void) { long r; __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory"); return r > 0 ? 0 : 1; }\n');
    const cc = spawnSync('cc', ['-O0', '-o', binary, source], { encoding: 'utf8' });
    if (cc.status !== 0)
      return { ok: false, machine: false, reason: `no C compiler to build the int $0x80 probe (apt-get install gcc): ${(cc.error?.message ?? cc.stderr).trim()}` };
    const r = spawnSync(binary);
    if (r.status === 0) return { ok: true };
    return {
      ok: false,
      machine: true,
      reason: `an i386 getpid through int $0x80 ends with ${r.signal ?? `status ${r.status}`} with no sandbox (no IA-32 emulation in this kernel)`,
    };
  });
  return int80;
}

function inTempDir<T>(fn: (dir: string) => T): T {
  const dir = makeTempDir('syscall-control');
  try {
    return fn(dir.path);
  } finally {
    dir.remove();
  }
}

/** getpid through the x32 numbering (0x40000000 | 39): whether it succeeds with no sandbox. */
export function x32Control(): Control {
  if (x32 === undefined) {
    const script =
      'import ctypes; c = ctypes.CDLL(None, use_errno=True); c.syscall.restype = ctypes.c_long; r = c.syscall(ctypes.c_long(0x40000000 | 39)); print(0 if r > 0 else ctypes.get_errno())';
    const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
    const errno = r.status === 0 ? Number(r.stdout.trim()) : Number.NaN;
    x32 = Number.isNaN(errno)
      ? { ok: false, machine: false, reason: `python3 could not run the x32 control (apt-get install python3): ${(r.error?.message ?? r.stderr).trim()}` }
      : errno === 0
        ? { ok: true }
        : { ok: false, machine: true, reason: `an x32 getpid fails with errno ${errno}${errno === ENOSYS ? ' (ENOSYS)' : ''} with no sandbox (the x32 ABI is off in this kernel)` };
  }
  return x32;
}

/**
 * `it` when the control passed. When the machine cannot run the call, a skip naming the control
 * (allowed in CI). A missing tool is a skip outside CI only: under CI=true the test runs and fails.
 */
export function itWithControl(control: Control, title: string, fn: TestFunction, timeout?: number): void {
  if (control.ok || (!control.machine && process.env.CI === 'true')) {
    it(title, fn, timeout);
    return;
  }
  it.skip(`${title} [${control.machine ? `${CONTROL_SKIP}: ` : 'skipped: '}${control.reason}]`, fn);
}
