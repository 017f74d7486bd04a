// Host mount targets left by a parent that died (issue #20, items 13 and 14). bwrap creates empty
// files and directories on the host to mask protected names that do not exist yet (`.git`,
// `.codex`, ...); a parent Node process killed with SIGKILL cannot remove them, so a later launch
// finishes the job from the per-user registry. These tests kill a real parent mid-run and watch
// the host: the stubs must go at the next launch of any sandbox, and nothing else may.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';

import { NAMESPACES_PROBE_FILE } from '../../lib/platform/linux/probe-cache';
import { runSandboxed } from '../../lib/spawn/run-sandboxed';
import { makeTempDir } from '../helpers/temp';
import { changedPaths, snapshot } from './harness/fixture';
import { MOUNT_BACKEND } from '../helpers/mount-backend';

const REPO = resolve(__dirname, '../..');
const WORKSPACE_WRITE = { type: 'workspace-write', network_access: false, exclude_tmpdir_env_var: true, exclude_slash_tmp: true };
const STUBS = ['.git', '.agents', '.codex', '.aws'];

async function waitUntil(cond: () => boolean, maxMs: number): Promise<boolean> {
  for (let waited = 0; waited < maxMs; waited += 50) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}

/**
 * Runs `ws` under workspace-write in a separate parent Node process whose temp dir (so its
 * mount-target registry) is `tmp`, waits until the sandboxed command runs, and SIGKILLs the parent.
 */
async function killParentMidRun(ws: string, tmp: string): Promise<void> {
  const spec = { argv: ['/bin/sh', '-c', 'echo ready; exec /bin/sleep 600'], cwd: ws, policy: WORKSPACE_WRITE, backend: MOUNT_BACKEND };
  const parent = spawn(join(REPO, 'node_modules/.bin/vite-node'), [join(__dirname, 'harness/parent-runner.ts'), JSON.stringify(spec)], {
    cwd: REPO,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  parent.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  parent.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((res) => parent.once('exit', () => res()));
  const sandboxPid = async (): Promise<number | undefined> => {
    await waitUntil(() => out.includes('ready'), 30_000);
    return Number(/sandbox-pid (\d+)/.exec(out)?.[1]);
  };
  const pid = await sandboxPid();
  expect(out, `sandbox did not start: ${err}`).toContain('ready');
  parent.kill('SIGKILL');
  await exited;
  // bwrap dies with its parent; wait for it so the stubs are no longer mount points in use.
  const gone = await waitUntil(() => pid === undefined || !existsSync(`/proc/${pid}`), 10_000);
  expect(gone, 'bwrap outlived its parent').toBe(true);
}

/** A later launch in this process, with the same registry (TMPDIR) as the killed parent. */
async function launchWithRegistry(tmp: string, policy: unknown, cwd: string): Promise<void> {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    const res = await runSandboxed(['/bin/true'], { cwd, permissionProfile: policy, backend: MOUNT_BACKEND });
    expect(res.exitCode, res.stderr).toBe(0);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

/** The registry's markers: not its lock, nor this boot's namespaces probe answer kept beside them. */
const registryEntries = (tmp: string): string[] =>
  readdirSync(join(tmp, `codex-sandbox-mount-targets-${process.geteuid?.() ?? 0}`)).filter((n) => n !== 'lock' && n !== NAMESPACES_PROBE_FILE);

describe.runIf(process.platform === 'linux')('host mount targets of a parent killed mid-run', () => {
  it('bwrap, writable root whose name holds a TAB: pruning its stubs removes them and never the unrelated folder the name was cut to', async () => {
    const dir = makeTempDir('tabroot');
    try {
      const tmp = join(dir.path, 'tmp');
      mkdirSync(tmp);
      const ws = join(dir.path, 'w\tx');
      mkdirSync(ws);
      // Where a marker split on TAB would point: an empty folder that belongs to the user.
      const decoy = join(dir.path, 'w');
      mkdirSync(decoy);
      await killParentMidRun(ws, tmp);
      expect(
        STUBS.filter((n) => existsSync(join(ws, n))),
        'stubs the dead run left',
      ).toEqual(STUBS);

      // A later run with targets of its own (a workspace without .git) prunes the dead run.
      const other = join(dir.path, 'other');
      mkdirSync(other);
      await launchWithRegistry(tmp, WORKSPACE_WRITE, other);

      expect(existsSync(decoy), 'the unrelated folder at the truncated path survives').toBe(true);
      expect(readdirSync(ws), "the dead run's stubs are gone").toEqual([]);
      expect(readdirSync(other)).toEqual([]);
      expect(registryEntries(tmp)).toEqual([]);
    } finally {
      dir.remove();
    }
  });

  it("bwrap, workspace-write with missing protected names: a later read-only launch removes the dead run's stubs and touches nothing else", async () => {
    const dir = makeTempDir('deadstubs');
    try {
      const tmp = join(dir.path, 'tmp');
      const ws = join(dir.path, 'ws');
      const bystander = join(dir.path, 'bystander');
      for (const d of [tmp, ws, join(bystander, 'empty-dir')]) mkdirSync(d, { recursive: true });
      await killParentMidRun(ws, tmp);
      expect(
        STUBS.filter((n) => existsSync(join(ws, n))),
        'stubs the dead run left',
      ).toEqual(STUBS);
      expect(registryEntries(tmp).length).toBe(STUBS.length);
      const before = snapshot(bystander);

      // Read-only: no mount targets of its own.
      await launchWithRegistry(tmp, { type: 'read-only' }, bystander);

      expect(readdirSync(ws), "the dead run's stubs are gone").toEqual([]);
      expect(registryEntries(tmp), 'registry entries left').toEqual([]);
      expect(changedPaths(before, snapshot(bystander))).toEqual([]);
      expect(readdirSync(tmp)).toEqual([`codex-sandbox-mount-targets-${process.geteuid?.() ?? 0}`]);
    } finally {
      dir.remove();
    }
  });
});
