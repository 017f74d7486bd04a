// Issue #20, item 4: an unrestricted filesystem with a restricted network (`danger-full-access`
// with the network off, or a write entry on the root) ran on the seccomp backend, where the
// command could open its Node parent's /proc/PID/mem for writing (and make from Node the TCP
// connection it is denied), read other same-user processes' /proc/PID/environ, signal them, and as
// root open /proc/sys/kernel/core_pattern for writing. `auto` now plans the Landlock full-write
// ruleset (a Landlock domain stops ptrace-class access outside it, its scopes stop signals) with
// /proc/sys read-only for root, or bubblewrap; a forced seccomp backend is refused. Each attempt
// runs in a real sandbox against real host processes.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { MOUNT_BACKEND } from '../helpers/mount-backend';

import { helperPath } from '../../lib/native';
import { makeFixture, PROBES_SRC, PYTHON, type Fixture } from './harness/fixture';
import { startVictim, type HostVictim } from './harness/host-services';
import { runProbe, type ProbeOp, type ProbeRun, type Target } from './harness/run-probe';

const victims: HostVictim[] = [];
afterEach(async () => {
  for (const v of victims.splice(0)) await v.stop();
});

function probeScript(fx: Fixture): string {
  const path = join(fx.bin, 'process-isolation.py');
  copyFileSync(join(PROBES_SRC, 'process-isolation.py'), path);
  return path;
}

const fullWriteNoNet = { type: 'managed', file_system: { type: 'unrestricted' }, network: 'restricted' };
const rootWriteNoNet = {
  type: 'managed',
  file_system: { type: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'write' }] },
  network: 'restricted',
};
const fullWriteNet = { type: 'managed', file_system: { type: 'unrestricted' }, network: 'enabled' };

interface Attempt {
  run: ProbeRun;
  ops: Map<string, ProbeOp>;
  victim: HostVictim;
}

async function attempt(target: Target | { kind: 'argv'; prefix: string[] }): Promise<Attempt> {
  const fx = makeFixture('host-procs');
  try {
    const victim = await startVictim();
    victims.push(victim);
    const argv = [PYTHON, probeScript(fx), 'host-procs', String(victim.pid)];
    const run = target.kind === 'argv' ? await runProbe({ kind: 'host' }, [...target.prefix, ...argv], { cwd: fx.ws }) : await runProbe(target, argv, { cwd: fx.ws });
    expect(run.refused, JSON.stringify(run.refused)).toBeUndefined();
    expect(run.report, `exit ${run.exitCode}: ${run.stderr}`).toBeDefined();
    await new Promise((r) => setTimeout(r, 100));
    return { run, ops: new Map((run.report?.ops ?? []).map((o) => [o.op, o])), victim };
  } finally {
    fx.remove();
  }
}

function expectIsolated(a: Attempt): void {
  const show = (op: string): string => JSON.stringify(a.ops.get(op));
  // On bwrap the Node parent is outside the PID namespace: there is no pid to find at all.
  if (a.ops.get('find-node')?.ok === true) expect(a.ops.get('node-mem-rw')?.ok, show('node-mem-rw')).toBe(false);
  expect(a.ops.get('victim-environ')?.ok, show('victim-environ')).toBe(false);
  expect(a.ops.get('victim-environ')?.detail ?? '').not.toContain(a.victim.secret);
  expect(a.ops.get('victim-kill')?.ok, show('victim-kill')).toBe(false);
  expect(a.victim.alive(), 'the host victim was killed from the sandbox').toBe(true);
  // As root only the read-only /proc/sys stops it; as any other user the file's mode does.
  expect(a.ops.get('core-pattern-w')?.ok, show('core-pattern-w')).toBe(false);
}

describe.runIf(process.platform === 'linux')('issue #20 item 4: an unrestricted filesystem with the network off', () => {
  it("control: the seccomp-only helper (what auto planned before) lets the command kill a host process; as root open core_pattern for writing, as a user read environ and open Node's memory", async () => {
    const a = await attempt({ kind: 'argv', prefix: [helperPath(), '--setenv', 'CODEX_SANDBOX_NETWORK_DISABLED=1', '--network', 'restricted', '--reaper', '--'] });
    const show = (op: string): string => JSON.stringify(a.ops.get(op));
    expect(a.ops.get('find-node')?.ok).toBe(true);
    expect(a.ops.get('victim-kill')?.ok, show('victim-kill')).toBe(true);
    if (process.getuid?.() === 0) {
      // Root's processes hold capabilities the command (all dropped) lacks, so ptrace-class
      // access to them is already denied (commoncap); root still owns the sysctl files.
      expect(a.ops.get('core-pattern-w')?.ok, 'root with every capability dropped still owns core_pattern').toBe(true);
    } else {
      expect(a.ops.get('node-mem-rw')?.ok, show('node-mem-rw')).toBe(true);
      expect(a.ops.get('victim-environ')?.detail).toContain(a.victim.secret);
    }
  });

  it("auto: full write, network off runs on landlock; Node's /proc/PID/mem, a host process's environ and kill, and core_pattern for writing are all denied", async () => {
    const a = await attempt({ kind: 'sandbox', backend: 'auto', policy: fullWriteNoNet });
    expect(a.run.backend).toBe('landlock');
    expectIsolated(a);
  });

  it('auto: a write entry on the root, network off runs on landlock with the same denials', async () => {
    const a = await attempt({ kind: 'sandbox', backend: 'auto', policy: rootWriteNoNet });
    expect(a.run.backend).toBe('landlock');
    expectIsolated(a);
  });

  it('auto (landlock): full write, network off, a nested user namespace can neither unmount nor remount /proc/sys, and core_pattern stays closed for writing', async () => {
    const fx = makeFixture('host-procs-userns');
    try {
      const script = [
        'umount /proc/sys 2>/dev/null && echo UNMOUNTED',
        'mount -o remount,bind,rw /proc/sys 2>/dev/null && echo REMOUNTED',
        `${PYTHON} -c "import os\ntry:\n  os.close(os.open('/proc/sys/kernel/core_pattern', os.O_WRONLY)); print('OPENED')\nexcept OSError as e: print('DENIED', e.errno)"`,
      ].join('; ');
      const run = await runProbe(
        { kind: 'sandbox', backend: 'auto', policy: fullWriteNoNet },
        ['/usr/bin/unshare', '--user', '--mount', '--propagation', 'unchanged', '/bin/sh', '-c', script],
        { cwd: fx.ws },
      );
      expect(run.backend).toBe('landlock');
      // EROFS (30) as root: the read-only mount; EACCES (13) for anyone else: the file's mode.
      expect(run.stdout, run.stderr).toMatch(process.getuid?.() === 0 ? /^DENIED 30$/m : /^DENIED 13$/m);
      expect(run.stdout).not.toMatch(/UNMOUNTED|REMOUNTED|OPENED/);
    } finally {
      fx.remove();
    }
  });

  it('bwrap: full write, network off (the fallback without Landlock) denies the same', async () => {
    const a = await attempt({ kind: 'sandbox', backend: 'bwrap', policy: fullWriteNoNet });
    expect(a.run.backend).toBe(MOUNT_BACKEND);
    expectIsolated(a);
  });

  it("bwrap: read-only shape, /proc/sys/kernel/core_pattern cannot be opened for writing (as root bwrap maps uid 0 to the host's root)", async () => {
    const a = await attempt({ kind: 'sandbox', backend: 'bwrap', policy: { type: 'read-only' } });
    expect(a.run.backend).toBe(MOUNT_BACKEND);
    expect(a.ops.get('core-pattern-w')?.ok, JSON.stringify(a.ops.get('core-pattern-w'))).toBe(false);
  });

  it('seccomp forced: full write with the network off is refused with E_UNSUPPORTED_POLICY before anything runs', async () => {
    const fx = makeFixture('host-procs-refused');
    try {
      const run = await runProbe({ kind: 'sandbox', backend: 'seccomp', policy: fullWriteNoNet }, [PYTHON, '-c', 'print(1)'], { cwd: fx.ws });
      expect(run.refused?.code).toBe('E_UNSUPPORTED_POLICY');
      expect(run.refused?.message).toContain('other processes of the user');
    } finally {
      fx.remove();
    }
  });

  it('seccomp forced: full write with the network on still runs on seccomp', async () => {
    const fx = makeFixture('host-procs-net');
    try {
      const run = await runProbe({ kind: 'sandbox', backend: 'seccomp', policy: fullWriteNet }, [PYTHON, '-c', 'print("ran")'], { cwd: fx.ws });
      expect(run.backend).toBe('seccomp');
      expect(run.stdout).toContain('ran');
    } finally {
      fx.remove();
    }
  });
});
