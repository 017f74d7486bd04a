// Red-team findings on the host mount targets ("stubs": the empty files and directories made on
// the host so bubblewrap can mask protected names that do not exist yet) and their registry
// (issue #20, docs/security.md R13 and R14). A parent Node process is SIGKILLed mid-run, so its
// own clean-up never runs, and a later launch has to finish it without touching anything else.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';

import { makeTempDir } from '../helpers/temp';
import { processesWithToken } from './harness/host-services';
import { probeEnv } from './harness/run-probe';
import { loadSandboxApi } from './harness/sandbox-api';

const REPO = resolve(__dirname, '../..');

function policyWithRoot(root: string): unknown {
  return {
    type: 'managed',
    file_system: {
      type: 'restricted',
      entries: [
        { path: { type: 'special', value: { kind: 'root' } }, access: 'read' },
        { path: { type: 'path', path: root }, access: 'write' },
      ],
    },
    network: 'restricted',
  };
}

async function waitUntil(cond: () => boolean, maxMs: number): Promise<boolean> {
  for (let waited = 0; waited < maxMs; waited += 50) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}

/** Starts `sleep` sandboxed from a separate Node parent, waits until the stubs exist, SIGKILLs the parent. */
async function killParentMidRun(root: string, token: string, stub: string): Promise<void> {
  const spec = { argv: ['/bin/sh', '-c', `sleep 30; : ${token}`], cwd: root, policy: policyWithRoot(root), backend: 'bwrap' };
  const parent = spawn(join(REPO, 'node_modules/.bin/vite-node'), [join(__dirname, 'harness/parent-runner.ts'), JSON.stringify(spec)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  parent.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const started = await waitUntil(() => processesWithToken(token).length > 0 && existsSync(stub), 30_000);
  parent.kill('SIGKILL');
  await new Promise<void>((res) => parent.once('close', () => res()));
  expect(started, `the sandboxed sleep and its stub ${stub} never appeared; parent stderr: ${err}`).toBe(true);
  expect(await waitUntil(() => processesWithToken(token).length === 0, 10_000), 'the sandbox died with its parent').toBe(true);
}

describe.runIf(process.platform === 'linux')('red team: host mount targets after a killed parent', () => {
  it('bwrap: a killed parent\'s stubs are removed by the next launch, even one without targets of its own (R13)', async () => {
    const dir = makeTempDir('dead-stubs');
    try {
      const root = join(dir.path, 'ws');
      mkdirSync(root);
      const token = `csbx-dead-${process.pid}-${Date.now()}`;
      await killParentMidRun(root, token, join(root, '.git'));
      expect(readdirSync(root).sort(), 'the dead run left its stubs').toEqual(['.agents', '.aws', '.codex', '.git']);

      // A read-only launch: no mount targets of its own.
      const res = await loadSandboxApi().runSandboxed(['/bin/true'], { cwd: root, permissionProfile: { type: 'read-only' }, backend: 'bwrap', env: probeEnv(), timeoutMs: 20_000 });
      expect(res.exitCode, res.stderr).toBe(0);
      expect(res.plan.hostPrep).toEqual([]);
      expect(readdirSync(root), 'no stub of the dead run is left').toEqual([]);
    } finally {
      dir.remove();
    }
  });

  it('bwrap: a TAB in a writable root never makes pruning delete an unrelated folder (R14)', async () => {
    const dir = makeTempDir('tab-root');
    try {
      const root = join(dir.path, 'a\tb');
      // What the old `kind<TAB>path` marker read back as the target's path.
      const unrelated = join(dir.path, 'a');
      mkdirSync(root);
      mkdirSync(unrelated);
      const token = `csbx-tab-${process.pid}-${Date.now()}`;
      await killParentMidRun(root, token, join(root, '.git'));

      // A later launch with targets of its own prunes the dead run's registrations.
      const api = loadSandboxApi();
      const res = await api.runSandboxed(['/bin/true'], { cwd: root, permissionProfile: policyWithRoot(root), backend: 'bwrap', env: probeEnv(), timeoutMs: 20_000 });
      expect(res.exitCode, res.stderr).toBe(0);

      expect(existsSync(unrelated), `${unrelated} (an empty folder of the user's) was deleted by pruning`).toBe(true);
      expect(readdirSync(root), 'no stub is left in the writable root').toEqual([]);
    } finally {
      dir.remove();
    }
  });
});
