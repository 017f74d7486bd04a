// windows-token under Wine: the library's Windows launch path (lib/spawn/windows-launch.ts)
// starts the real cross-compiled runner with real planner requests, through a Wine runner.
// Proves quoting, environment, cwd, stdio, exit statuses, the kill-on-close job and timeouts;
// not enforcement (Wine applies no restricted token or ACL).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runSandboxed } from '../../lib/spawn/run-sandboxed';
import { spawnSandboxed, stopSandbox, type SandboxSpawnOptions } from '../../lib/spawn/spawn-sandboxed';
import type { WindowsPlan } from '../../lib/platform/windows/plan-types';
import { makeTempDir } from '../helpers/temp';
import { WORKSPACE_WITH_NETWORK as WORKSPACE } from './policies';
import { skipWine, EXE_DIR, startWine, toWinePath, wineAvailable, wineSkipReason, type WineSession } from './wine';

function collect(stream: NodeJS.ReadableStream | null): Promise<string> {
  return new Promise((resolvePromise) => {
    const chunks: Buffer[] = [];
    if (stream === null) return resolvePromise('');
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
  });
}

describe.skipIf(skipWine)('windows-token runner under Wine', () => {
  if (!wineAvailable) console.warn(wineSkipReason);
  let wine: WineSession;
  const work = makeTempDir('winework');
  const opts = (extra: Partial<SandboxSpawnOptions> = {}): SandboxSpawnOptions => ({
    platform: 'windows',
    cwd: work.path,
    env: { ...wine.env, CSBX_PROBE_VALUE: 'a b=c;%PATH%"q"' },
    permissionProfile: WORKSPACE,
    windows: { runner: wine.runner },
    ...extra,
  });

  beforeAll(() => {
    expect(wineAvailable, wineSkipReason).toBe(true);
    wine = startWine('wine-runner');
  }, 600_000);
  afterAll(() => {
    wine?.stop();
    work.remove();
  });

  it('windows-token: arguments, cwd, environment and the kill-on-close job reach the command as planned', async () => {
    const args = ['plain', 'with space', '', 'quote"inside', 'trailing\\', 'back\\\\"slash', 'tab\there', 'ünïcödé ✓', '%PATH%', 'a&b|c<d>e^f', '"'];
    const result = await runSandboxed([wine.probe, 'report', ...args], opts());
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const plan = result.plan as WindowsPlan;
    expect(plan.backend).toBe('windows-token');
    expect(plan.argv[0]).toBe(`${toWinePath(EXE_DIR)}\\codex-sandbox-helper.exe`);
    const report = JSON.parse(result.stdout) as { argv: string[]; cwd: string; env: Record<string, string>; inJob: boolean };
    expect(report.argv).toEqual(args);
    expect(report.cwd.toLowerCase()).toBe(toWinePath(work.path).toLowerCase());
    // The caller's variable through the runner's own environment, the plan's additions through the request.
    expect(report.env.CSBX_PROBE_VALUE).toBe('a b=c;%PATH%"q"');
    for (const [k, v] of Object.entries(plan.env)) expect(report.env[k], k).toBe(v);
    expect(plan.env.GIT_PAGER).toBe('more.com');
    // Wine does not report a job's limit flags back; the stopSandbox case shows kill-on-close.
    expect(report.inJob).toBe(true);
  });

  it('windows-token: stdin after the request reaches the command, stdout and stderr come back, the exit status is the command\'s', async () => {
    const child = spawnSandboxed([wine.probe, 'cat-exit', '42', 'to stderr'], opts({ stdio: ['pipe', 'pipe', 'pipe'] }));
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    child.stdin?.end('line one\nline two\n');
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.once('exit', (c, s) => r([c, s])));
    expect({ code, signal, stdout: await out, stderr: await err }).toEqual({ code: 42, signal: null, stdout: 'line one\nline two\n', stderr: 'to stderr' });
  });

  it('windows-token: a command that does not exist exits 127 with one line naming CreateProcessAsUserW', async () => {
    const result = await runSandboxed([toWinePath(join(work.path, 'missing.exe'))], opts());
    expect(result.exitCode).toBe(127);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^codex-sandbox-helper: CreateProcessAsUserW .*missing\.exe/);
  });

  it('windows-token: timeoutMs ends a command that never exits, reported as SIGKILL', async () => {
    const result = await runSandboxed([wine.probe, 'sleep'], opts({ timeoutMs: 1000 }));
    expect({ timedOut: result.timedOut, exitCode: result.exitCode, signal: result.signal }).toEqual({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
  });

  it('windows-token: stopSandbox ends the command and the process it started (the job is closed with the runner)', async () => {
    const pidFile = join(work.path, 'pids.txt');
    const child = spawnSandboxed([wine.probe, 'tree', toWinePath(pidFile)], opts({ stdio: ['ignore', 'pipe', 'pipe'] }));
    const stderr = collect(child.stderr);
    await new Promise<void>((r) => child.stdout?.on('data', (c: Buffer) => c.toString().includes('ready') && r()));
    stopSandbox(child);
    const signal = await new Promise<string | null>((r) => child.once('exit', (_c, s) => r(s)));
    expect(signal).toBe('SIGKILL');
    expect(await stderr).toBe('');
    const pids = readFileSync(pidFile, 'utf8').trim().split(' ');
    expect(pids).toHaveLength(2);
    // Outside the sandbox: waits until each process has ended (the control in the docs: the
    // same tree started without the runner outlives its killed parent).
    expect(wine.run(wine.probeHostPath, ['gone', ...pids]).stdout).toBe('gone\ngone\n');
  });

  it('runner: a request with an unknown keyword is refused with 125 and one line, nothing is started', () => {
    const r = wine.run(join(EXE_DIR, 'codex-sandbox-helper.exe'), ['--request-stdin'], 'csbx-windows-request 1 runner\nbackend\twindows-token\nlaunch_unsandboxed\t1\nend\n');
    expect(r.status).toBe(125);
    expect(r.stderr).toBe('codex-sandbox-helper: unknown keyword launch_unsandboxed (planner and helper versions differ?)\n');
  });

  it('runner: --revert-request-stdin takes a planner request with revoke ops and only revokes', async () => {
    const result = await runSandboxed([wine.probe, 'sleep'], opts({ timeoutMs: 1000, windows: { runner: wine.runner, revertAcesAfterRun: true } }));
    const plan = result.plan as WindowsPlan & { revertAfterExit: unknown[] };
    expect(result.timedOut).toBe(true);
    expect(plan.revertAfterExit.length).toBeGreaterThan(0);
    expect(plan.runnerRequest).toMatch(/^revoke_after_exit\t/m);
    const r = wine.run(join(EXE_DIR, 'codex-sandbox-helper.exe'), ['--revert-request-stdin'], plan.runnerRequest);
    expect({ status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({ status: 0, stderr: '', stdout: '' });
  });

  it('windows-elevated: without setup the run is refused with E_BACKEND_UNAVAILABLE before anything starts', () => {
    const codexHome = join(work.path, 'codex-home');
    const readOnly = { ...WORKSPACE, network: 'restricted' };
    let error: unknown;
    try {
      spawnSandboxed([wine.probe, 'report'], opts({ permissionProfile: readOnly, windows: { runner: wine.runner, codexHome: toWinePath(codexHome) } }));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'E_BACKEND_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/^Windows sandbox setup is missing or out of date: setup has not been run/);
  });
});
