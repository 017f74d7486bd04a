// platform/common/types: data shared by every platform planner: capabilities in, plans out.
// May import policy and errors only.

export type Platform = 'linux' | 'macos' | 'windows';

export type BackendName = 'namespaces' | 'bwrap' | 'landlock' | 'seccomp' | 'seatbelt' | 'windows-token' | 'windows-elevated';

/** What a caller asks for; 'auto' lets the planner choose (docs/platforms/linux.md#backend-choice). */
export type BackendChoice = 'auto' | BackendName;

export interface LandlockCapability {
  status: 'available' | 'not-enabled' | 'not-implemented';
  /** The ABI the planner may rely on (a kernel newer than the table counts as the newest known). */
  abi: number;
  /** The kernel's own number when it is newer than the table. */
  kernelAbi?: number;
}

export interface BwrapCapability {
  path: string;
  version: string;
  hasArgv0: boolean;
  hasPerms: boolean;
  /** `--as-pid-1`: the inner stage, not bwrap, is PID 1 of the sandbox (docs/reference.md#bwrap-discovery). */
  hasAsPid1: boolean;
}

/** Whether the helper can build a sandbox of its own (`--probe namespaces`). */
export interface NamespacesCapability {
  /** User, mount, PID, IPC and network namespaces can be made, and mounts made in them. */
  usable: boolean;
  /** A fresh procfs can be mounted there too (some container runtimes refuse it). */
  procMount: boolean;
  /** The probe's one-line reason when not usable; null when it is. */
  reason: string | null;
  /**
   * kernel.apparmor_restrict_unprivileged_userns=1 (Ubuntu 24.04 and later): AppArmor lets only
   * programs with a profile saying so, often /usr/bin/bwrap, use user namespaces.
   */
  apparmorRestricted: boolean;
}

/** Probed once per process on Linux (platform/linux/probe.ts); fixtures in planner tests. */
export interface Capabilities {
  landlock: LandlockCapability;
  seccomp: boolean;
  /** The helper can create a user namespace with its uid mapped (bwrap --unshare-user needs the same). */
  userns: boolean;
  namespaces: NamespacesCapability;
  bwrap: BwrapCapability | null;
  wsl: 'none' | 'wsl1' | 'wsl2';
  /** Absolute path of the native helper executable, or null when it is not built. */
  helperPath: string | null;
  /**
   * Why this installation's native build (the helper or the addon) is missing, stale or of the
   * wrong libc, with the command that fixes it; absent when it loads. Without it Landlock,
   * seccomp and namespaces read as missing, so planners and doctor name this first.
   */
  nativeBuild?: { reason: string; message: string };
}

/** One capability a plan relies on, with the reason, so a refusal or `doctor` can say why. */
export interface Requirement {
  capability: string;
  reason: string;
}

/** A host path the run creates (a bwrap mount target) and removes afterwards. */
export interface HostPrepTarget {
  path: string;
  kind: 'file' | 'dir';
  /**
   * Made on the host before the run (a missing writable root the command could create itself),
   * where other targets are mount points bwrap makes.
   */
  create?: true;
}

/** What is enforced, the RestrictionStatus of this package. */
export interface Enforcement {
  backend: BackendName;
  filesystem: boolean;
  /** proxied: every connection goes through the network proxy, which decides it by its rules. */
  network: 'enforced' | 'not-restricted' | 'proxied';
  noNewPrivs: boolean;
  seccomp: boolean;
  landlockAbi?: number;
  /** Rights or mechanisms the plan relies on. */
  handled: string[];
  /** Hardening that was available in principle but skipped on this machine. */
  skippedHardening: string[];
}

/**
 * The fields every plan has. Each platform extends this with its own data (mount ops, SBPL text,
 * ACL plan). A plan is plain JSON data: no functions, Maps, Dates, class instances or undefined.
 */
export interface PlanBase {
  backend: BackendName;
  platform: Platform;
  /** Program first. */
  argv: string[];
  /**
   * Environment variables added to the child's environment. Linux plans also carry them in argv
   * (the helper's --setenv), so their launchers pass the caller's environment as is.
   */
  env: Record<string, string>;
  requires: Requirement[];
  hostPrep: HostPrepTarget[];
  enforcement: Enforcement;
  /** The effective policy in the reference's PermissionProfile wire form (snake_case JSON). */
  permissionProfile: Record<string, unknown>;
}
