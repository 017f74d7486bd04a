// The Windows executables under Wine: the library's Windows launch path
// (lib/spawn/windows-launch.ts) starts the real cross-compiled runner with real planner requests
// through a Wine runner, and the elevated stages run as far as Wine's account support goes.
// Proves quoting, environment, cwd, stdio, exit statuses, the kill-on-close job, timeouts and the
// request and secret hand-offs; not enforcement (Wine applies no restricted token or ACL).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runSandboxed } from '../../lib/spawn/run-sandboxed';
import { spawnSandboxed, stopSandbox, type SandboxSpawnOptions } from '../../lib/spawn/spawn-sandboxed';
import { WINDOWS_SETUP_VERSION } from '../../lib/platform/windows/plan-windows';
import type { WindowsElevatedPlan, WindowsPlan } from '../../lib/platform/windows/plan-types';
import { planWindowsLaunch } from '../../lib/spawn/windows-launch';
import { runWindowsSetup } from '../../lib/spawn/windows-setup';
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

describe.skipIf(skipWine)(`Windows runner under Wine${skipWine ? ` [skipped: ${wineSkipReason}]` : ''}`, () => {
  if (!wineAvailable) console.warn(wineSkipReason);
  let wine: WineSession;
  // Made only when the suite runs: a skipped suite runs no afterAll to remove it.
  const work = skipWine ? { path: '', remove: () => undefined } : makeTempDir('winework');
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

  it("windows-token: stdin after the request reaches the command, stdout and stderr come back, the exit status is the command's", async () => {
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

  it('windows-token: a runner ended by the timeout has its temporary ACEs revoked by --revert-request-stdin, without a warning', async () => {
    // Wine in front through a script that logs each start (then execs, so the timeout's SIGKILL
    // still reaches Wine), so the revoke the library runs afterwards can be seen: Wine keeps no
    // ACEs to look at. A failed revoke would be a process warning.
    const log = join(work.path, 'launches.log');
    const launcher = join(work.path, 'logging-wine.sh');
    writeFileSync(launcher, `#!/bin/sh\necho "$*" >> '${log}'\nexec wine "$@"\n`);
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      const runner = { ...wine.runner, launcher: ['/bin/sh', launcher] };
      const result = await runSandboxed([wine.probe, 'sleep'], opts({ timeoutMs: 1000, windows: { runner, revertAcesAfterRun: true } }));
      const plan = result.plan as WindowsPlan & { revertAfterExit: unknown[] };
      expect(result.timedOut).toBe(true);
      expect(plan.revertAfterExit.length).toBeGreaterThan(0);
      expect(plan.runnerRequest).toMatch(/^revoke_after_exit\t/m);
      const helper = join(EXE_DIR, 'codex-sandbox-helper.exe');
      expect(readFileSync(log, 'utf8')).toBe(`${helper} --request-stdin\n${helper} --revert-request-stdin\n`);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.includes('revoking'))).toEqual([]);
  });

  // In order: the outer runner reads the passwords the setup case stored.
  describe('windows-elevated as far as Wine goes', () => {
    const restricted = { ...WORKSPACE, network: 'restricted' };
    const codexHome = (): string => join(work.path, 'elevated-home');
    const elevatedPlan = (command: string[]): WindowsElevatedPlan =>
      planWindowsLaunch(
        command,
        restricted,
        { cwd: work.path, env: wine.env, backend: 'auto', windows: { codexHome: toWinePath(codexHome()) } },
        wine.runner,
      ) as WindowsElevatedPlan;

    it('windows-elevated: setup provisions until Wine cannot look up the account it created; the failure code comes back from setup_error.txt', () => {
      const plan = elevatedPlan([wine.probe, 'report']);
      expect(plan.backend).toBe('windows-elevated');
      const result = runWindowsSetup(plan, wine.runner, wine.env, false);
      expect({ status: result.status, errorCode: result.errorCode }).toEqual({ status: 125, errorCode: 'helper_offline_sid_lookup_failed' });
      expect(result.stderr).toBe('codex-sandbox-setup: helper_offline_sid_lookup_failed: CodexSandboxOffline\n');
      // Done before the lookup: the state directories and both passwords, DPAPI-protected.
      expect(readFileSync(join(codexHome(), '.sandbox-secrets', 'sandbox_users.txt'), 'utf8')).toMatch(/CodexSandboxOffline/);
      expect(existsSync(join(codexHome(), '.sandbox', 'setup_marker.txt'))).toBe(false);
    });

    it('windows-elevated: the outer runner decrypts the password setup stored, and removes its request file when the logon launch fails (Wine has no CreateProcessWithLogonW)', () => {
      const plan = elevatedPlan([wine.probe, 'report']);
      const r = wine.run(join(EXE_DIR, 'codex-sandbox-helper.exe'), ['--request-stdin'], plan.runnerRequest);
      expect(r.status).toBe(125);
      // Reading the password comes first: a failure there would be reported instead.
      expect(r.stderr).toMatch(/^codex-sandbox-helper: CreateProcessWithLogonW CodexSandboxOffline: /);
      expect(readdirSync(join(codexHome(), '.sandbox', 'requests'))).toEqual([]);
    });

    it('windows-elevated: the inner stage reads a planner request from its file, deletes it, and runs the command in a job under the restricted token', () => {
      const plan = elevatedPlan([wine.probe, 'report', 'inner stage']);
      const file = join(work.path, 'inner.req');
      writeFileSync(file, plan.runnerRequest);
      const r = wine.run(join(EXE_DIR, 'codex-sandbox-helper.exe'), [`--inner-request-file=${toWinePath(file)}`]);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      expect(JSON.parse(r.stdout)).toMatchObject({ argv: ['inner stage'], inJob: true });
      expect(existsSync(file)).toBe(false);
    });

    it("windows-elevated: with a setup marker the library runs the ACL refresh first, and its failure is a typed E_SPAWN with setup's line", () => {
      const plan = elevatedPlan([wine.probe, 'report']);
      const marker = `version\t${WINDOWS_SETUP_VERSION}\noffline\t${plan.accounts.offline}\nonline\t${plan.accounts.online}\nallow_local_binding\t0\nproxy_ports\n`;
      mkdirSync(join(codexHome(), '.sandbox'), { recursive: true });
      writeFileSync(join(codexHome(), '.sandbox', 'setup_marker.txt'), marker);
      let error: unknown;
      try {
        spawnSandboxed([wine.probe, 'report'], opts({ permissionProfile: restricted, windows: { runner: wine.runner, codexHome: toWinePath(codexHome()) } }));
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'E_SPAWN' });
      // The group's grants name CodexSandboxUsers, which Wine's account database never got.
      expect((error as Error).message).toMatch(
        /^the Windows sandbox ACL refresh \(codex-sandbox-setup\.exe --refresh-only\) failed: codex-sandbox-setup: LookupAccountNameW CodexSandboxUsers: .*\(error 1332\); run `codex-sandbox doctor`$/,
      );
    });
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
