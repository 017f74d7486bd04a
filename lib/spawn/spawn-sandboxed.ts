// spawn/spawn-sandboxed: the only place that starts sandboxed processes. Resolves the policy,
// plans, prepares host mount targets, and spawns bwrap or the helper directly (never a Node
// process: start-up cost is the budget); Windows plans go to windows-launch.ts. stopSandbox, a
// timeout or an abort ends every process of the sandbox.
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, statSync } from 'node:fs';

import { BackendUnavailableError, SpawnError, UsageError } from '../errors';
import type { BackendChoice, BackendName, Capabilities } from '../platform/common/types';
import type { LinuxPlan } from '../platform/linux/plan';
import { SEATBELT_UNAVAILABLE_MESSAGE, type SeatbeltPlan } from '../platform/macos/plan-macos';
import type { SandboxPlan } from '../platform/plan-sandbox';
import type { ResolvedPolicy } from '../policy/types';
import { trackHostPrep } from './host-prep';
import { prepareLaunch, type PreparedLaunch } from './prepare-launch';
import { startWindowsPlan, type WindowsLaunch, type WindowsSpawnOptions } from './windows-launch';

export interface SandboxSpawnOptions {
  /** The command's working directory and the policy cwd (default: process.cwd()). */
  cwd?: string;
  /**
   * The policy: a PermissionProfile (wire JSON object or text), any other form parsePolicyInput
   * accepts (legacy SandboxPolicy, ...), or an already-parsed SandboxPolicy.
   */
  permissionProfile: unknown;
  /** Default: process.env. CODEX_SANDBOX_NETWORK_DISABLED=1 is added when the network is restricted. */
  env?: NodeJS.ProcessEnv;
  stdio?: StdioOptions;
  signal?: AbortSignal;
  timeoutMs?: number;
  backend?: BackendChoice;
  /** Override the probed capabilities (tests). */
  capabilities?: Capabilities;
  /** The platform whose backend runs the command; default: this host's. Tests use it to reach the macOS and Windows paths. */
  platform?: 'linux' | 'macos' | 'windows';
  /** Windows only: the advisory network block, temporary ACEs, the state directory, the runner. */
  windows?: WindowsSpawnOptions;
}

export interface StartedSandbox {
  child: ChildProcess;
  plan: SandboxPlan;
  /** Null on Windows, whose planner resolves paths its own way (denial hints are POSIX-only). */
  resolved: ResolvedPolicy | null;
  /** Set when the run was ended by timeoutMs or the AbortSignal. */
  ended: { timedOut: boolean; aborted: boolean };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function checkCommand(command: unknown): string[] {
  if (!Array.isArray(command) || command.length === 0 || command.some((a) => typeof a !== 'string')) {
    throw new UsageError(`invalid command ${JSON.stringify(command)}; pass a non-empty array of strings (program first)`, { value: command });
  }
  if (command.some((a: string) => a.includes('\0'))) throw new UsageError('invalid command: an argument contains a NUL byte', { value: command });
  return command as string[];
}

function normalizeStdio(stdio: StdioOptions | undefined): (string | number | null | undefined | object)[] {
  if (stdio === undefined) return ['ignore', 'pipe', 'pipe'];
  if (typeof stdio === 'string') return [stdio, stdio, stdio];
  return [...stdio];
}

/**
 * child_process.spawn, required on first use: the drop-in replaces itself with the sandbox
 * instead (exec-plan.ts) and must not pay about 4 ms to load child_process (docs/benchmarks.md).
 */
function spawnChild(...args: Parameters<typeof import('node:child_process').spawn>): ChildProcess {
  return (require('node:child_process') as typeof import('node:child_process')).spawn(...args);
}

/** The backend each started sandbox runs, so stopping it uses the right signal. */
const backends = new WeakMap<ChildProcess, BackendName>();

/**
 * Ends every process of a sandbox. bwrap and the helper's own namespaces: SIGKILL to the process
 * outside the PID namespace, whose death kills PID 1 (PR_SET_PDEATHSIG), and the namespace's end
 * takes everything inside with it. The helper (Landlock, seccomp): SIGUSR1, which its reaper turns
 * into killing every descendant (a SIGKILL to the helper could leave grandchildren behind).
 * Seatbelt: SIGKILL to the sandbox's process group (macOS has neither a PID namespace nor our
 * reaper, so a descendant that left the group with setsid() survives; docs/platforms/macos.md).
 * Windows: TerminateProcess on the runner (what SIGKILL means there), which closes its
 * kill-on-close job and so ends every process of the command.
 */
export function stopSandbox(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const backend = backends.get(child);
  if (backend === 'seatbelt') {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
    return;
  }
  const windows = backend === 'windows-token' || backend === 'windows-elevated';
  child.kill(backend === 'bwrap' || backend === 'namespaces' || windows ? 'SIGKILL' : 'SIGUSR1');
}

/** The platform whose sandbox runs commands on this host, or a refusal naming what is missing. */
function hostPlatform(): 'linux' | 'macos' | 'windows' {
  if (process.platform === 'linux') return 'linux';
  if (process.platform === 'darwin') return 'macos';
  if (process.platform === 'win32') return 'windows';
  throw new BackendUnavailableError(`running sandboxed commands is not available on ${process.platform}: codex-sandbox has backends for Linux, macOS and Windows only`, {
    details: { platform: process.platform },
  });
}

/**
 * Starts a Seatbelt plan: its argv as is, in a process group of its own so stopping it reaches
 * the command's children, with inherited sandbox markers replaced by the plan's.
 */
function spawnSeatbeltPlan(plan: SeatbeltPlan, opts: PlanSpawnOptions & { env: NodeJS.ProcessEnv }): ChildProcess {
  // sandbox-exec exists only on macOS; elsewhere a Seatbelt plan can be shown, never run.
  if (process.platform !== 'darwin') throw new BackendUnavailableError(SEATBELT_UNAVAILABLE_MESSAGE, { details: { platform: process.platform } });
  const env: NodeJS.ProcessEnv = { ...opts.env };
  delete env.CODEX_SANDBOX;
  delete env.CODEX_SANDBOX_NETWORK_DISABLED;
  let child: ChildProcess;
  try {
    child = spawnChild(plan.argv[0], plan.argv.slice(1), { cwd: opts.cwd, env: { ...env, ...plan.env }, stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'], detached: true });
  } catch (err) {
    throw new SpawnError(`failed to start ${plan.argv[0]}: ${(err as Error).message}`, { value: plan.argv[0], cause: err });
  }
  backends.set(child, 'seatbelt');
  return child;
}

export interface PlanSpawnOptions {
  cwd: string;
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv | undefined;
  stdio?: StdioOptions;
}

/**
 * Starts an already-built Linux plan: checks its program, provides its inherited descriptors,
 * tracks its host mount targets (removed when the child exits) and spawns it. For callers that
 * plan themselves (codex-linux-sandbox); others use spawnSandboxed.
 */
export function spawnPlan(plan: LinuxPlan, opts: PlanSpawnOptions): ChildProcess {
  const program = plan.argv[0];
  try {
    accessSync(program, constants.X_OK);
  } catch (err) {
    throw new SpawnError(`cannot execute ${program} for the ${plan.backend} backend: ${(err as NodeJS.ErrnoException).code ?? String(err)}; run \`codex-sandbox doctor\``, {
      value: program,
      cause: err,
    });
  }

  const stdio = normalizeStdio(opts.stdio);
  const fds: number[] = [];
  if (plan.backend === 'bwrap') {
    for (const want of plan.fds) {
      while (stdio.length < want.fd) stdio.push('ignore');
      const fd = openSync(want.path, 'r');
      fds.push(fd);
      stdio[want.fd] = fd;
    }
  }
  const cleanup = trackHostPrep(plan.hostPrep);
  let child: ChildProcess;
  try {
    child = spawnChild(program, plan.argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env,
      stdio: stdio as StdioOptions,
      // Not detached: setsid() in the child costs libuv its fast spawn path (~4 ms here). bwrap's
      // --die-with-parent and PID namespace, and the helper's reaper, end the whole sandbox.
    });
  } catch (err) {
    cleanup();
    throw new SpawnError(`failed to start ${program}: ${(err as Error).message}`, { value: program, cause: err });
  } finally {
    // The child holds its own copies now.
    for (const fd of fds) closeSync(fd);
  }

  backends.set(child, plan.backend);
  child.once('exit', cleanup);
  child.once('error', cleanup);
  return child;
}

/** Plans and starts; the building block of spawnSandboxed and runSandboxed. */
export function startSandboxed(commandInput: string[], opts: SandboxSpawnOptions): StartedSandbox {
  const command = checkCommand(commandInput);
  if (opts === undefined || opts.permissionProfile === undefined) {
    throw new UsageError('no policy given: pass permissionProfile (a PermissionProfile, legacy SandboxPolicy or SandboxPolicy)', { path: ['permissionProfile'] });
  }
  const cwd = opts.cwd ?? process.cwd();
  // spawn() reports a missing cwd as ENOENT of the program, which would blame bwrap or the
  // helper, and the CLI used to exit 125 without a word (docs/security.md G9): say what it is.
  if (!isDirectory(cwd)) {
    throw new SpawnError(`working directory ${cwd} does not exist or is not a directory; pass an existing cwd (--cwd)`, { value: cwd });
  }
  if (opts.signal?.aborted) throw new SpawnError('the AbortSignal was already aborted; nothing was started', { details: { aborted: true } });
  if (opts.timeoutMs !== undefined && (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs < 0)) {
    throw new UsageError(`invalid timeoutMs ${opts.timeoutMs}; pass milliseconds >= 0`, { value: opts.timeoutMs });
  }
  const platform = opts.platform ?? hostPlatform();
  const spawnOpts: PlanSpawnOptions = { cwd, env: opts.env, ...(opts.stdio === undefined ? {} : { stdio: opts.stdio }) };

  let planned: PreparedLaunch | WindowsLaunch;
  let child: ChildProcess;
  if (platform === 'windows') {
    planned = startWindowsPlan(command, opts.permissionProfile, {
      cwd,
      env: opts.env ?? process.env,
      stdio: opts.stdio,
      backend: opts.backend ?? 'auto',
      windows: opts.windows ?? {},
    });
    child = planned.child;
    backends.set(child, planned.plan.backend);
  } else if (platform === 'macos') {
    planned = prepareLaunch({ input: opts.permissionProfile }, { platform, cwd, command, backend: opts.backend ?? 'auto' });
    child = spawnSeatbeltPlan(planned.plan, { ...spawnOpts, env: opts.env ?? process.env });
  } else {
    planned = prepareLaunch(
      { input: opts.permissionProfile },
      { platform, cwd, command, backend: opts.backend ?? 'auto', ...(opts.capabilities === undefined ? {} : { capabilities: opts.capabilities }) },
    );
    child = spawnPlan(planned.plan, spawnOpts);
  }
  const { plan, resolved } = planned;
  const ended = { timedOut: false, aborted: false };
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    ended.aborted = true;
    stopSandbox(child);
  };
  if (opts.timeoutMs !== undefined) {
    timer = setTimeout(() => {
      ended.timedOut = true;
      stopSandbox(child);
    }, opts.timeoutMs);
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const finish = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  };
  child.once('exit', finish);
  child.once('error', finish);
  return { child, plan, resolved, ended };
}

/**
 * Starts `command` in the sandbox and returns the ChildProcess (bwrap or the helper; on Windows
 * the runner, codex-sandbox-helper.exe). Its exit status is the command's; host mount targets are
 * removed when it exits.
 */
export function spawnSandboxed(command: string[], opts: SandboxSpawnOptions): ChildProcess {
  return startSandboxed(command, opts).child;
}
