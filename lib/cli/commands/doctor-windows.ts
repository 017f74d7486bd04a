// cli/commands/doctor-windows: `codex-sandbox doctor` on Windows. The restricted-token backend
// needs only the runner; the elevated backend also needs the one-time elevated setup, whose
// marker is checked against the plan the default policy gets here.
import { isSandboxError } from '../../errors';
import { planElevatedSetup } from '../../spawn/windows-launch';
import { nativeWindowsRunner, type WindowsRunner } from '../../spawn/windows-runner';
import { windowsSetupProblem } from '../../spawn/windows-setup';
import type { DoctorCheck } from './doctor';

export interface WindowsDoctorReport {
  platform: 'windows';
  checks: DoctorCheck[];
  backends: { name: 'windows-token' | 'windows-elevated'; usable: boolean; reason: string }[];
}

export interface WindowsDoctorFacts {
  /** The executables' directory, or why there is none. */
  executables: { dir: string } | { error: string };
  /** null when setup was done for the default policy's elevated plan, else why not. */
  setupProblem: string | null;
  stateDir: string | null;
}

/** Builds the report from what was found (tests pass facts; the command looks). */
export function windowsDoctorReport(facts: WindowsDoctorFacts): WindowsDoctorReport {
  const exeOk = 'dir' in facts.executables;
  const setupOk = facts.setupProblem === null;
  const checks: DoctorCheck[] = [
    {
      name: 'runner',
      ok: exeOk,
      value: 'dir' in facts.executables ? facts.executables.dir : facts.executables.error,
      enables: 'every Windows backend (codex-sandbox-helper.exe runs each command; codex-sandbox-setup.exe provisions the elevated one)',
      fix: exeOk ? '' : 'the npm package does not ship them until they have run on Windows; in a checkout, run "npm run prebuild:windows"',
    },
    {
      name: 'setup',
      ok: setupOk,
      value: setupOk ? `done (state in ${facts.stateDir ?? '?'})` : `not done: ${facts.setupProblem}`,
      enables: 'the windows-elevated backend: restricted network (offline account, firewall), deny-read entries, split writable roots',
      fix: setupOk ? '' : 'run "codex-sandbox windows-setup" once from an elevated prompt',
    },
  ];
  return {
    platform: 'windows',
    checks,
    backends: [
      { name: 'windows-token', usable: exeOk, reason: exeOk ? 'ready (writable roots of the workspace layout, network enabled)' : 'the runner is missing' },
      { name: 'windows-elevated', usable: exeOk && setupOk, reason: !exeOk ? 'the runner is missing' : setupOk ? 'ready' : 'elevated setup not done' },
    ],
  };
}

const DEFAULT_POLICY = { type: 'read-only' };

function setupFacts(runner: WindowsRunner, env: NodeJS.ProcessEnv, cwd: string): Pick<WindowsDoctorFacts, 'setupProblem' | 'stateDir'> {
  try {
    const plan = planElevatedSetup(DEFAULT_POLICY, { cwd, env }, runner);
    return { setupProblem: windowsSetupProblem(plan, runner), stateDir: plan.stateDirs.sandbox };
  } catch (error) {
    if (!isSandboxError(error)) throw error;
    return { setupProblem: error.message, stateDir: null };
  }
}

/** Looks at this machine: the executables, then the setup marker. */
export function probeWindowsDoctor(env: NodeJS.ProcessEnv, cwd: string): WindowsDoctorReport {
  let runner: WindowsRunner;
  try {
    runner = nativeWindowsRunner();
  } catch (error) {
    if (!isSandboxError(error)) throw error;
    return windowsDoctorReport({ executables: { error: error.message }, setupProblem: 'the runner is missing', stateDir: null });
  }
  return windowsDoctorReport({ executables: { dir: runner.dir }, ...setupFacts(runner, env, cwd) });
}
