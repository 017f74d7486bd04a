// platform/plan-sandbox: the dispatcher. Takes any policy form, resolves it against cwd, and asks
// the planner of the requested platform for a plan. Pure like the planners: capabilities come in
// as data (spawn/ and the CLI probe them), and no process is started here.
import { UnsupportedPolicyError, UsageError } from '../errors';
import { parsePolicyInput } from '../policy/parse-policy';
import { policyToPermissionProfile } from '../policy/profile';
import { resolvePolicy } from '../policy/resolve';
import { nodeHost } from '../policy/node-host';
import type { Host, ResolvedPolicy, SandboxPolicy } from '../policy/types';
import { permissionProfileToWire } from '../policy/wire';
import type { ProxyEndpoints } from './common/proxy-env';
import type { BackendChoice, Capabilities, Platform } from './common/types';
import { planLinux, type LinuxPlan } from './linux/plan';
import { planMacos, type SeatbeltPlan } from './macos/plan-macos';
import { SEATBELT_PLATFORM_DEFAULT_READ_ROOTS } from './macos/platform-defaults';
import { lexicalWindowsHost } from '../policy/windows-host';
import { checkWindowsPolicyShape } from './windows/gate';
import type { WindowsPlan } from './windows/plan-types';
import { planWindows, type PlanWindowsOptions } from './windows/plan-windows';
import { checkResolvedPolicy } from '../policy/typed-schema';

export interface PlanSandboxOptions {
  platform: Platform;
  /** The policy cwd (`:cwd`, project roots, protected `.codex`). */
  cwd: string;
  /** Required for Linux; macOS and Windows planners need none. */
  capabilities?: Capabilities;
  /** Extra variables for the child (the macOS and Windows planners fold them into the plan). */
  env?: Record<string, string>;
  backend?: BackendChoice;
  command?: string[];
  commandCwd?: string;
  mountProc?: boolean;
  helperArgvPrefix?: string[];
  /** What the machine holds; default: the live host (nodeHost()). Every stage reads it through this one. */
  host?: Host;
  /** Linux: host paths hidden from the command whatever the policy says (see PlanLinuxOptions). */
  hiddenPaths?: string[];
  /** A proxied network: the leased proxy's endpoints (placeholders when absent; see ProxyEndpoints). */
  proxy?: ProxyEndpoints;
  /** Windows: where the runner lives and what the host holds (spawn/windows-launch.ts passes them). */
  windows?: Pick<PlanWindowsOptions, 'helperDir' | 'host' | 'codexHome' | 'acceptAdvisoryNetworkBlock' | 'revertAcesAfterRun'>;
}

/** Every plan, told apart by `platform` (and within a platform by `backend`). */
export type SandboxPlan = LinuxPlan | SeatbeltPlan | WindowsPlan;

/** PlanSandboxOptions for one platform, so the plan's type follows the request. */
type OptionsFor<P extends Platform> = PlanSandboxOptions & { platform: P };

/**
 * An already-typed SandboxPolicy is checked strictly; anything else goes through
 * parsePolicyInput (a legacy policy is projected at `cwd`).
 */
export function toSandboxPolicy(input: unknown, cwd: string, host: Host): SandboxPolicy {
  return parsePolicyInput(input, undefined, { cwd, host });
}

function wrongBackend(backend: string, platform: Platform, allowed: string): UnsupportedPolicyError {
  return new UnsupportedPolicyError(`backend "${backend}" does not exist on ${platform}; use ${allowed}`, { value: backend });
}

/**
 * A parsed policy to a Windows plan: the refusals that need no paths (gate.ts), then the Windows
 * flavour of the one resolve pipeline, then the planner. The gate runs first so that a policy no
 * Windows backend enforces is refused the same way whatever its paths and cwd. `host` is this
 * machine, which only a legacy policy's projection would read.
 */
export function planParsedWindows(policy: SandboxPolicy, opts: PlanWindowsOptions & { cwd: string }, host: Host): WindowsPlan {
  checkWindowsPolicyShape(policy, opts.backend ?? 'auto');
  const resolved = resolvePolicy(policy, { flavour: 'windows', cwd: opts.cwd, env: opts.env ?? {}, host, windowsHost: opts.host ?? lexicalWindowsHost });
  return planWindows(resolved, opts);
}

function planWindowsPolicy(policy: SandboxPolicy, opts: PlanSandboxOptions, host: Host): WindowsPlan {
  const backend = opts.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'windows-token' && backend !== 'windows-elevated') {
    throw wrongBackend(backend, 'windows', 'auto, windows-token or windows-elevated');
  }
  const planOpts: PlanWindowsOptions & { cwd: string } = {
    cwd: opts.cwd,
    backend,
    command: opts.command ?? [],
    permissionProfile: permissionProfileToWire(policyToPermissionProfile(policy)),
    ...(opts.env === undefined ? {} : { env: opts.env }),
    ...opts.windows,
  };
  return planParsedWindows(policy, planOpts, host);
}

/** Plans for an already-resolved policy (spawn/ resolves once and reuses it for denials). */
export function planResolved(resolved: ResolvedPolicy, opts: OptionsFor<'linux'>): LinuxPlan;
export function planResolved(resolved: ResolvedPolicy, opts: OptionsFor<'macos'>): SeatbeltPlan;
export function planResolved(resolved: ResolvedPolicy, opts: OptionsFor<'windows'>): WindowsPlan;
export function planResolved(resolved: ResolvedPolicy, opts: PlanSandboxOptions): SandboxPlan;
export function planResolved(resolved: ResolvedPolicy, opts: PlanSandboxOptions): SandboxPlan {
  checkResolvedPolicy(resolved);
  const host = opts.host ?? nodeHost();
  const permissionProfile = permissionProfileToWire(policyToPermissionProfile(resolved.policy));
  switch (opts.platform) {
    case 'linux': {
      if (opts.capabilities === undefined) {
        throw new UsageError('planning for Linux needs capabilities: pass probeCapabilities() or a fixture', { path: ['capabilities'] });
      }
      const linuxOpts: Parameters<typeof planLinux>[1] = {
        capabilities: opts.capabilities,
        backend: opts.backend ?? 'auto',
        permissionProfile,
        host,
      };
      if (opts.command !== undefined) linuxOpts.command = opts.command;
      if (opts.commandCwd !== undefined) linuxOpts.commandCwd = opts.commandCwd;
      if (opts.mountProc !== undefined) linuxOpts.mountProc = opts.mountProc;
      if (opts.helperArgvPrefix !== undefined) linuxOpts.helperArgvPrefix = opts.helperArgvPrefix;
      if (opts.hiddenPaths !== undefined) linuxOpts.hiddenPaths = opts.hiddenPaths;
      if (opts.proxy !== undefined) linuxOpts.proxy = opts.proxy;
      return planLinux(resolved, linuxOpts);
    }
    case 'macos': {
      const backend = opts.backend ?? 'auto';
      if (backend !== 'auto' && backend !== 'seatbelt') throw wrongBackend(backend, 'macos', 'auto or seatbelt');
      return planMacos(resolved, {
        command: opts.command ?? [],
        host,
        permissionProfile,
        ...(opts.env === undefined ? {} : { env: opts.env }),
        ...(opts.proxy === undefined ? {} : { proxy: opts.proxy }),
      });
    }
    case 'windows':
      // A POSIX resolution's paths are not Windows paths: its policy is resolved again, with the Windows flavour.
      return planWindowsPolicy(resolved.policy, opts, host);
    default:
      throw new UsageError(`unknown platform "${String(opts.platform)}"; use linux, macos or windows`, { value: opts.platform });
  }
}

/**
 * Resolves a policy the way the given platform's planner expects: macOS counts its own platform
 * default read roots for `:minimal` (the Seatbelt defaults profile), Linux the Linux ones.
 */
export function resolveForPlatform(policy: SandboxPolicy, platform: 'linux' | 'macos', cwd: string, host: Host): ResolvedPolicy {
  const resolveOpts: Parameters<typeof resolvePolicy>[1] = { cwd, host };
  if (platform === 'macos') resolveOpts.platformDefaultReadRoots = SEATBELT_PLATFORM_DEFAULT_READ_ROOTS;
  return resolvePolicy(policy, resolveOpts);
}

/** Parses, resolves and plans: the pure path from a policy to a plan or a typed refusal. */
export function planSandbox(policyInput: unknown, opts: OptionsFor<'linux'>): LinuxPlan;
export function planSandbox(policyInput: unknown, opts: OptionsFor<'macos'>): SeatbeltPlan;
export function planSandbox(policyInput: unknown, opts: OptionsFor<'windows'>): WindowsPlan;
export function planSandbox(policyInput: unknown, opts: PlanSandboxOptions): SandboxPlan;
export function planSandbox(policyInput: unknown, opts: PlanSandboxOptions): SandboxPlan {
  const host = opts.host ?? nodeHost();
  const policy = toSandboxPolicy(policyInput, opts.cwd, host);
  if (opts.platform === 'windows') return planWindowsPolicy(policy, opts, host);
  // An unknown platform resolves as Linux and is then refused by planResolved.
  const platform = opts.platform === 'macos' ? 'macos' : 'linux';
  return planResolved(resolveForPlatform(policy, platform, opts.cwd, host), { ...opts, host });
}
