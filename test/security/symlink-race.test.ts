// Symlink swaps between planning and exec (a time-of-check to time-of-use race): a symlink the policy
// names is retargeted after the plan was built and before bwrap or the helper sets the sandbox
// up. Whatever the swap, the write must land where explain() said at planning time, or nowhere.
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { parsePolicyInput, probeCapabilities, resolvePolicy } from '../../lib/index';
import { planResolved } from '../../lib/platform/plan-sandbox';
import type { LinuxPlan } from '../../lib/platform/linux/plan';
import { spawnPlan } from '../../lib/spawn/spawn-sandboxed';
import { changedPaths, makeFixture, PYTHON, snapshot } from './harness/fixture';
import { parseReport, probeEnv } from './harness/run-probe';
import { MOUNT_BACKEND } from '../helpers/mount-backend';

/** Atomically points `link` at `target` (rename over it, as an attacker racing the planner would). */
function swapLink(link: string, target: string): void {
  const tmp = `${link}.swap`;
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

function runPlan(plan: LinuxPlan, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawnPlan(plan, { cwd, env: probeEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

const managed = (entries: [string, string][]): unknown => ({
  type: 'managed',
  file_system: {
    type: 'restricted',
    entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'read' }, ...entries.map(([path, access]) => ({ path: { type: 'path', path }, access }))],
  },
  network: 'restricted',
});

describe.runIf(process.platform === 'linux')('symlink swap between planning and exec', () => {
  it('bwrap: a writable root named through a symlink, retargeted at an outside dir after planning, still only opens the planned target', async () => {
    const fx = makeFixture('race-root');
    try {
      const real = join(fx.root, 'real-extra');
      mkdirSync(real);
      const link = join(fx.root, 'extra-link');
      symlinkSync(real, link);
      const resolved = resolvePolicy(
        parsePolicyInput(
          managed([
            [fx.ws, 'write'],
            [link, 'write'],
          ]),
        ),
        { cwd: fx.ws },
      );
      const plan = planResolved(resolved, {
        platform: 'linux',
        cwd: fx.ws,
        capabilities: probeCapabilities(),
        backend: MOUNT_BACKEND,
        command: [PYTHON, fx.probesPy, 'write', join(link, 'planted.txt')],
      });
      // The plan binds the target it saw, not the name: that is what makes the swap harmless.
      expect(plan.argv).toContain(real);
      swapLink(link, fx.outside);
      const before = snapshot(fx.outside);
      const r = await runPlan(plan, fx.ws);
      expect(parseReport(r.stdout) ?? r.stderr, 'the probe ran or the sandbox refused at start').toBeDefined();
      expect(changedPaths(before, snapshot(fx.outside)), 'write reached the swapped-in outside dir').toEqual([]);
    } finally {
      fx.remove();
    }
  });

  it('bwrap: a read-only carve-out named through a symlink inside the writable root is refused, so there is nothing to race', () => {
    const fx = makeFixture('race-carve');
    try {
      const protectedDir = join(fx.ws, 'real-protected');
      mkdirSync(protectedDir);
      writeFileSync(join(protectedDir, 'file.txt'), 'original\n');
      const link = join(fx.ws, 'protected-link');
      symlinkSync(protectedDir, link);
      const resolved = resolvePolicy(
        parsePolicyInput(
          managed([
            [fx.ws, 'write'],
            [link, 'read'],
          ]),
        ),
        { cwd: fx.ws },
      );
      let err: unknown;
      try {
        planResolved(resolved, { platform: 'linux', cwd: fx.ws, capabilities: probeCapabilities(), backend: MOUNT_BACKEND, command: ['/bin/true'] });
      } catch (e) {
        err = e;
      }
      // The sandboxed command could retarget the link itself, so the reference refuses (its fail-closed list,
      // "crosses writable symlink"); a plan here would protect whatever the link points at later.
      expect((err as { code?: string } | undefined)?.code).toBe('E_UNSUPPORTED_POLICY');
      expect(String((err as Error).message)).toMatch(/symlink/);
    } finally {
      fx.remove();
    }
  });

  it('bwrap: the command cwd named through a symlink and retargeted after planning does not move the writable root', async () => {
    const fx = makeFixture('race-cwd');
    try {
      const link = join(fx.root, 'ws-link');
      symlinkSync(fx.ws, link);
      const policy = { type: 'workspace-write', network_access: false, exclude_tmpdir_env_var: true, exclude_slash_tmp: true };
      const resolved = resolvePolicy(parsePolicyInput(policy), { cwd: link });
      const plan = planResolved(resolved, {
        platform: 'linux',
        cwd: link,
        capabilities: probeCapabilities(),
        backend: MOUNT_BACKEND,
        command: [PYTHON, fx.probesPy, 'write', join(fx.outside, 'via-cwd.txt'), 'planted.txt'],
      });
      swapLink(link, fx.outside);
      const before = snapshot(fx.outside);
      const r = await runPlan(plan, fx.ws);
      expect(parseReport(r.stdout) ?? r.stderr).toBeDefined();
      expect(changedPaths(before, snapshot(fx.outside)), 'write reached the swapped-in outside dir').toEqual([]);
    } finally {
      fx.remove();
    }
  });
});
