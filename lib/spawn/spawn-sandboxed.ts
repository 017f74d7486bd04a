// spawn/spawn-sandboxed: the only place that starts sandboxed processes. Resolves the policy,
// plans, prepares host mount targets, and spawns bwrap or the helper directly (never a Node
// process: start-up cost is the budget); Windows plans go to windows-launch.ts. stopSandbox, a
// timeout or an abort ends every process of the sandbox.
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';

import { BackendUnavailableError, SpawnError, UsageError } from '../errors';
import { applyEnvPolicy, DEFAULT_ENV_POLICY, type EnvPolicy, parseEnvPolicy } from '../policy/env-policy';
import type { PolicyInput } from '../policy/wire-types';
import type { BackendChoice, BackendName, Capabilities } from '../platform/common/types';
import type { LinuxPlan } from '../platform/linux/plan';
import { SEATBELT_UNAVAILABLE_MESSAGE, type SeatbeltPlan } from '../platform/macos/plan-macos';
import type { SandboxPlan } from '../platform/plan-sandbox';
import { nodeHost } from '../policy/node-host';
import type { ResolvedPolicy } from '../policy/types';
import type { NetworkProxy, ProxyLease } from '../network/proxy';
import type { ProxyEndpoints } from '../platform/common/proxy-env';
import { onAbort } from './abort-fanout';
import { type Denial, DenialLineCollector } from './denials';
import { execPlan, runInPlaceForm } from './exec-plan';
import { pruneDeadHostPrep, trackHostPrep } from './host-prep';
import { prepareLaunch, type PreparedLaunch } from './prepare-launch';
import { bindProxyLease } from './proxy-lease';
import { checkKillOptions, DEFAULT_FORCE_KILL_AFTER_MS, normalizeExit, signalCommand, type StopRecord } from './sandbox-stop';
import { startWindowsPlan, type WindowsLaunch, type WindowsSpawnOptions } from './windows-launch';

export interface SandboxSpawnOptions {
  /** The command's working directory and the policy cwd (default: process.cwd()). */
  cwd?: string;
  /**
   * The policy, in any form parsePolicyInput reads: a built-in name ('read-only',
   * 'workspace-write', 'danger-full-access'), the short form `{ sandbox, writableRoots, network }`,
   * a PermissionProfile or legacy SandboxPolicy wire form (object or JSON text), or a typed
   * SandboxPolicy (builtinPolicy()).
   */
  policy?: PolicyInput;
  /**
   * @deprecated The earlier name of `policy`, still accepted (typed `unknown`, as it was, so
   * existing callers compile); pass one of the two.
   */
  permissionProfile?: unknown;
  /**
   * The environment the policy filters. Default: process.env, under DEFAULT_ENV_POLICY (names
   * matching *KEY*, *SECRET*, *TOKEN* dropped). An `env` given without an `envPolicy` is passed
   * as is. CODEX_SANDBOX_NETWORK_DISABLED=1 is added when the network is restricted.
   */
  env?: NodeJS.ProcessEnv;
  /** Which variables of `env` reach the command (docs/security.md#environment). */
  envPolicy?: EnvPolicy;
  stdio?: StdioOptions;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * The signal a timeout or an abort sends the command first (default SIGKILL: no grace).
   * SIGTERM, SIGINT, SIGHUP or SIGQUIT; the sandbox is ended with SIGKILL `forceKillAfterMs` later.
   */
  killSignal?: NodeJS.Signals;
  /** The grace period after killSignal (default 5000 ms). */
  forceKillAfterMs?: number;
  backend?: BackendChoice;
  /** Override the probed capabilities (tests). */
  capabilities?: Capabilities;
  /** The platform whose backend runs the command; default: this host's. Tests use it to reach the macOS and Windows paths. */
  platform?: 'linux' | 'macos' | 'windows';
  /** Windows only: the advisory network block, temporary ACEs, the state directory, the runner. */
  windows?: WindowsSpawnOptions;
  /**
   * A proxied network: the proxy runSandboxed leases from. Default: the process-wide proxy,
   * started by the first proxied sandbox and ended with the last one.
   */
  proxy?: NetworkProxy;
  /**
   * spawnSandboxed with a proxied network: a lease from `proxy.attach(network)` (see
   * prepareProxyLease); the caller releases it once the child has exited.
   */
  proxyLease?: ProxyLease;
}

export interface StartedSandbox {
  child: ChildProcess;
  plan: SandboxPlan;
  /** Null on Windows, whose planner resolves paths its own way (denial hints are POSIX-only). */
  resolved: ResolvedPolicy | null;
  /** Set when the run was ended by timeoutMs or the AbortSignal, with the signals it was sent. */
  ended: StopRecord;
}

/** How a sandbox ended, reported the same on every backend (sandbox-stop.ts). */
export interface SandboxOutcome {
  /** The command's exit status; null when the sandbox was stopped and died of the signal sent. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** Denials found in the piped stderr (none when stderr was not a pipe). */
  denials: Denial[];
  plan: SandboxPlan;
}

/** What spawnSandboxed returns: the ChildProcess, with the sandbox's own facts. */
export interface SandboxChildProcess extends ChildProcess {
  readonly sandboxPlan: SandboxPlan;
  /**
   * Settles once the sandbox has exited (and its stderr ended). Rejects with a SpawnError when it
   * could not start; unobserved, that rejection is not reported as unhandled.
   */
  readonly sandboxOutcome: Promise<SandboxOutcome>;
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

/**
 * Linux refuses to exec a program path of PATH_MAX (4096) bytes or more, or with a component over
 * NAME_MAX (255), with ENAMETOOLONG: said here, as a refusal of ours, rather than by the helper
 * from inside the sandbox.
 */
function checkLinuxProgram(program: string): void {
  const bytes = Buffer.byteLength(program);
  const longest = Math.max(...program.split('/').map((part) => Buffer.byteLength(part)));
  if (bytes < 4096 && longest <= 255) return;
  const shown = program.length > 60 ? `${program.slice(0, 60)}...` : program;
  throw new UsageError(
    `invalid command: the program name "${shown}" is ${bytes} bytes with a ${longest}-byte component; Linux runs names of up to 4095 bytes and 255 per component`,
    { value: shown },
  );
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
function checkProgram(plan: LinuxPlan): void {
  const program = plan.argv[0];
  try {
    accessSync(program, constants.X_OK);
  } catch (err) {
    throw new SpawnError(`cannot execute ${program} for the ${plan.backend} backend: ${(err as NodeJS.ErrnoException).code ?? String(err)}; run \`codex-sandbox doctor\``, {
      value: program,
      cause: err,
    });
  }
}

export function spawnPlan(plan: LinuxPlan, opts: PlanSpawnOptions): ChildProcess {
  const program = plan.argv[0];
  checkProgram(plan);

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

/**
 * Seatbelt has no network namespace to relay from: its profile allows the proxy's own loopback
 * ports, so the plan is made with the lease's ports (a plan per lease, not a placeholder).
 */
function seatbeltProxy(lease: ProxyLease | undefined): { proxy?: ProxyEndpoints } {
  return lease === undefined
    ? {}
    : { proxy: { socketDir: lease.socketDir, httpSocket: lease.httpSocket, socksSocket: lease.socksSocket, ...(lease.tcp === undefined ? {} : { tcp: lease.tcp }) } };
}

/** The caller's policy under either option name. */
function policyOption(opts: SandboxSpawnOptions | undefined): PolicyInput {
  if (opts === null || typeof opts !== 'object') throw new UsageError('no options given: pass { policy, cwd, ... }', { value: opts });
  if (opts.policy !== undefined && opts.permissionProfile !== undefined) {
    throw new UsageError('both policy and permissionProfile given; pass policy only (permissionProfile is its earlier name)', { path: ['permissionProfile'] });
  }
  const policy = opts.policy ?? (opts.permissionProfile as PolicyInput | undefined);
  if (policy === undefined) {
    throw new UsageError("no policy given: pass policy (a built-in name such as 'workspace-write', { sandbox, writableRoots, network }, or a PermissionProfile)", {
      path: ['policy'],
    });
  }
  return policy;
}

/** The command's environment: `env` (default process.env) under the environment policy. */
function commandEnv(opts: SandboxSpawnOptions): NodeJS.ProcessEnv {
  if (opts.envPolicy !== undefined) return applyEnvPolicy(opts.env ?? process.env, parseEnvPolicy(opts.envPolicy));
  return opts.env ?? applyEnvPolicy(process.env, DEFAULT_ENV_POLICY);
}

/** A launch as checkedLaunch leaves it: what startChecked and execSandboxedIfAlone start from. */
interface CheckedLaunch {
  command: string[];
  opts: SandboxSpawnOptions;
  cwd: string;
  platform: 'linux' | 'macos' | 'windows';
}

/** The caller's command and options checked, with the policy under one name and the env filtered. */
function checkedLaunch(commandInput: string[], callerOpts: SandboxSpawnOptions): CheckedLaunch {
  const command = checkCommand(commandInput);
  // One spelling from here on: the launch below reads the policy from `permissionProfile` and
  // the command's environment, already filtered, from `env`.
  const opts: SandboxSpawnOptions = { ...callerOpts, permissionProfile: policyOption(callerOpts), env: commandEnv(callerOpts) };
  checkKillOptions(opts.killSignal, opts.forceKillAfterMs);
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
  if (platform === 'linux') checkLinuxProgram(command[0]!);
  return { command, opts, cwd, platform };
}

type LinuxLaunch = Extract<PreparedLaunch, { platform: 'linux' }>;

/** The Linux launch of `command` under `opts` (checkedLaunch's), planned through the memo. */
function linuxLaunch(command: string[], opts: SandboxSpawnOptions, cwd: string): LinuxLaunch {
  return prepareLaunch(
    { input: opts.permissionProfile },
    { platform: 'linux', cwd, command, backend: opts.backend ?? 'auto', ...(opts.capabilities === undefined ? {} : { capabilities: opts.capabilities }) },
  );
}

/** Checks, plans and starts; the building block of spawnSandboxed and runSandboxed. */
export function startSandboxed(commandInput: string[], callerOpts: SandboxSpawnOptions): StartedSandbox {
  return startChecked(checkedLaunch(commandInput, callerOpts));
}

/** Plans and starts a checked launch; `prepared` is its Linux plan when already made (execSandboxedIfAlone's). */
function startChecked({ command, opts, cwd, platform }: CheckedLaunch, prepared?: LinuxLaunch): StartedSandbox {
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
    planned = prepareLaunch({ input: opts.permissionProfile }, { platform, cwd, command, backend: opts.backend ?? 'auto', ...seatbeltProxy(opts.proxyLease) });
    planned = { ...planned, plan: bindProxyLease(planned.plan, opts.proxyLease, command.length) };
    child = spawnSeatbeltPlan(planned.plan, { ...spawnOpts, env: opts.env ?? process.env });
  } else {
    planned = prepared ?? linuxLaunch(command, opts, cwd);
    planned = { ...planned, plan: bindProxyLease(planned.plan, opts.proxyLease, command.length) };
    child = spawnPlan(planned.plan, spawnOpts);
  }
  const { plan, resolved } = planned;
  const ended: StopRecord = { timedOut: false, aborted: false, sent: new Set() };
  let timer: NodeJS.Timeout | undefined;
  let forceTimer: NodeJS.Timeout | undefined;
  const forceStop = (): void => {
    ended.sent.add('SIGKILL');
    stopSandbox(child);
  };
  const stop = (): void => {
    if (ended.sent.size > 0) return;
    const killSignal = opts.killSignal ?? 'SIGKILL';
    if (killSignal === 'SIGKILL' || !signalCommand(child, backends.get(child), killSignal)) {
      forceStop();
      return;
    }
    ended.sent.add(killSignal);
    forceTimer = setTimeout(forceStop, opts.forceKillAfterMs ?? DEFAULT_FORCE_KILL_AFTER_MS);
  };
  if (opts.timeoutMs !== undefined) {
    timer = setTimeout(() => {
      ended.timedOut = true;
      stop();
    }, opts.timeoutMs);
  }
  const unsubscribe =
    opts.signal === undefined
      ? undefined
      : onAbort(opts.signal, () => {
          ended.aborted = true;
          stop();
        });
  const finish = (): void => {
    clearTimeout(timer);
    clearTimeout(forceTimer);
    unsubscribe?.();
  };
  child.once('exit', finish);
  child.once('error', finish);
  return { child, plan, resolved, ended };
}

/**
 * `codex-sandbox run`'s short path: replaces this process with the sandbox, as the drop-in does,
 * when nothing needs the parent afterwards (no host mount targets, no proxy, no timeout or abort,
 * inherited stdio) and the exit status stays the one run's parent would report: the helper's
 * monitor with --exit-on-signal, or its reaper, exit 128+N where the parent would forward signal N
 * and exit 128+N (bwrap's monitor would die of it instead, so a bwrap plan is spawned). When
 * the launch must be spawned instead, returns how to spawn it (spawnSandboxed, with the plan made
 * here when it got that far).
 */
export function execSandboxedIfAlone(commandInput: string[], callerOpts: SandboxSpawnOptions): () => SandboxChildProcess {
  const spawnIt = (): SandboxChildProcess => spawnSandboxed(commandInput, callerOpts);
  if (hostPlatform() !== 'linux' || (callerOpts.platform ?? 'linux') !== 'linux' || callerOpts.stdio !== 'inherit') return spawnIt;
  if (callerOpts.proxyLease !== undefined || callerOpts.timeoutMs !== undefined || callerOpts.signal !== undefined) return spawnIt;
  const checked = checkedLaunch(commandInput, callerOpts);
  const { command, opts, cwd } = checked;
  const launch = linuxLaunch(command, opts, cwd);
  const { plan } = launch;
  const inPlace = runInPlaceForm(plan);
  if (inPlace === null) return () => handedOut(startChecked(checked, launch), callerOpts);
  checkProgram(plan);
  // spawnPlan's trackHostPrep prunes the registry of dead runs; this launch registers nothing.
  pruneDeadHostPrep();
  execPlan(inPlace, cwd, opts.env ?? process.env);
}

/** The outcome of a started sandbox, as the handle's `sandboxOutcome` and runSandboxed report it. */
export function outcomeOf(started: StartedSandbox, code: number | null, signal: NodeJS.Signals | null, denials: Denial[]): SandboxOutcome {
  const { timedOut, aborted } = started.ended;
  return { ...normalizeExit(code, signal, started.ended), timedOut, aborted, denials, plan: started.plan };
}

/**
 * Starts `command` in the sandbox and returns the ChildProcess (bwrap or the helper; on Windows
 * the runner, codex-sandbox-helper.exe). Its exit status is the command's; host mount targets are
 * removed when it exits.
 */
export function spawnSandboxed(command: string[], opts: SandboxSpawnOptions): SandboxChildProcess {
  return handedOut(startSandboxed(command, opts), opts);
}

/** A started sandbox as spawnSandboxed hands it out: stderr teed for denials, plan and outcome attached. */
function handedOut(started: StartedSandbox, opts: SandboxSpawnOptions): SandboxChildProcess {
  const { child, resolved } = started;
  const cwd = opts.cwd ?? process.cwd();
  const collector = new DenialLineCollector();
  // The caller owns child.stderr: a 'data' listener would start it flowing before the caller
  // reads, so stderr is handed on through a tee that keeps the caller's backpressure.
  const stderr = child.stderr === null ? null : teeStream(child.stderr, (chunk) => collector.push(chunk));
  if (stderr !== null) {
    Object.defineProperty(child, 'stderr', { value: stderr, configurable: true, enumerable: true });
    child.stdio[2] = stderr;
  }
  const outcome = new Promise<SandboxOutcome>((resolve, reject) => {
    child.once('error', (err) => reject(new SpawnError(`failed to run ${started.plan.argv[0]}: ${err.message}`, { value: started.plan.argv[0], cause: err })));
    child.once('close', (code, signal) => resolve(outcomeOf(started, code, signal, resolved === null ? [] : collector.denials(resolved, cwd, nodeHost()))));
  });
  outcome.catch(() => undefined);
  Object.defineProperty(child, 'sandboxPlan', { value: started.plan, enumerable: true });
  Object.defineProperty(child, 'sandboxOutcome', { value: outcome, enumerable: true });
  return child as SandboxChildProcess;
}

/** A readable that carries `source`'s data unchanged, calling `onData` for each chunk first. */
function teeStream(source: Readable, onData: (chunk: Buffer) => void): Readable {
  // Required here: a run that becomes the sandbox, or inherits stderr, never loads node:stream.
  const out = new (require('node:stream') as typeof import('node:stream')).PassThrough();
  source.on('data', (chunk: Buffer) => {
    onData(chunk);
    if (!out.write(chunk)) source.pause();
  });
  out.on('drain', () => source.resume());
  source.once('end', () => out.end());
  source.once('error', (err) => out.destroy(err));
  return out;
}
