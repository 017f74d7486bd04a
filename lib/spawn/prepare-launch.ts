// spawn/prepare-launch: the one path from a caller's policy to the plan that runs, shared by
// spawnSandboxed/runSandboxed, `codex-sandbox run` and `plan`, the codex-linux-sandbox drop-in
// and `doctor` (its probe). Parse, resolve, probe, choose the backend, check /proc for the
// backend that needs it, plan once with the mount-target registry hidden: so `plan --json`
// prints exactly the plan `run` executes. Linux and macOS plans are remembered between launches
// through PlanMemo when nothing they were built from has changed (plan-memo.ts,
// docs/platforms/linux.md "Plans reused between launches").
import type { ProxyEndpoints } from '../platform/common/proxy-env';
import type { BackendChoice, Capabilities, Platform } from '../platform/common/types';
import { bwrapUnavailableReason, chooseLinuxBackend, namespacesUnavailableReason, sandboxWritableDirs, type LinuxPlan } from '../platform/linux/plan';
import { probeCapabilities, probeCapabilitiesFresh } from '../platform/linux/probe';
import type { SeatbeltPlan } from '../platform/macos/plan-macos';
import { planResolved, planSandbox, resolveForPlatform, toSandboxPolicy, type PlanSandboxOptions } from '../platform/plan-sandbox';
import type { WindowsPlan } from '../platform/windows/plan-types';
import { nodeHost } from '../policy/node-host';
import type { Host, ResolvedPolicy } from '../policy/types';
import { hostPrepRegistryDir } from './host-prep';
import { jsonSnapshot, PlanMemo } from './plan-memo';
import { probeProcMount } from './proc-preflight';

/**
 * `mount`: either executor of the mount plan, the helper's own namespaces when they work here,
 * else bubblewrap; never Landlock (the drop-in's choice, where the reference runs bubblewrap).
 */
export type LaunchBackend = BackendChoice | 'mount';

export interface LaunchRequest {
  platform: Platform;
  /** The policy cwd (`:cwd`, project roots, protected `.codex`). */
  cwd: string;
  /** The command's logical working directory (default: the policy cwd). */
  commandCwd?: string;
  command: string[];
  backend: LaunchBackend;
  /** Capabilities to plan against instead of probing this machine (tests; planning elsewhere). */
  capabilities?: Capabilities;
  /**
   * The plan is for a machine other than this one (Linux planned on macOS): nothing is probed and
   * this host's mount-target registry is not masked, since it is not that machine's.
   */
  elsewhere?: true;
  /** No fresh /proc, whatever this machine allows (the drop-in's --no-proc). */
  noProc?: true;
  /** Variables for the child that the macOS and Windows planners fold into the plan. */
  env?: Record<string, string>;
  /** Windows: the runner's directory and host view (spawn/windows-launch.ts). */
  windows?: PlanSandboxOptions['windows'];
  /**
   * macOS with a proxied network: the leased proxy's loopback ports go into the profile. Linux
   * plans name placeholders instead, which spawn/proxy-lease.ts replaces per launch.
   */
  proxy?: ProxyEndpoints;
}

/** The policy as given (any form parsePolicyInput accepts), or already resolved by the caller. */
export type LaunchPolicy = { input: unknown } | { resolved: ResolvedPolicy };

export type PreparedLaunch =
  | { platform: 'linux'; plan: LinuxPlan; resolved: ResolvedPolicy }
  | { platform: 'macos'; plan: SeatbeltPlan; resolved: ResolvedPolicy }
  /** Windows resolves paths its own way; denial hints read POSIX messages, so there is none. */
  | { platform: 'windows'; plan: WindowsPlan; resolved: null };

type PosixLaunch = Exclude<PreparedLaunch, { platform: 'windows' }>;

/** One entry per policy, cwd and backend an agent uses; a miss costs only a fresh plan. */
const planMemo = new PlanMemo<PosixLaunch>(32);

/** The resolved policy of each input, for bwrap discovery before its plan is built. */
const resolvedMemo = new PlanMemo<ResolvedPolicy>(32);

function liveHost(): Host {
  // Made per launch, so a process.env the caller replaced is the one the host reads.
  return nodeHost();
}

function resolveInput(input: unknown, platform: 'linux' | 'macos', cwd: string, host: Host): ResolvedPolicy {
  return resolveForPlatform(toSandboxPolicy(input, cwd, host), platform, cwd, host);
}

/**
 * Where a sandbox of this policy could write (sandboxWritableDirs). Needed before planning:
 * probing bwrap runs it, so the probe must already skip a bwrap planted there (issue #20).
 * Remembered like plans, so a later launch pays only the re-checks of its host facts.
 */
function writableDirs(policy: LaunchPolicy, cwd: string): string[] {
  if ('resolved' in policy) return sandboxWritableDirs(policy.resolved);
  const snapshot = jsonSnapshot(policy.input);
  const host = liveHost();
  if (snapshot === undefined) return sandboxWritableDirs(resolveInput(policy.input, 'linux', cwd, host));
  return sandboxWritableDirs(resolvedMemo.get(`${snapshot}\0linux\0${cwd}`, host, (recording) => resolveInput(JSON.parse(snapshot), 'linux', cwd, recording)));
}

/** This machine's capabilities for a launch with `backend` of `policy`. */
function probeFor(policy: LaunchPolicy, backend: LaunchBackend, cwd: string): Capabilities {
  // Probing runs bwrap: never one this policy's sandbox could have written (issue #20).
  return probeCapabilities({ backend: backend === 'mount' ? 'namespaces' : backend, untrustedDirs: () => writableDirs(policy, cwd) });
}

/** The probe `doctor` reports: every backend's capabilities, and whether a fresh /proc mounts. */
export function probeLaunchHost(): { capabilities: Capabilities; procMount: boolean | null } {
  // Fresh: doctor reports the machine as it is now, and renews the per-boot probe answer (probe-cache.ts).
  const capabilities = probeCapabilitiesFresh();
  if (capabilities.namespaces.usable) return { capabilities, procMount: capabilities.namespaces.procMount };
  if (capabilities.bwrap !== null && bwrapUnavailableReason(capabilities) === null) return { capabilities, procMount: probeProcMount(capabilities.bwrap.path) };
  return { capabilities, procMount: null };
}

interface LinuxSettings {
  capabilities: Capabilities;
  backend: BackendChoice;
  /** Whether this machine is probed for /proc (false when planning for another machine). */
  probeProc: boolean;
  noProc: boolean;
  hiddenPaths: string[];
  commandCwd: string;
}

/**
 * The backend's own /proc question, asked only of the backend that is chosen: the helper's
 * namespaces answered it in their probe (the planner reads it from the capabilities), while
 * bubblewrap needs a run of its own, which a launch on another backend should not pay for.
 */
function buildLinux(resolved: ResolvedPolicy, cwd: string, s: LinuxSettings, host: Host): LinuxPlan {
  const backend = chooseLinuxBackend(resolved, { capabilities: s.capabilities, backend: s.backend, host });
  const bwrap = s.capabilities.bwrap;
  const mountProc = s.noProc ? false : backend === 'bwrap' && s.probeProc && bwrap !== null && !probeProcMount(bwrap.path) ? false : undefined;
  return planResolved(resolved, {
    platform: 'linux',
    cwd,
    capabilities: s.capabilities,
    backend,
    command: [],
    commandCwd: s.commandCwd,
    hiddenPaths: s.hiddenPaths,
    host,
    ...(mountProc === undefined ? {} : { mountProc }),
  });
}

function buildMacos(resolved: ResolvedPolicy, cwd: string, request: LaunchRequest, host: Host): SeatbeltPlan {
  return planResolved(resolved, {
    platform: 'macos',
    cwd,
    backend: request.backend === 'mount' ? 'seatbelt' : request.backend,
    command: [],
    host,
    ...(request.env === undefined ? {} : { env: request.env }),
    ...(request.proxy === undefined ? {} : { proxy: request.proxy }),
  });
}

function windowsPlan(policy: LaunchPolicy, request: LaunchRequest): WindowsPlan {
  const input = 'resolved' in policy ? policy.resolved.policy : policy.input;
  return planSandbox(input, {
    platform: 'windows',
    cwd: request.cwd,
    backend: request.backend === 'mount' ? 'auto' : request.backend,
    command: request.command,
    ...(request.env === undefined ? {} : { env: request.env }),
    ...(request.windows === undefined ? {} : { windows: request.windows }),
  });
}

/**
 * Every planner ends its argv with `--` and the command, so plans are built and remembered
 * without it and the command is appended per launch (an agent rarely runs the same command
 * twice, but it runs many under one policy).
 */
function withCommand<P extends LinuxPlan | SeatbeltPlan>(plan: P, command: string[]): P {
  return { ...plan, argv: [...plan.argv, ...command] };
}

/**
 * The plan `request.command` runs with, or the typed refusal. The input form is remembered with
 * every host answer its build relied on (PlanMemo); an already-resolved policy (the drop-in,
 * one launch per process) is planned directly.
 */
export function prepareLaunch(policy: LaunchPolicy, request: LaunchRequest & { platform: 'linux' }): Extract<PreparedLaunch, { platform: 'linux' }>;
export function prepareLaunch(policy: LaunchPolicy, request: LaunchRequest & { platform: 'macos' }): Extract<PreparedLaunch, { platform: 'macos' }>;
export function prepareLaunch(policy: LaunchPolicy, request: LaunchRequest & { platform: 'windows' }): Extract<PreparedLaunch, { platform: 'windows' }>;
export function prepareLaunch(policy: LaunchPolicy, request: LaunchRequest): PreparedLaunch;
export function prepareLaunch(policy: LaunchPolicy, request: LaunchRequest): PreparedLaunch {
  const { platform, cwd } = request;
  if (platform === 'windows') return { platform, plan: windowsPlan(policy, request), resolved: null };
  let settings: LinuxSettings | undefined;
  if (platform === 'linux') {
    const capabilities = request.capabilities ?? probeFor(policy, request.backend, cwd);
    const backend = request.backend !== 'mount' ? request.backend : namespacesUnavailableReason(capabilities) === null ? 'namespaces' : 'bwrap';
    settings = {
      capabilities,
      backend,
      probeProc: request.elsewhere === undefined,
      noProc: request.noProc !== undefined,
      // What a sandbox must never see or change whatever the policy says: the registry of other
      // runs' mount targets, so it cannot forge or delete their registrations.
      hiddenPaths: request.elsewhere === undefined ? [hostPrepRegistryDir()] : [],
      commandCwd: request.commandCwd ?? cwd,
    };
  }
  const build = (resolved: ResolvedPolicy, host: Host): PosixLaunch =>
    settings === undefined
      ? { platform: 'macos', plan: buildMacos(resolved, cwd, request, host), resolved }
      : { platform: 'linux', plan: buildLinux(resolved, cwd, settings, host), resolved };
  const host = liveHost();
  let planned: PosixLaunch;
  if ('resolved' in policy) {
    planned = build(policy.resolved, host);
  } else {
    const snapshot = jsonSnapshot(policy.input);
    // Every field that shapes the plan is part of the key, so a new planning option cannot be forgotten.
    const key = `${snapshot}\0${JSON.stringify({ ...request, command: undefined })}\0${JSON.stringify(settings ?? null)}`;
    planned =
      snapshot === undefined
        ? build(resolveInput(policy.input, platform, cwd, host), host)
        : planMemo.get(key, host, (recording) => build(resolveInput(JSON.parse(snapshot), platform, cwd, recording), recording));
  }
  return planned.platform === 'macos' ? { ...planned, plan: withCommand(planned.plan, request.command) } : { ...planned, plan: withCommand(planned.plan, request.command) };
}
