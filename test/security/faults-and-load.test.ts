// Faults and load (issue #7): a parent killed mid-run leaves no sandboxed process behind; a
// SIGKILLed sandbox leaves no mount target, temporary file or folder on the host; 500 sandboxed
// commands, 50 at a time, all report the right status with no zombie, no descriptor leaked into
// the parent or the children, flat parent memory and nothing left on disk.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

import { NAMESPACES_PROBE_FILE } from '../../lib/platform/linux/probe-cache';
import { startSandboxed } from '../../lib/spawn/spawn-sandboxed';
import { withTempDir } from '../helpers/temp';
import { makeFixture, PYTHON, snapshot, changedPaths } from './harness/fixture';
import { processesWithToken } from './harness/host-services';
import { parseReport, probeEnv } from './harness/run-probe';
import { loadSandboxApi } from './harness/sandbox-api';
import { MOUNT_BACKEND } from '../helpers/mount-backend';

const REPO = resolve(__dirname, '../..');
const BACKENDS = [MOUNT_BACKEND, 'landlock'] as const;

/** Policies each backend runs (Landlock refuses writable roots: they carry protected names). */
function policyFor(backend: (typeof BACKENDS)[number]): unknown {
  return backend !== 'landlock' ? { type: 'workspace-write', network_access: false, exclude_tmpdir_env_var: true, exclude_slash_tmp: true } : { type: 'read-only' };
}

/**
 * What sandbox runs could leave in the temp folder: codex/bwrap-named entries, and the markers
 * inside this user's mount-target registry (the registry folder itself is kept by design, as in
 * the reference, and so is this boot's namespaces probe answer in it; other users' registries are theirs and unreadable). Other engineers' test folders (csbx-*) come and go concurrently and are not ours.
 */
function tmpResidueCandidates(): Set<string> {
  const out = new Set<string>();
  const registry = `codex-sandbox-mount-targets-${process.geteuid?.() ?? 0}`;
  for (const name of readdirSync(tmpdir())) {
    if (name === registry) {
      for (const inner of readdirSync(join(tmpdir(), name))) if (inner !== 'lock' && inner !== NAMESPACES_PROBE_FILE) out.add(`${name}/${inner}`);
    } else if (/codex|bwrap/i.test(name) && !name.startsWith('codex-sandbox-mount-targets-')) out.add(name);
  }
  return out;
}

async function waitUntil(cond: () => boolean, maxMs: number): Promise<boolean> {
  for (let waited = 0; waited < maxMs; waited += 50) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}

function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** A shell command that leaves three sleeps behind: a plain child, a background job and a double-forked daemon. */
function lingeringCommand(probesPy: string, token: string): string[] {
  return ['/bin/sh', '-c', `${PYTHON} ${probesPy} daemonize 602.${token} >/dev/null; /bin/sleep 601.${token} & echo ready; exec /bin/sleep 600.${token}`];
}

const sleepers = (token: string): number[] =>
  processesWithToken(token).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('/bin/sleep') || readFileSync(`/proc/${pid}/comm`, 'latin1').startsWith('sleep');
    } catch {
      return false;
    }
  });

describe.runIf(process.platform === 'linux')('faults', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: timeoutMs ends the command and every process it started, setsid daemons included`, async () => {
      const fx = makeFixture('timeout');
      const token = String(randomInt(100_000_000, 999_999_999));
      try {
        const res = await loadSandboxApi().runSandboxed(lingeringCommand(fx.probesPy, token), {
          cwd: fx.ws,
          permissionProfile: policyFor(backend),
          backend,
          env: probeEnv(),
          timeoutMs: 3_000,
        });
        expect(res.stdout).toContain('ready');
        const gone = await waitUntil(() => processesWithToken(token).length === 0, 10_000);
        const left = processesWithToken(token).map((p) => readFileSync(`/proc/${p}/cmdline`, 'latin1').replace(/\0/g, ' '));
        expect(gone, `still alive after the timeout: ${left.join(' | ')}`).toBe(true);
      } finally {
        killAll(processesWithToken(token));
        fx.remove();
      }
    });

    it(`${backend}: SIGKILL of the parent Node process mid-run leaves no sandboxed process alive`, async () => {
      const fx = makeFixture('parentkill');
      const token = String(randomInt(100_000_000, 999_999_999));
      try {
        const spec = { argv: lingeringCommand(fx.probesPy, token), cwd: fx.ws, policy: policyFor(backend), backend };
        const parent = spawn(join(REPO, 'node_modules/.bin/vite-node'), [join(__dirname, 'harness/parent-runner.ts'), JSON.stringify(spec)], {
          cwd: REPO,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        parent.stdout?.on('data', (d: Buffer) => (out += d.toString()));
        parent.stderr?.on('data', (d: Buffer) => (err += d.toString()));
        const exited = new Promise<void>((res) => parent.once('exit', () => res()));
        const started = await waitUntil(() => out.includes('ready') && sleepers(token).length >= 3, 30_000);
        expect(started, `sandbox did not start: ${out} ${err}`).toBe(true);
        parent.kill('SIGKILL');
        await exited;
        const gone = await waitUntil(() => processesWithToken(token).length === 0, 10_000);
        const left = processesWithToken(token);
        killAll(left);
        expect(gone, `still alive after the parent died: ${left.map((p) => readFileSync(`/proc/${p}/cmdline`, 'latin1').replace(/\0/g, ' ')).join(' | ')}`).toBe(true);
      } finally {
        killAll(processesWithToken(token));
        fx.remove();
      }
    });

    it(`${backend}: SIGKILL of the sandbox leaves no process, mount target, temporary file or folder`, async () => {
      const fx = makeFixture('sandboxkill');
      const token = String(randomInt(100_000_000, 999_999_999));
      try {
        const tmpBefore = tmpResidueCandidates();
        const wsBefore = snapshot(fx.ws);
        const { child, plan } = startSandboxed(lingeringCommand(fx.probesPy, token), {
          cwd: fx.ws,
          permissionProfile: policyFor(backend),
          backend,
          env: probeEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const hostPrepBefore = plan.platform === 'linux' ? plan.hostPrep.filter((t) => existsSync(t.path)).map((t) => t.path) : [];
        let out = '';
        child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
        // 'exit', not 'close': on Landlock a survivor may still hold the stdout pipe.
        const exited = new Promise<void>((res) => child.once('exit', () => res()));
        expect(await waitUntil(() => out.includes('ready') && sleepers(token).length >= 3, 30_000), 'sandbox started').toBe(true);
        child.kill('SIGKILL');
        await exited;
        // Landlock has no PID namespace: the helper's reaper ends everything on SIGUSR1, parent
        // death or the command's exit, but SIGKILL to the helper itself cannot be caught, so a
        // descendant that left the process group with setsid() survives (docs/security.md).
        if (backend !== 'landlock') {
          const gone = await waitUntil(() => processesWithToken(token).length === 0, 10_000);
          expect(gone, `processes left: ${processesWithToken(token).join(', ')}`).toBe(true);
        } else {
          killAll(processesWithToken(token));
        }
        const leftTargets = plan.platform === 'linux' ? plan.hostPrep.filter((t) => existsSync(t.path) && !hostPrepBefore.includes(t.path)) : [];
        expect(leftTargets, 'mount targets left on the host').toEqual([]);
        expect(changedPaths(wsBefore, snapshot(fx.ws)), 'workspace residue').toEqual([]);
        const newTmp = [...tmpResidueCandidates()].filter((n) => !tmpBefore.has(n));
        expect(newTmp, 'temporary files left').toEqual([]);
      } finally {
        killAll(processesWithToken(token));
        fx.remove();
      }
    });
  }
});

/** A full collection, so that what is measured afterwards is what is still referenced. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

function zombieChildren(): number[] {
  const zombies: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' && Number(fields[1]) === process.pid) zombies.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return zombies;
}

describe.runIf(process.platform === 'linux')('load', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: 500 commands, 50 at a time: right statuses, no zombie, no fd leak, flat memory, no residue`, async () => {
      await withTempDir(async (dir) => {
        const fxProbes = join(REPO, 'test/security/probes/probes.py');
        const api = loadSandboxApi();
        const wsBefore = snapshot(dir);
        const tmpBefore = tmpResidueCandidates();
        const run = (i: number): Promise<{ ok: boolean; why: string }> => {
          // Every 25th command lists its own descriptors; the rest exit with a status of their own.
          const fdCheck = i % 25 === 0;
          const argv = fdCheck ? [PYTHON, fxProbes, 'inherited-fds'] : ['/bin/sh', '-c', `exit ${i % 200}`];
          return api.runSandboxed(argv, { cwd: dir, permissionProfile: policyFor(backend), backend, env: probeEnv(), timeoutMs: 60_000 }).then((r) => {
            if (fdCheck) {
              const rep = parseReport(r.stdout);
              const leaked = rep?.ops.filter((o) => o.ok) ?? [];
              return { ok: r.exitCode === 0 && rep !== undefined && leaked.length === 0, why: `fds: ${JSON.stringify(rep?.ops)} ${r.stderr}` };
            }
            return { ok: r.exitCode === i % 200, why: `command ${i}: exit ${r.exitCode} signal ${r.signal} ${r.stderr.trim()}` };
          });
        };
        // Warm-up: lazy module loads and probe caches open what they keep open for good, and one
        // round at the full concurrency lets the allocator grow toward what 50 runs in flight
        // need, so less of that first climb is counted as growth below.
        for (let i = 1; i <= 5; i++) expect((await run(i)).ok).toBe(true);
        const warm = await Promise.all(Array.from({ length: 50 }, (_, k) => run(k + 1)));
        expect(warm.filter((r) => !r.ok).map((r) => r.why)).toEqual([]);
        const fdsBefore = openFds();
        collectGarbage();
        const rssBefore = process.memoryUsage().rss;
        const heapBefore = process.memoryUsage().heapUsed;
        const failures: string[] = [];
        let next = 0;
        // Commands up to `end`, 50 in flight at a time.
        const round = async (end: number): Promise<void> => {
          const worker = async (): Promise<void> => {
            while (next < end) {
              const i = next++;
              const r = await run(i);
              if (!r.ok) failures.push(r.why);
            }
          };
          await Promise.all(Array.from({ length: 50 }, worker));
          collectGarbage();
        };
        await round(250);
        const rssMid = process.memoryUsage().rss;
        await round(500);
        const rssAfter = process.memoryUsage().rss;
        const heapAfter = process.memoryUsage().heapUsed;
        const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
        console.log(
          `load ${backend}: parent RSS ${mib(rssBefore)} -> ${mib(rssMid)} -> ${mib(rssAfter)} MiB, heap after GC ${mib(heapBefore)} -> ${mib(heapAfter)} MiB over 2 x 250 runs`,
        );
        expect(failures.slice(0, 5), `${failures.length} of 500 runs were wrong`).toEqual([]);
        expect(zombieChildren(), 'zombie children').toEqual([]);
        expect(openFds(), 'descriptors open in the parent').toBeLessThanOrEqual(fdsBefore);
        // Flat: what is still referenced after a full GC; a leak of 16 KiB per run would show as 8 MiB.
        expect(heapAfter - heapBefore, 'parent heap growth after GC (bytes)').toBeLessThan(8 * 2 ** 20);
        // RSS catches what the heap does not count (buffers, native memory). Under sustained load
        // the allocator first climbs to a plateau (about 130 MiB here, from 77-115 MiB after the
        // warm-up when other files run beside this one, so 17-56 MiB over both halves), then stays:
        // the second half grew it by 2-12 MiB. A leak grows it in every half: 128 KiB per command
        // is 32 MiB over 250.
        expect(rssAfter - rssMid, 'parent RSS growth over the second 250 commands (bytes)').toBeLessThan(32 * 2 ** 20);
        expect(changedPaths(wsBefore, snapshot(dir)), 'residue in the workspace').toEqual([]);
        expect(
          [...tmpResidueCandidates()].filter((n) => !tmpBefore.has(n)),
          'temporary files left',
        ).toEqual([]);
      }, 'load');
    }, 300_000);
  }
});
