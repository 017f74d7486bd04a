// platform/plan-sandbox: the dispatcher. Takes any policy form, resolves it against cwd, and asks
// the planner of the requested platform for a plan. Pure like the planners: capabilities come in
// as data (spawn/ and the CLI probe them), and no process is started here.
import { BackendUnavailableError, UsageError } from '../errors';
import { parsePolicyInput } from '../policy/parse-policy';
import { policyToPermissionProfile } from '../policy/profile';
import { resolvePolicy } from '../policy/resolve';
import type { HostView, ResolvedPolicy, SandboxPolicy } from '../policy/types';
import { permissionProfileToWire } from '../policy/wire';
import type { BackendChoice, Capabilities, PlanBase, Platform } from './common/types';
import type { LinuxHostFs } from './linux/host-fs';
import { planLinux, type LinuxPlan } from './linux/plan';

export interface PlanSandboxOptions {
  platform: Platform;
  /** The policy cwd (`:cwd`, project roots, protected `.codex`). */
  cwd: string;
  /** Required for Linux; macOS and Windows planners need none. */
  capabilities?: Capabilities;
  backend?: BackendChoice;
  command?: string[];
  commandCwd?: string;
  mountProc?: boolean;
  helperArgvPrefix?: string[];
  hostView?: HostView;
  hostFs?: LinuxHostFs;
}

export type SandboxPlan = LinuxPlan | PlanBase;

function isSandboxPolicy(value: unknown): value is SandboxPolicy {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const fs = v.fileSystem as Record<string, unknown> | undefined;
  return Object.keys(v).length === 2 && typeof fs === 'object' && fs !== null && typeof fs.kind === 'string' && (v.network === 'restricted' || v.network === 'enabled');
}

/**
 * An already-parsed SandboxPolicy is used as is; anything else goes through parsePolicyInput
 * (a legacy policy is projected at `cwd`).
 */
export function toSandboxPolicy(input: unknown, cwd: string, host?: HostView): SandboxPolicy {
  if (isSandboxPolicy(input)) return input;
  return parsePolicyInput(input, undefined, host === undefined ? { cwd } : { cwd, host });
}

/** Plans for an already-resolved policy (spawn/ resolves once and reuses it for denials). */
export function planResolved(resolved: ResolvedPolicy, opts: PlanSandboxOptions): SandboxPlan {
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
      };
      if (opts.command !== undefined) linuxOpts.command = opts.command;
      if (opts.commandCwd !== undefined) linuxOpts.commandCwd = opts.commandCwd;
      if (opts.mountProc !== undefined) linuxOpts.mountProc = opts.mountProc;
      if (opts.helperArgvPrefix !== undefined) linuxOpts.helperArgvPrefix = opts.helperArgvPrefix;
      if (opts.hostFs !== undefined) linuxOpts.host = opts.hostFs;
      return planLinux(resolved, linuxOpts);
    }
    case 'macos':
    case 'windows':
      throw new BackendUnavailableError(`the ${opts.platform} planner is not part of this build yet; plan on linux or upgrade codex-sandbox`, {
        value: opts.platform,
      });
    default:
      throw new UsageError(`unknown platform "${String(opts.platform)}"; use linux, macos or windows`, { value: opts.platform });
  }
}

/** Parses, resolves and plans: the pure path from a policy to a plan or a typed refusal. */
export function planSandbox(policyInput: unknown, opts: PlanSandboxOptions): SandboxPlan {
  const resolveOpts: Parameters<typeof resolvePolicy>[1] = { cwd: opts.cwd };
  if (opts.hostView !== undefined) resolveOpts.host = opts.hostView;
  const resolved = resolvePolicy(toSandboxPolicy(policyInput, opts.cwd, opts.hostView), resolveOpts);
  return planResolved(resolved, opts);
}
