// spawn/windows-launch: starts Windows plans (issue #17). Plans with the Windows planner, hands
// the rendered request to the runner (codex-sandbox-helper.exe) on its stdin ahead of the
// command's own input, refreshes the elevated backend's ACLs first, and revokes a terminated
// runner's temporary ACEs. Stopping is TerminateProcess on the runner: its kill-on-close job
// then ends every process of the command (docs/platforms/windows.md "Launch").
//
// Everything that touches the host goes through a WindowsRunner, so the same code runs on
// Windows (the identity runner) and on Linux under Wine, where the tests drive it.
import type { ChildProcess, StdioOptions } from 'node:child_process';

import { SpawnError, UnsupportedPolicyError, UsageError } from '../errors';
import type { BackendChoice } from '../platform/common/types';
import type { WindowsElevatedPlan, WindowsPlan } from '../platform/windows/plan-types';
import { prepareLaunch } from './prepare-launch';
import { refreshElevatedSetup, SETUP_PLAN_COMMAND } from './windows-setup';
import { firstOutputLine, HELPER_EXE, nativeWindowsRunner, runnerCommand, runnerHostView, type WindowsRunner } from './windows-runner';

/** node:child_process on first use: a Linux run that becomes the sandbox never loads it (docs/benchmarks.md#start-up). */
const childProcess = (): typeof import('node:child_process') => require('node:child_process') as typeof import('node:child_process');

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

export interface WindowsLaunchInput extends WindowsPlanInput {
  stdio: StdioOptions | undefined;
}

export interface WindowsLaunch {
  plan: WindowsPlan;
  /** Denial hints read POSIX error messages; a Windows run has none. */
  resolved: null;
  child: ChildProcess;
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

export interface WindowsPlanInput {
  /** The command's working directory on this host. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  backend: BackendChoice;
  windows: WindowsSpawnOptions;
}

/** The Windows plan for `command` as `runner` will run it; refusals are the planner's typed errors. */
export function planWindowsLaunch(commandArgv: string[], policyInput: unknown, input: WindowsPlanInput, runner: WindowsRunner): WindowsPlan {
  const w = input.windows;
  return prepareLaunch(
    { input: policyInput },
    {
      platform: 'windows',
      cwd: runner.toWindowsPath(input.cwd),
      env: stringEnv(input.env),
      backend: input.backend,
      command: commandArgv,
      windows: {
        helperDir: runner.toWindowsPath(runner.dir),
        host: runnerHostView(runner),
        ...(w.codexHome === undefined ? {} : { codexHome: w.codexHome }),
        ...(w.acceptAdvisoryNetworkBlock === undefined ? {} : { acceptAdvisoryNetworkBlock: w.acceptAdvisoryNetworkBlock }),
        ...(w.revertAcesAfterRun === undefined ? {} : { revertAcesAfterRun: w.revertAcesAfterRun }),
      },
    },
  ).plan;
}

/**
 * The elevated plan whose setup request provisions the machine for `policyInput` (windows-setup,
 * doctor). A forced backend is never substituted, so the planner returns this backend's plan or
 * refuses.
 */
export function planElevatedSetup(policyInput: unknown, input: Pick<WindowsPlanInput, 'cwd' | 'env'>, runner: WindowsRunner): WindowsElevatedPlan {
  const plan = planWindowsLaunch(SETUP_PLAN_COMMAND, policyInput, { ...input, backend: 'windows-elevated', windows: {} }, runner);
  if (plan.backend !== 'windows-elevated')
    throw new UnsupportedPolicyError(`the ${plan.backend} backend has no elevated setup; use --backend windows-elevated`, { value: plan.backend });
  return plan;
}

/**
 * The runner's stdin is always a pipe, because the request goes first; the caller's choice
 * decides what follows it. Other stdio forms cannot be spliced behind the request.
 */
function stdinMode(stdio: StdioOptions | undefined): { stdio: StdioOptions; stdin: 'pipe' | 'ignore' | 'inherit' } {
  const list = stdio === undefined ? ['ignore', 'pipe', 'pipe'] : typeof stdio === 'string' ? [stdio, stdio, stdio] : [...stdio];
  // An empty entry among the first three is a pipe, as child_process reads it.
  const first = list[0] ?? 'pipe';
  if (list.length > 3) throw new UsageError('a Windows sandboxed command gets only stdin, stdout and stderr; pass at most three stdio entries', { value: stdio });
  if (first !== 'pipe' && first !== 'ignore' && first !== 'inherit') {
    throw new UsageError(`stdin ${String(first)} cannot follow the runner's request on Windows; use 'pipe', 'inherit' or 'ignore'`, { value: first });
  }
  return { stdio: ['pipe', list[1] ?? 'pipe', list[2] ?? 'pipe'] as StdioOptions, stdin: first };
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
  const [program, args] = runnerCommand(runner, HELPER_EXE, ['--revert-request-stdin']);
  const result = childProcess().spawnSync(program, args, { input: plan.runnerRequest, env, encoding: 'utf8', windowsHide: true });
  if (result.status !== 0) process.emitWarning(`codex-sandbox: revoking the run's temporary ACEs failed: ${firstOutputLine(result.stderr) || String(result.error)}`);
}

/** Plans `command` for Windows and starts the runner; refusals are the planner's typed errors. */
export function startWindowsPlan(commandArgv: string[], policyInput: unknown, input: WindowsLaunchInput): WindowsLaunch {
  const runner = input.windows.runner ?? nativeWindowsRunner();
  const { stdio, stdin } = stdinMode(input.stdio);
  const plan = planWindowsLaunch(commandArgv, policyInput, input, runner);
  if (plan.backend === 'windows-elevated') refreshElevatedSetup(plan, runner, input.env);
  const [program, args] = runnerCommand(runner, HELPER_EXE, ['--request-stdin']);
  let child: ChildProcess;
  try {
    child = childProcess().spawn(program, args, { cwd: input.cwd, env: input.env, stdio, windowsHide: true });
  } catch (err) {
    throw new SpawnError(`failed to start ${program}: ${(err as Error).message}`, { value: program, cause: err });
  }
  feedRequest(child, plan.runnerRequest, stdin);
  child.once('exit', (_code, signal) => {
    if (signal !== null) revokeAfterTermination(plan, runner, input.env);
  });
  return { plan, resolved: null, child };
}
