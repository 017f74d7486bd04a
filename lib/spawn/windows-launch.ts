// spawn/windows-launch: starts Windows plans (issue #17). Plans with the Windows planner, hands
// the rendered request to the runner (codex-sandbox-helper.exe) on its stdin ahead of the
// command's own input, refreshes the elevated backend's ACLs first, and revokes a terminated
// runner's temporary ACEs. Stopping is TerminateProcess on the runner: its kill-on-close job
// then ends every process of the command (docs/platforms/windows.md "Launch").
//
// Everything that touches the host goes through a WindowsRunner, so the same code runs on
// Windows (the identity runner) and on Linux under Wine, where the tests drive it.
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { BackendUnavailableError, SpawnError, UsageError } from '../errors';
import type { BackendChoice } from '../platform/common/types';
import { planSandbox } from '../platform/plan-sandbox';
import type { WindowsHostView } from '../platform/windows/host';
import { nodeWindowsHostView } from '../platform/windows/node-host';
import { WINDOWS_SETUP_VERSION } from '../platform/windows/plan-windows';
import type { WindowsElevatedPlan, WindowsPlan } from '../platform/windows/plan-types';
import { windowsExecutablesDir } from '../native';

/** Where the Windows executables are and how this host reaches them. */
export interface WindowsRunner {
  /** Host directory holding codex-sandbox-helper.exe and codex-sandbox-setup.exe. */
  dir: string;
  /** Program and arguments put before each executable: `['wine']` on Linux, none on Windows. */
  launcher: string[];
  /** A host path as the executables see it: itself on Windows, `Z:\...` under Wine. */
  toWindowsPath(hostPath: string): string;
  /** The inverse, for files the plan names that this process reads (the setup marker). */
  toHostPath(windowsPath: string): string;
}

/** Windows-only launch options (SandboxSpawnOptions.windows). */
export interface WindowsSpawnOptions {
  /** Accept the restricted token's environment-only network block for a restricted network. */
  acceptAdvisoryNetworkBlock?: boolean;
  /** Restricted token: remove the plan's ACEs once the command's job is closed. */
  revertAcesAfterRun?: boolean;
  /** The elevated backend's state directory; default `%USERPROFILE%\.codex`. */
  codexHome?: string;
  /** Default: this installation's executables, run directly (tests pass a Wine runner). */
  runner?: WindowsRunner;
}

export interface WindowsLaunchInput {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdio: StdioOptions | undefined;
  backend: BackendChoice;
  windows: WindowsSpawnOptions;
}

export interface WindowsLaunch {
  plan: WindowsPlan;
  /** Denial hints read POSIX error messages; a Windows run has none. */
  resolved: null;
  child: ChildProcess;
}

const HELPER = 'codex-sandbox-helper.exe';
const SETUP = 'codex-sandbox-setup.exe';

function nativeRunner(): WindowsRunner {
  return { dir: windowsExecutablesDir(), launcher: [], toWindowsPath: (p) => p, toHostPath: (p) => p };
}

/** The planner's host view, asked through the runner's path mapping. */
function mappedHostView(runner: WindowsRunner): WindowsHostView {
  const host = nodeWindowsHostView();
  return {
    finalPath: (p) => {
      const found = host.finalPath(runner.toHostPath(p));
      return found === undefined ? undefined : runner.toWindowsPath(found);
    },
    kind: (p) => host.kind(runner.toHostPath(p)),
    listDir: (p) => host.listDir(runner.toHostPath(p)),
    readText: (p) => host.readText(runner.toHostPath(p)),
  };
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

function command(runner: WindowsRunner, exe: string, args: string[]): [string, string[]] {
  const path = join(runner.dir, exe);
  return runner.launcher.length === 0 ? [path, args] : [runner.launcher[0], [...runner.launcher.slice(1), path, ...args]];
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
}

/**
 * Why the elevated backend cannot run yet, or null when setup was done for this plan: the marker
 * setup writes last (native/windows/setup-main.cc) must name this version, these accounts and
 * the firewall inputs the offline account's rules were made from.
 */
export function setupMarkerProblem(plan: WindowsElevatedPlan, markerText: string | undefined): string | null {
  if (markerText === undefined) return 'setup has not been run (no setup marker)';
  const fields = new Map(markerText.split(/\r?\n/).filter((l) => l !== '').map((l) => {
    const [key, ...rest] = l.split('\t');
    return [key, rest] as const;
  }));
  const want: [string, string[]][] = [
    ['version', [String(WINDOWS_SETUP_VERSION)]],
    ['offline', [plan.accounts.offline]],
    ['online', [plan.accounts.online]],
    ['allow_local_binding', [plan.firewall.allowLocalBinding ? '1' : '0']],
    ['proxy_ports', plan.firewall.proxyPorts.map(String)],
  ];
  for (const [key, value] of want) {
    const have = fields.get(key);
    if (have === undefined || have.join('\t') !== value.join('\t')) {
      return `setup marker has ${key} ${have === undefined ? '(missing)' : JSON.stringify(have.join(' '))}, this plan needs ${JSON.stringify(value.join(' '))}`;
    }
  }
  return null;
}

function readMarker(runner: WindowsRunner, plan: WindowsElevatedPlan): string | undefined {
  try {
    return readFileSync(runner.toHostPath(`${plan.stateDirs.sandbox}\\setup_marker.txt`), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Elevated backend, before each command: setup must have provisioned the accounts (elevated,
 * once), and `--refresh-only` then applies this plan's ACLs without elevation (B5.2).
 */
function refreshElevatedSetup(plan: WindowsElevatedPlan, runner: WindowsRunner, env: NodeJS.ProcessEnv): void {
  const problem = setupMarkerProblem(plan, readMarker(runner, plan));
  if (problem !== null) {
    throw new BackendUnavailableError(
      `Windows sandbox setup is missing or out of date: ${problem}; run \`codex-sandbox windows-setup\` with the same policy options from an elevated prompt`,
      { details: { backend: plan.backend, stateDir: plan.stateDirs.sandbox } },
    );
  }
  const [program, args] = command(runner, SETUP, ['--request-stdin', '--refresh-only']);
  const result = spawnSync(program, args, { input: plan.setupRequest, env, encoding: 'utf8', windowsHide: true });
  if (result.error !== undefined || result.status !== 0) {
    const why = result.error?.message ?? (firstLine(result.stderr) || `exit status ${String(result.status)}`);
    throw new SpawnError(`the Windows sandbox ACL refresh (${SETUP} --refresh-only) failed: ${why}; run \`codex-sandbox doctor\``, {
      value: program,
      details: { status: result.status },
    });
  }
}

/**
 * The runner's stdin is always a pipe, because the request goes first; the caller's choice
 * decides what follows it. Other stdio forms cannot be spliced behind the request.
 */
function stdinMode(stdio: StdioOptions | undefined): { stdio: StdioOptions; stdin: 'pipe' | 'ignore' | 'inherit' } {
  const list = stdio === undefined ? ['ignore', 'pipe', 'pipe'] : typeof stdio === 'string' ? [stdio, stdio, stdio] : [...stdio];
  const first = list[0] ?? 'ignore';
  if (list.length > 3) throw new UsageError('a Windows sandboxed command gets only stdin, stdout and stderr; pass at most three stdio entries', { value: stdio });
  if (first !== 'pipe' && first !== 'ignore' && first !== 'inherit') {
    throw new UsageError(`stdin ${String(first)} cannot follow the runner's request on Windows; use 'pipe', 'inherit' or 'ignore'`, { value: first });
  }
  return { stdio: ['pipe', list[1] ?? 'ignore', list[2] ?? 'ignore'] as StdioOptions, stdin: first };
}

function feedRequest(child: ChildProcess, request: string, stdin: 'pipe' | 'ignore' | 'inherit'): void {
  const pipe = child.stdin;
  if (pipe === null) return;
  // A runner that dies early closes the pipe; its exit status says why, not an EPIPE.
  pipe.on('error', () => undefined);
  if (stdin === 'ignore') {
    pipe.end(request);
    return;
  }
  pipe.write(request);
  if (stdin === 'inherit') {
    process.stdin.pipe(pipe);
    child.once('exit', () => {
      process.stdin.unpipe(pipe);
      process.stdin.pause();
    });
  }
}

/**
 * A runner ended by TerminateProcess (a timeout, an abort, stopSandbox) could not revoke the
 * ACEs the plan marks temporary; its job is gone, so nothing of the command still uses them.
 */
function revokeAfterTermination(plan: WindowsPlan, runner: WindowsRunner, env: NodeJS.ProcessEnv): void {
  if (plan.backend !== 'windows-token' || plan.revertAfterExit.length === 0) return;
  const [program, args] = command(runner, HELPER, ['--revert-request-stdin']);
  const result = spawnSync(program, args, { input: plan.runnerRequest, env, encoding: 'utf8', windowsHide: true });
  if (result.status !== 0) process.emitWarning(`codex-sandbox: revoking the run's temporary ACEs failed: ${firstLine(result.stderr ?? '') || String(result.error)}`);
}

/** Plans `command` for Windows and starts the runner; refusals are the planner's typed errors. */
export function startWindowsPlan(commandArgv: string[], policyInput: unknown, input: WindowsLaunchInput): WindowsLaunch {
  const runner = input.windows.runner ?? nativeRunner();
  const env = stringEnv(input.env);
  const { stdio, stdin } = stdinMode(input.stdio);
  const plan = planSandbox(policyInput, {
    platform: 'windows',
    cwd: runner.toWindowsPath(input.cwd),
    env,
    backend: input.backend,
    command: commandArgv,
    windows: {
      helperDir: runner.toWindowsPath(runner.dir),
      host: mappedHostView(runner),
      ...(input.windows.codexHome === undefined ? {} : { codexHome: input.windows.codexHome }),
      ...(input.windows.acceptAdvisoryNetworkBlock === undefined ? {} : { acceptAdvisoryNetworkBlock: input.windows.acceptAdvisoryNetworkBlock }),
      ...(input.windows.revertAcesAfterRun === undefined ? {} : { revertAcesAfterRun: input.windows.revertAcesAfterRun }),
    },
  }) as WindowsPlan;
  if (plan.backend === 'windows-elevated') refreshElevatedSetup(plan, runner, input.env);
  const [program, args] = command(runner, HELPER, ['--request-stdin']);
  let child: ChildProcess;
  try {
    child = spawn(program, args, { cwd: input.cwd, env: input.env, stdio, windowsHide: true });
  } catch (err) {
    throw new SpawnError(`failed to start ${program}: ${(err as Error).message}`, { value: program, cause: err });
  }
  feedRequest(child, plan.runnerRequest, stdin);
  child.once('exit', (_code, signal) => {
    if (signal !== null) revokeAfterTermination(plan, runner, input.env);
  });
  return { plan, resolved: null, child };
}
