// The pure parts of the Windows launch path: which setup marker lets the elevated backend run a
// plan, what doctor reports from what it found, and how the runner is started (directly, or with
// a launcher such as Wine in front). The launch itself runs in test/windows/ under Wine.
import { describe, expect, it } from 'vitest';

import { windowsDoctorReport } from '../../../lib/cli/commands/doctor-windows';
import { WINDOWS_SETUP_VERSION } from '../../../lib/platform/windows/plan-windows';
import { planWindowsPolicy } from '../../helpers/plan-windows-policy';
import type { WindowsElevatedPlan } from '../../../lib/platform/windows/plan-types';
import { spawnSandboxed } from '../../../lib/spawn/spawn-sandboxed';
import { runnerCommand } from '../../../lib/spawn/windows-runner';
import { setupMarkerProblem } from '../../../lib/spawn/windows-setup';
import { makeTempDir } from '../../helpers/temp';
import { WORKSPACE_WITH_NETWORK } from '../../windows/policies';
import { CWD, ENV, READ_ONLY } from './fixtures';

function elevated(env: Record<string, string> = ENV): WindowsElevatedPlan {
  return planWindowsPolicy(READ_ONLY('restricted'), { cwd: CWD, command: ['cmd.exe'], env, permissionProfile: {} }) as WindowsElevatedPlan;
}

/** The marker native/windows/setup-main.cc writes for `plan`. */
function marker(plan: WindowsElevatedPlan): string {
  return `version\t${WINDOWS_SETUP_VERSION}\noffline\t${plan.accounts.offline}\nonline\t${plan.accounts.online}\nallow_local_binding\t${plan.firewall.allowLocalBinding ? 1 : 0}\nproxy_ports${plan.firewall.proxyPorts.map((p) => `\t${p}`).join('')}\n`;
}

describe('windows-elevated: the setup marker', () => {
  it('windows-elevated: the marker setup wrote for this plan lets it run', () => {
    const plan = elevated();
    expect(plan.backend).toBe('windows-elevated');
    expect(setupMarkerProblem(plan, marker(plan))).toBeNull();
    expect(setupMarkerProblem(plan, marker(plan).replace(/\n/g, '\r\n'))).toBeNull();
  });

  it('windows-elevated: no marker means setup has not been run', () => {
    expect(setupMarkerProblem(elevated(), undefined)).toBe('setup has not been run (no setup marker)');
  });

  it('windows-elevated: a marker from another setup version is out of date', () => {
    const plan = elevated();
    expect(setupMarkerProblem(plan, marker(plan).replace(/^version\t\d+/, 'version\t0'))).toBe(`setup marker has version "0", this plan needs "${WINDOWS_SETUP_VERSION}"`);
  });

  it('windows-elevated: firewall rules made for other proxy ports are out of date (the offline account must reach this proxy)', () => {
    const withProxy = elevated({ ...ENV, HTTPS_PROXY: 'http://127.0.0.1:8080' });
    expect(withProxy.firewall.proxyPorts).toEqual([8080]);
    const done = marker(elevated());
    expect(setupMarkerProblem(withProxy, done)).toBe('setup marker has proxy_ports "", this plan needs "8080"');
    expect(setupMarkerProblem(withProxy, marker(withProxy))).toBeNull();
  });
});

describe('doctor on Windows', () => {
  it('doctor: with the runner and setup done, both backends are usable', () => {
    const r = windowsDoctorReport({ executables: { dir: 'C:\\p\\prebuilds\\win32-x64' }, setupProblem: null, stateDir: 'C:\\Users\\me\\.codex\\.sandbox' });
    expect(r.checks.map((c) => [c.name, c.ok, c.value])).toEqual([
      ['runner', true, 'C:\\p\\prebuilds\\win32-x64'],
      ['setup', true, 'done (state in C:\\Users\\me\\.codex\\.sandbox)'],
    ]);
    expect(r.backends.map((b) => [b.name, b.usable])).toEqual([
      ['windows-token', true],
      ['windows-elevated', true],
    ]);
  });

  it('doctor: without setup only the restricted token is usable, and the fix names windows-setup', () => {
    const r = windowsDoctorReport({ executables: { dir: 'C:\\p' }, setupProblem: 'setup has not been run (no setup marker)', stateDir: 'C:\\s' });
    expect(r.checks[1]).toMatchObject({
      ok: false,
      value: 'not done: setup has not been run (no setup marker)',
      fix: 'run "codex-sandbox windows-setup" once from an elevated prompt',
    });
    expect(r.backends.map((b) => [b.name, b.usable, b.reason])).toEqual([
      ['windows-token', true, 'ready (writable roots of the workspace layout, network enabled)'],
      ['windows-elevated', false, 'elevated setup not done'],
    ]);
  });

  it('doctor: without the executables no backend is usable', () => {
    const r = windowsDoctorReport({ executables: { error: 'missing' }, setupProblem: 'the runner is missing', stateDir: null });
    expect(r.checks[0]).toMatchObject({ ok: false, value: 'missing' });
    expect(r.backends.every((b) => !b.usable && b.reason === 'the runner is missing')).toBe(true);
  });
});

describe('the runner command', () => {
  it('runner: started directly on Windows, behind the launcher elsewhere', () => {
    const direct = { dir: 'C:\\pkg\\prebuilds\\win32-x64', launcher: [], toWindowsPath: (p: string) => p, toHostPath: (p: string) => p };
    expect(runnerCommand(direct, 'codex-sandbox-helper.exe', ['--request-stdin'])[1]).toEqual(['--request-stdin']);
    const wine = { dir: '/pkg/exe', launcher: ['wine'], toWindowsPath: (p: string) => p, toHostPath: (p: string) => p };
    expect(runnerCommand(wine, 'codex-sandbox-setup.exe', ['--request-stdin', '--refresh-only'])).toEqual([
      'wine',
      ['/pkg/exe/codex-sandbox-setup.exe', '--request-stdin', '--refresh-only'],
    ]);
  });
});

describe('windows launch: stdio the runner cannot pass on', () => {
  // A runner that must never be reached: these refusals come before planning and spawning.
  const unreachable = { dir: '/nonexistent', launcher: ['/nonexistent/launcher'], toWindowsPath: (p: string) => p, toHostPath: (p: string) => p };
  const attempt = (stdio: unknown): unknown => {
    const tmp = makeTempDir('winstdio');
    try {
      spawnSandboxed(['cmd.exe'], { platform: 'windows', cwd: tmp.path, permissionProfile: WORKSPACE_WITH_NETWORK, stdio: stdio as 'pipe', windows: { runner: unreachable } });
      return null;
    } catch (e) {
      return e;
    } finally {
      tmp.remove();
    }
  };

  it('windows launch: stdin given as a descriptor is refused with E_USAGE (the request must come first)', () => {
    expect(attempt([0, 'pipe', 'pipe'])).toMatchObject({ code: 'E_USAGE', message: "stdin 0 cannot follow the runner's request on Windows; use 'pipe', 'inherit' or 'ignore'" });
  });

  it('windows launch: a fourth stdio entry is refused with E_USAGE (only the standard handles reach the command)', () => {
    expect(attempt(['pipe', 'pipe', 'pipe', 'pipe'])).toMatchObject({ code: 'E_USAGE' });
  });
});
