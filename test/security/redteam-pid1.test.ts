// Issue #20, item 1: on the bubblewrap backend PID 1 of the sandbox's PID namespace was bwrap
// itself, with no seccomp filter (`Seccomp: 0`), and the command could open /proc/1/mem
// read-write and run code there outside the filter. PID 1 is now the helper (`--as-pid-1` and
// `--reaper`, as the reference's E5 inner stage): filtered, and non-dumpable so the command, which
// has no capabilities, cannot open its memory. The host sees whether the probe got through.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { itOnSystemBwrap } from '../enforce/support';
import { MOUNT_BACKEND } from '../helpers/mount-backend';

import { makeFixture, PROBES_SRC, PYTHON, type Fixture } from './harness/fixture';
import { runProbe, type ProbeOp, type Target } from './harness/run-probe';

function probeScript(fx: Fixture): string {
  const path = join(fx.bin, 'process-isolation.py');
  copyFileSync(join(PROBES_SRC, 'process-isolation.py'), path);
  return path;
}

const readOnly = { type: 'read-only' };
const fullWrite = { type: 'managed', file_system: { type: 'unrestricted' }, network: 'restricted' };

async function pid1Ops(target: Target): Promise<{ ops: ProbeOp[]; backend?: string }> {
  const fx = makeFixture('pid1');
  try {
    const run = await runProbe(target, [PYTHON, probeScript(fx), 'pid1'], { cwd: fx.ws });
    expect(run.refused, JSON.stringify(run.refused)).toBeUndefined();
    expect(run.report, `exit ${run.exitCode}: ${run.stderr}`).toBeDefined();
    return { ops: run.report?.ops ?? [], backend: run.backend };
  } finally {
    fx.remove();
  }
}

function expectFilteredPid1(ops: ProbeOp[]): void {
  const byOp = new Map(ops.map((o) => [o.op, o]));
  const status = JSON.parse(byOp.get('status')?.detail ?? '{}') as Record<string, string>;
  expect(status.Seccomp, JSON.stringify(status)).toBe('2');
  expect(status.NoNewPrivs, JSON.stringify(status)).toBe('1');
  expect(byOp.get('mem-rw')?.ok, JSON.stringify(byOp.get('mem-rw'))).toBe(false);
  expect(byOp.get('mem-ro')?.ok, JSON.stringify(byOp.get('mem-ro'))).toBe(false);
}

describe.runIf(process.platform === 'linux')('issue #20 item 1: PID 1 of a bubblewrap sandbox', () => {
  itOnSystemBwrap('control: under plain bwrap (no --as-pid-1) PID 1 is unfiltered bwrap and its /proc/1/mem opens read-write', async () => {
    const fx = makeFixture('pid1-control');
    try {
      const script = probeScript(fx);
      const argv = [
        '/usr/bin/bwrap',
        '--die-with-parent',
        '--ro-bind',
        '/',
        '/',
        '--dev',
        '/dev',
        '--unshare-user',
        '--unshare-pid',
        '--proc',
        '/proc',
        '--cap-drop',
        'ALL',
        '--',
        PYTHON,
        script,
        'pid1',
      ];
      const run = await runProbe({ kind: 'host' }, argv, { cwd: fx.ws });
      const byOp = new Map((run.report?.ops ?? []).map((o) => [o.op, o]));
      expect(JSON.parse(byOp.get('status')?.detail ?? '{}'), run.stderr).toMatchObject({ Name: 'bwrap', Seccomp: '0' });
      expect(byOp.get('mem-rw')?.ok, JSON.stringify(byOp.get('mem-rw'))).toBe(true);
    } finally {
      fx.remove();
    }
  });

  it('bwrap: read-only shape, PID 1 is seccomp-filtered with no_new_privs and its memory cannot be opened', async () => {
    const { ops, backend } = await pid1Ops({ kind: 'sandbox', backend: 'bwrap', policy: readOnly });
    expect(backend).toBe(MOUNT_BACKEND);
    expectFilteredPid1(ops);
  });

  it('bwrap: full-write shape (bind / /), PID 1 is seccomp-filtered with no_new_privs and its memory cannot be opened', async () => {
    const { ops, backend } = await pid1Ops({ kind: 'sandbox', backend: 'bwrap', policy: fullWrite });
    expect(backend).toBe(MOUNT_BACKEND);
    expectFilteredPid1(ops);
  });

  it('bwrap: read-only shape, /proc/1/task/1/mem (the same memory by another name) cannot be opened read-write either', async () => {
    // A second route to the same memory: /proc/1/task/1/mem.
    const fx = makeFixture('pid1-task');
    try {
      const script = join(fx.ws, 'task-mem.py');
      writeFileSync(script, "import os\ntry:\n    os.close(os.open('/proc/1/task/1/mem', os.O_RDWR)); print('OPENED')\nexcept OSError as e:\n    print('DENIED', e.errno)\n");
      const run = await runProbe({ kind: 'sandbox', backend: 'bwrap', policy: readOnly }, [PYTHON, script], { cwd: fx.ws });
      expect(run.stdout, run.stderr).toMatch(/^DENIED/);
    } finally {
      fx.remove();
    }
  });
});
