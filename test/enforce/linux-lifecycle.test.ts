// Nothing outlives a sandbox: a timeout, an abort or stopSandbox ends the command and every
// process it started, including one that left the session, on every backend.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect } from 'vitest';

import { runSandboxed } from '../../lib/spawn/run-sandboxed';
import { spawnSandboxed, stopSandbox } from '../../lib/spawn/spawn-sandboxed';
import { makeTempDir } from '../helpers/temp';
import { itOn, pathEntry, profile, rootEntry, unrestricted, MOUNT_BACKEND } from './support';

let tmp: { path: string; remove: () => void };
let t: string;
beforeEach(() => {
  tmp = makeTempDir('life');
  t = tmp.path;
});
afterEach(() => tmp.remove());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A detached grandchild that appends to a heartbeat file every 20 ms, then the command waits. */
function heartbeatScript(file: string): string {
  return `setsid sh -c 'while :; do echo . >> ${file}; sleep 0.02; done' & sleep 30`;
}

async function beats(file: string): Promise<number> {
  try {
    return readFileSync(file, 'utf8').length;
  } catch {
    return 0;
  }
}

async function expectStopped(file: string): Promise<void> {
  await sleep(150);
  const before = await beats(file);
  await sleep(300);
  expect(await beats(file)).toBe(before);
}

const cases = [
  [MOUNT_BACKEND, () => profile([rootEntry('read'), pathEntry(t, 'write')])],
  ['landlock', () => profile([rootEntry('read')])],
  // Network on: seccomp alone refuses a restricted network (issue #20).
  ['seccomp', () => unrestricted('enabled')],
] as const;

describe.each(cases)('%s: stopping the sandbox', (backend, policy) => {
  itOn(backend)(`${backend}: a timeout ends the command and a setsid grandchild`, async () => {
    if (backend === 'landlock') {
      // Read-only policy: no heartbeat file; without a PID namespace the grandchild's pid is a
      // host pid, so check it is gone.
      const r = await runSandboxed(['sh', '-c', 'setsid sleep 30 & echo $!; sleep 30'], { permissionProfile: policy(), backend, timeoutMs: 300, cwd: t });
      expect(r.timedOut).toBe(true);
      const pid = Number(r.stdout.trim());
      expect(pid).toBeGreaterThan(1);
      await sleep(100);
      expect(() => process.kill(pid, 0)).toThrow();
      return;
    }
    const file = join(t, 'beat');
    const r = await runSandboxed(['sh', '-c', heartbeatScript(file)], { permissionProfile: policy(), backend, timeoutMs: 300, cwd: t });
    expect(r.timedOut).toBe(true);
    expect(await beats(file)).toBeGreaterThan(0);
    await expectStopped(file);
  });

  itOn(backend)(`${backend}: an AbortSignal ends the sandbox`, async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const r = await runSandboxed(['sleep', '30'], { permissionProfile: policy(), backend, signal: controller.signal, cwd: t });
    expect(r.aborted).toBe(true);
    expect(r.exitCode === 0).toBe(false);
  });

  itOn(backend)(`${backend}: stopSandbox on a spawned child ends everything it started`, async () => {
    if (backend === 'landlock') {
      const child = spawnSandboxed(['sh', '-c', 'setsid sleep 30 & echo $!; sleep 30'], { permissionProfile: policy(), backend, cwd: t, stdio: ['ignore', 'pipe', 'ignore'] });
      const pid = await new Promise<number>((r) => child.stdout?.once('data', (d: Buffer) => r(Number(d.toString().trim()))));
      const exited = new Promise((r) => child.once('exit', r));
      stopSandbox(child);
      await exited;
      await sleep(100);
      expect(() => process.kill(pid, 0)).toThrow();
      return;
    }
    const file = join(t, 'beat');
    const child = spawnSandboxed(['sh', '-c', heartbeatScript(file)], { permissionProfile: policy(), backend, cwd: t, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    await sleep(300);
    expect(await beats(file)).toBeGreaterThan(0);
    stopSandbox(child);
    await exited;
    await expectStopped(file);
  });
});
