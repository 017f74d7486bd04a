// spawn/windows-setup: the elevated backend's setup executable (codex-sandbox-setup.exe): whether
// setup was done for a plan (its marker), the unelevated ACL refresh before each command, and the
// one-time elevated provisioning and its uninstall (`codex-sandbox windows-setup`).
import { readFileSync, rmSync } from 'node:fs';

import { BackendUnavailableError, SpawnError } from '../errors';
import { WINDOWS_SETUP_VERSION } from '../platform/windows/plan-windows';
import type { WindowsElevatedPlan } from '../platform/windows/plan-types';
import { firstOutputLine, runnerCommand, SETUP_EXE, type WindowsRunner } from './windows-runner';

/** node:child_process on first use: a Linux run that becomes the sandbox never loads it (docs/benchmarks.md#start-up). */
const childProcess = (): typeof import('node:child_process') => require('node:child_process') as typeof import('node:child_process');

/** What setup and doctor plan with: the planner needs a command, and setup's request never depends on it. */
export const SETUP_PLAN_COMMAND = ['cmd.exe'];

/**
 * Why the elevated backend cannot run this plan yet, or null when setup was done for it: the
 * marker setup writes last (native/windows/setup-main.cc) must name this version, these accounts
 * and the firewall inputs the offline account's rules were made from.
 */
export function setupMarkerProblem(plan: WindowsElevatedPlan, markerText: string | undefined): string | null {
  if (markerText === undefined) return 'setup has not been run (no setup marker)';
  const fields = new Map<string, string>();
  for (const line of markerText.split(/\r?\n/)) {
    const tab = line.indexOf('\t');
    fields.set(tab < 0 ? line : line.slice(0, tab), tab < 0 ? '' : line.slice(tab + 1));
  }
  const want: [string, string][] = [
    ['version', String(WINDOWS_SETUP_VERSION)],
    ['offline', plan.accounts.offline],
    ['online', plan.accounts.online],
    ['allow_local_binding', plan.firewall.allowLocalBinding ? '1' : '0'],
    ['proxy_ports', plan.firewall.proxyPorts.join('\t')],
  ];
  for (const [key, value] of want) {
    const have = fields.get(key);
    if (have !== value) return `setup marker has ${key} ${have === undefined ? '(missing)' : JSON.stringify(have)}, this plan needs ${JSON.stringify(value)}`;
  }
  return null;
}

function markerPath(plan: WindowsElevatedPlan): string {
  return `${plan.stateDirs.sandbox}\\setup_marker.txt`;
}

function readHostText(runner: WindowsRunner, windowsPath: string): string | undefined {
  try {
    return readFileSync(runner.toHostPath(windowsPath), 'utf8');
  } catch {
    return undefined;
  }
}

/** setupMarkerProblem for the marker this host holds. */
export function windowsSetupProblem(plan: WindowsElevatedPlan, runner: WindowsRunner): string | null {
  return setupMarkerProblem(plan, readHostText(runner, markerPath(plan)));
}

/**
 * Before each elevated command: setup must have provisioned the accounts (elevated, once), and
 * `--refresh-only` then applies this plan's ACLs without elevation (B5.2).
 */
export function refreshElevatedSetup(plan: WindowsElevatedPlan, runner: WindowsRunner, env: NodeJS.ProcessEnv): void {
  const problem = windowsSetupProblem(plan, runner);
  if (problem !== null) {
    throw new BackendUnavailableError(
      `Windows sandbox setup is missing or out of date: ${problem}; run \`codex-sandbox windows-setup\` with the same policy options from an elevated prompt`,
      { details: { backend: plan.backend, stateDir: plan.stateDirs.sandbox } },
    );
  }
  const [program, args] = runnerCommand(runner, SETUP_EXE, ['--request-stdin', '--refresh-only']);
  const result = childProcess().spawnSync(program, args, { input: plan.setupRequest, env, encoding: 'utf8', windowsHide: true });
  if (result.error !== undefined || result.status !== 0) {
    const why = result.error?.message ?? (firstOutputLine(result.stderr) || `exit status ${String(result.status)}`);
    throw new SpawnError(`the Windows sandbox ACL refresh (${SETUP_EXE} --refresh-only) failed: ${why}; run \`codex-sandbox doctor\``, {
      value: program,
      details: { status: result.status },
    });
  }
}

export interface WindowsSetupResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The code setup left in `.sandbox\setup_error.txt` on failure, e.g. helper_firewall_policy_ineffective. */
  errorCode: string | null;
}

/** Provisions the elevated backend for `plan` (from an elevated process), or removes it all. */
export function runWindowsSetup(plan: WindowsElevatedPlan, runner: WindowsRunner, env: NodeJS.ProcessEnv, uninstall: boolean): WindowsSetupResult {
  const [program, args] = runnerCommand(runner, SETUP_EXE, uninstall ? ['--uninstall', '--request-stdin'] : ['--request-stdin']);
  const errorFile = `${plan.stateDirs.sandbox}\\setup_error.txt`;
  // Setup writes the file only for failures with a code: an old one would name the wrong cause.
  rmSync(runner.toHostPath(errorFile), { force: true });
  const result = childProcess().spawnSync(program, args, { input: plan.setupRequest, env, encoding: 'utf8', windowsHide: true });
  if (result.error !== undefined) {
    throw new SpawnError(`failed to start ${program}: ${result.error.message}`, { value: program, cause: result.error });
  }
  const errorText = result.status === 0 || uninstall ? undefined : readHostText(runner, errorFile);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, errorCode: errorText === undefined ? null : errorText.split('\t')[0].trim() };
}
