// Issue #20, item 7: on the Landlock and seccomp backends there is no PID namespace, and the
// helper's reaper ran with the command's uid, so the command could SIGKILL it and leave a
// `setsid` daemon running after the sandbox ended. The command now runs in a nested Landlock
// domain scoped for signals (LANDLOCK_SCOPE_SIGNAL, ABI 6): it can signal its own processes, not
// the reaper in the outer domain; the reaper stays able to kill everything. The host's process
// table says whether the daemon outlived the sandbox.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { MOUNT_BACKEND } from '../helpers/mount-backend';

import { helperPath } from '../../lib/native';
import { makeFixture, PROBES_SRC, PYTHON, type Fixture } from './harness/fixture';
import { processesWithToken } from './harness/host-services';
import { parseReport, probeEnv, type ProbeOp } from './harness/run-probe';
import { loadSandboxApi, type BackendOption } from './harness/sandbox-api';

const markers: string[] = [];

afterEach(() => {
  // A daemon that got out must not stay on the shared machine.
  for (const marker of markers.splice(0)) {
    for (const pid of processesWithToken(marker)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

function newMarker(): string {
  const marker = `csbx-daemon-${randomBytes(6).toString('hex')}`;
  markers.push(marker);
  return marker;
}

function probeScript(fx: Fixture): string {
  const path = join(fx.bin, 'process-isolation.py');
  copyFileSync(join(PROBES_SRC, 'process-isolation.py'), path);
  return path;
}

/** Every op of every report line the probe printed (it prints one before the kill, one after). */
function allOps(stdout: string): ProbeOp[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => parseReport(l)?.ops ?? []);
}

/** Live, non-zombie host processes carrying the marker, after giving a survivor time to show. */
async function survivors(marker: string): Promise<number[]> {
  await new Promise((r) => setTimeout(r, 300));
  return processesWithToken(marker);
}

const readOnly = { type: 'read-only' };
const fullWriteNoNet = { type: 'managed', file_system: { type: 'unrestricted' }, network: 'restricted' };
const fullWriteNet = { type: 'managed', file_system: { type: 'unrestricted' }, network: 'enabled' };

async function attack(backend: BackendOption, policy: unknown): Promise<{ ops: ProbeOp[]; backend: string; survivors: number[]; stderr: string }> {
  const fx = makeFixture('reaper-kill');
  try {
    const marker = newMarker();
    const res = await loadSandboxApi().runSandboxed([PYTHON, probeScript(fx), 'kill-reaper', marker], {
      cwd: fx.ws,
      permissionProfile: policy,
      backend,
      env: probeEnv(),
      timeoutMs: 20_000,
    });
    return { ops: allOps(String(res.stdout)), backend: res.plan.backend, survivors: await survivors(marker), stderr: String(res.stderr) };
  } finally {
    fx.remove();
  }
}

function expectHeld(r: Awaited<ReturnType<typeof attack>>): void {
  const kill = r.ops.find((o) => o.op === 'kill');
  expect(r.ops.find((o) => o.op === 'daemon')?.ok, r.stderr).toBe(true);
  expect(kill, `the command died before reporting the kill: ${JSON.stringify(r.ops)} ${r.stderr}`).toBeDefined();
  expect(kill?.ok, JSON.stringify(kill)).toBe(false);
  expect(kill?.errno).toBe('EPERM');
  expect(r.survivors, 'a setsid daemon outlived the sandbox').toEqual([]);
}

describe.runIf(process.platform === 'linux')('issue #20 item 7: the command against its reaper', () => {
  it('control: the helper run by hand with --reaper only (no signal scope) is killed by the command and the daemon survives', async () => {
    const fx = makeFixture('reaper-kill-control');
    try {
      const marker = newMarker();
      const child = spawn(helperPath(), ['--network', 'enabled', '--reaper', '--', PYTHON, probeScript(fx), 'kill-reaper', marker], {
        cwd: fx.ws,
        env: probeEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const [, signal] = await new Promise<[number | null, string | null]>((res) => child.once('close', (c, s) => res([c, s])));
      expect(signal).toBe('SIGKILL');
      expect(allOps(out).find((o) => o.op === 'daemon')?.ok).toBe(true);
      expect((await survivors(marker)).length, 'the probe must be able to see a surviving daemon').toBeGreaterThan(0);
    } finally {
      fx.remove();
    }
  });

  it('landlock: read-only shape, kill(reaper, SIGKILL) fails with EPERM and no setsid daemon survives', async () => {
    const r = await attack('landlock', readOnly);
    expect(r.backend).toBe('landlock');
    expectHeld(r);
  });

  it('auto: full write, network off, kill(reaper, SIGKILL) fails with EPERM and no setsid daemon survives', async () => {
    const r = await attack('auto', fullWriteNoNet);
    expectHeld(r);
  });

  it('seccomp: full write, network on, kill(reaper, SIGKILL) fails with EPERM and no setsid daemon survives', async () => {
    const r = await attack('seccomp', fullWriteNet);
    expect(r.backend).toBe('seccomp');
    expectHeld(r);
  });

  it('bwrap: read-only shape, the reaper is PID 1 and survives the kill; no setsid daemon survives', async () => {
    const r = await attack('bwrap', readOnly);
    expect(r.backend).toBe(MOUNT_BACKEND);
    // The kernel drops a SIGKILL sent to its namespace's init from inside (pid_namespaces(7)).
    expect(
      r.ops.find((o) => o.op === 'kill'),
      r.stderr,
    ).toBeDefined();
    expect(r.survivors).toEqual([]);
  });
});
