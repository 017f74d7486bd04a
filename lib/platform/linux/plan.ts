// platform/linux/plan: the Linux planner. Chooses a backend (docs/platforms/linux.md#backend-choice) and returns a
// plain-data plan, or throws E_UNSUPPORTED_POLICY / E_BACKEND_UNAVAILABLE. Pure apart from
// reading the host filesystem through the injected Host: no clock, randomness, probing or
// processes (capabilities come in as data).
import { posix } from 'node:path';

import { BackendUnavailableError, UnsupportedPolicyError } from '../../errors';
import { isProxiedNetwork } from '../../policy/network-predicates';
import type { ResolvedPolicy } from '../../policy/types';
import { PROXY_ENDPOINT_PLACEHOLDERS, type ProxyEndpoints } from '../common/proxy-env';
import type { BackendChoice, Capabilities, Enforcement, PlanBase, Requirement } from '../common/types';
import { devNullFds, renderBwrapArgv } from './bwrap-argv';
import { renderNamespacesArgv } from './namespaces-argv';
import type { Host } from '../../policy/types';
import { abiIntroducing, ACCESS_FS, formatMask, SCOPE } from './landlock-abi';
import { landlockRefusalReason, planLandlockRules, type LandlockPlanData } from './landlock-plan';
import { fullWriteMountPlan, planMountOps, sandboxMountOps, type MountOp, type MountPlan } from './mount-ops';
import { within } from './path-order';
import { proxySocketMount, relayEnvironment, relayRouteArgs, unixSocketRefusal } from './proxy-routes';
import { checkResolvedPolicy } from '../../policy/typed-schema';

/** The reference's WSL1 message (docs/reference.md#wsl), returned before anything is spawned. */
export const WSL1_MESSAGE =
  "Codex's Linux sandbox uses bubblewrap, which is not supported on WSL1 because WSL1 cannot create the required user namespaces. Use WSL2 for sandboxed shell commands.";

/** An inherited descriptor the launcher must provide: fd `fd` opened read-only on `path`. */
export interface PlanFd {
  fd: number;
  path: string;
}

/** The mount plan both namespace executors (bubblewrap and the helper's own) run. */
interface MountedPlan {
  /** Every op in execution order, /proc and the root's last remount included. */
  mountOps: MountOp[];
  /** Concrete paths the deny globs matched at planning time. */
  globMatches: string[];
  mountProc: boolean;
}

/** What every Linux plan has: the plan fields, on Linux. */
interface LinuxPlanBase extends PlanBase {
  platform: 'linux';
}

export interface BwrapPlan extends LinuxPlanBase, MountedPlan {
  backend: 'bwrap';
  fds: PlanFd[];
}

/** The helper makes the namespaces and runs the mount ops itself (no bubblewrap). */
export interface NamespacesPlan extends LinuxPlanBase, MountedPlan {
  backend: 'namespaces';
}

export interface LandlockPlan extends LinuxPlanBase, LandlockPlanData {
  backend: 'landlock';
}

export interface SeccompPlan extends LinuxPlanBase {
  backend: 'seccomp';
}

export type LinuxPlan = NamespacesPlan | BwrapPlan | LandlockPlan | SeccompPlan;

export interface PlanLinuxOptions {
  capabilities: Capabilities;
  backend: BackendChoice;
  /** The user command; the plan's argv ends with `--` and this. */
  command?: string[];
  /** How to invoke the helper (default: `[capabilities.helperPath]`). */
  helperArgvPrefix?: string[];
  /** Logical cwd of the command (default: the policy cwd). */
  commandCwd?: string;
  /** Mount a fresh /proc (default true); spawn/ turns it off when the /proc preflight fails. */
  mountProc?: boolean;
  /** What the machine holds: canonical paths, deny-glob listings, empty mount targets. */
  host: Host;
  /**
   * Host paths the command must not see or change whatever the policy says: spawn/ passes its
   * mount-target registry, so a sandbox cannot forge or delete another run's registrations.
   */
  hiddenPaths?: string[];
  /** The effective policy in PermissionProfile wire form (the dispatcher computes it). */
  permissionProfile: Record<string, unknown>;
  /**
   * A proxied network: the leased proxy's sockets (spawn/ passes them per launch). Without one
   * the plan names PROXY_ENDPOINT_PLACEHOLDERS in the same places.
   */
  proxy?: ProxyEndpoints;
}

/** The helper's --network mode: the policy's, with a proxied policy routed through the relay. */
type LinuxNetwork = 'restricted' | 'enabled' | 'proxied';

const BWRAP_INSTALL_HINT = 'install bubblewrap (apt-get install bubblewrap / dnf install bubblewrap) and run `codex-sandbox doctor`';

/** Why bubblewrap cannot run here, or null when it can. */
export function bwrapUnavailableReason(caps: Capabilities): string | null {
  if (caps.bwrap === null) return `bubblewrap is unavailable: no bwrap was found on PATH; ${BWRAP_INSTALL_HINT}`;
  if (!caps.bwrap.hasPerms) {
    return `bubblewrap ${caps.bwrap.path} (${caps.bwrap.version}) lacks --perms (needs bubblewrap >= 0.5); upgrade it and run \`codex-sandbox doctor\``;
  }
  // Without --as-pid-1, bwrap itself stays PID 1 of the sandbox, outside the seccomp filter and
  // open to the command through /proc/1/mem (issue #20): refused rather than run that way.
  if (!caps.bwrap.hasAsPid1) {
    return `bubblewrap ${caps.bwrap.path} (${caps.bwrap.version}) lacks --as-pid-1, without which bwrap itself would be the sandbox's unfiltered PID 1; upgrade it and run \`codex-sandbox doctor\``;
  }
  // AppArmor may allow user namespaces to /usr/bin/bwrap alone: the helper's failed probe then
  // says nothing about bwrap, and a bwrap that is refused too fails its run with its own message.
  if (!caps.userns && !caps.namespaces.apparmorRestricted) {
    return 'bubblewrap cannot create user namespaces here (kernel.unprivileged_userns_clone=0, user.max_user_namespaces=0 or an AppArmor userns restriction); allow them or run `codex-sandbox doctor`';
  }
  return null;
}

/**
 * Where a sandbox of this policy, or an earlier one in the same workspace, could have written
 * files: every writable root, and the policy cwd even when this policy keeps it read-only (the
 * workspace an earlier workspace-write run had). Launchers pass these to probeCapabilities so
 * bwrap discovery skips them. A cwd of `/` names no workspace (and would rule out every bwrap);
 * a whole-disk write policy gives none, since such a sandbox can replace any binary at all
 * (node and the helper too), so no choice of bwrap protects anything there.
 */
export function sandboxWritableDirs(resolved: ResolvedPolicy): string[] {
  if (unrestrictedFilesystem(resolved)) return [];
  const dirs = resolved.writableRoots.map((w) => w.root);
  return resolved.cwd === '/' ? dirs : [resolved.cwd, ...dirs];
}

/**
 * A bwrap the sandbox could have written is never run: it would run outside any sandbox. The
 * probe already skips such candidates when told the policy; this refuses capabilities probed
 * for another policy or passed in by a caller (issue #20). Null when the bwrap is outside them.
 */
export function plantedBwrapReason(caps: Capabilities, resolved: ResolvedPolicy, host: Host): string | null {
  if (caps.bwrap === null) return null;
  const bwrapPath = host.realpath(caps.bwrap.path) ?? caps.bwrap.path;
  for (const dir of sandboxWritableDirs(resolved)) {
    const canonical = host.realpath(dir) ?? dir;
    if (within(bwrapPath, canonical)) {
      return `bubblewrap ${bwrapPath} lies inside ${canonical}, which this sandbox can write, so it may have been planted by an earlier sandboxed command and would run unsandboxed; put a bwrap outside the writable roots first on PATH (e.g. /usr/bin) and run \`codex-sandbox doctor\``;
    }
  }
  return null;
}

/** Why the helper cannot build its own namespaces here, or null when it can. */
export function namespacesUnavailableReason(caps: Capabilities): string | null {
  if (caps.helperPath === null) return 'the codex-sandbox-helper executable is not built';
  if (caps.namespaces.usable) return null;
  const why = caps.namespaces.reason ?? 'the namespaces probe failed';
  if (caps.namespaces.apparmorRestricted) {
    return `AppArmor restricts unprivileged user namespaces here (kernel.apparmor_restrict_unprivileged_userns=1), so the helper cannot make its own (${why}); a bwrap with an AppArmor profile that allows them (Ubuntu's /usr/bin/bwrap) can, or set the sysctl to 0`;
  }
  return `the helper cannot make its own namespaces here (${why}); allow unprivileged user namespaces (kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0) and run \`codex-sandbox doctor\``;
}

function landlockUnavailableReason(caps: Capabilities): string | null {
  if (caps.landlock.status === 'not-implemented') return 'Landlock is not implemented by this kernel (needs Linux >= 5.13 with CONFIG_SECURITY_LANDLOCK)';
  if (caps.landlock.status === 'not-enabled') return 'Landlock is built into this kernel but not enabled (add landlock to the lsm= boot parameter)';
  return null;
}

function helperPrefix(opts: PlanLinuxOptions): string[] {
  if (opts.helperArgvPrefix !== undefined) return opts.helperArgvPrefix;
  if (opts.capabilities.helperPath === null) {
    throw new BackendUnavailableError(
      'the codex-sandbox-helper executable is not built; run "npm rebuild codex-sandbox" (pnpm: "pnpm approve-builds") and `codex-sandbox doctor`',
      {
        details: { missing: 'helper' },
      },
    );
  }
  return [opts.capabilities.helperPath];
}

/** What the command finds in its environment on top of the caller's (reference spawn.rs). */
function sandboxEnv(network: LinuxNetwork): Record<string, string> {
  if (network === 'proxied') return relayEnvironment();
  return network === 'restricted' ? { CODEX_SANDBOX_NETWORK_DISABLED: '1' } : {};
}

/**
 * The helper sets the plan's variables itself (--setenv), so a launcher passes the caller's
 * environment through untouched: copying process.env to merge one variable was a measurable part
 * of the launch latency (docs/benchmarks.md).
 */
function helperEnvArgs(network: LinuxNetwork): string[] {
  return Object.entries(sandboxEnv(network)).flatMap(([name, value]) => ['--setenv', `${name}=${value}`]);
}

/**
 * The helper-only backends share the caller's IPC namespace (making one needs privileges they do
 * not have), so the helper refuses the SysV IPC and POSIX message-queue calls that would reach
 * the host's objects (docs/security.md R6); bwrap's --unshare-ipc gives its backend a private one.
 */
const HOST_IPC_DENIED = ['--deny-ipc'];

function networkRequirement(network: LinuxNetwork): Requirement[] {
  if (network === 'proxied') {
    return [
      { capability: 'seccomp', reason: 'allow only inet sockets, which reach nothing but the relay on lo, and deny AF_UNIX sockets (network proxied)' },
      { capability: 'network-proxy', reason: 'the calling process runs the proxy that decides each connection; the relay reaches it through its unix sockets' },
    ];
  }
  return network === 'restricted' ? [{ capability: 'seccomp', reason: 'deny socket families other than AF_UNIX and connect/bind/listen/accept (network restricted)' }] : [];
}

function networkEnforcement(network: LinuxNetwork): Enforcement['network'] {
  if (network === 'proxied') return 'proxied';
  return network === 'restricted' ? 'enforced' : 'not-restricted';
}

function enforcementFor(
  backend: LinuxPlan['backend'],
  network: LinuxNetwork,
  filesystem: boolean,
  handled: string[],
  skippedHardening: string[],
  landlockAbi?: number,
): Enforcement {
  const out: Enforcement = {
    backend,
    filesystem,
    network: networkEnforcement(network),
    noNewPrivs: true,
    seccomp: true,
    handled,
    skippedHardening,
  };
  if (landlockAbi !== undefined) out.landlockAbi = landlockAbi;
  return out;
}

/** Whole-disk write access: nothing on the filesystem to restrict. */
function unrestrictedFilesystem(resolved: ResolvedPolicy): boolean {
  const fs = resolved.policy.fileSystem;
  return fs.kind !== 'restricted' || (resolved.fullDiskWrite && resolved.unreadableGlobs.length === 0 && resolved.unreadableRoots.length === 0);
}

function effectiveNetwork(resolved: ResolvedPolicy): LinuxNetwork {
  // An external sandbox owns the network; we only add the base seccomp filter.
  if (resolved.policy.fileSystem.kind === 'external-sandbox') return 'enabled';
  return isProxiedNetwork(resolved.policy.network) ? 'proxied' : resolved.policy.network;
}

/**
 * Without a PID namespace the reaper runs with the command's uid, and the command could SIGKILL
 * it and leave a setsid daemon behind (issue #20). With Landlock scopes (ABI 6) the command runs
 * in a nested domain scoped for signals, which the reaper, outside it, can still signal into.
 * Hardening: the lifetime promise is not part of explain(), so it is listed when missing.
 */
function commandScope(caps: Capabilities): { args: string[]; skipped: string[] } {
  const needed = abiIntroducing('SIGNAL');
  if (caps.landlock.status === 'available' && caps.landlock.abi >= needed) return { args: ['--command-landlock-scope', formatMask(SCOPE.SIGNAL)], skipped: [] };
  return {
    args: [],
    skipped: [`command in a signal-scoped Landlock domain of its own (Landlock ABI ${needed}): the command can kill its reaper, and a setsid daemon may then outlive the sandbox`],
  };
}

function planSeccomp(opts: PlanLinuxOptions, network: 'restricted' | 'enabled'): SeccompPlan {
  const command = opts.command ?? [];
  const scope = commandScope(opts.capabilities);
  // No namespaces here, so --reaper keeps every descendant inside the helper's lifetime.
  const argv = [...helperPrefix(opts), ...helperEnvArgs(network), '--network', network, '--reaper', ...HOST_IPC_DENIED, ...scope.args, '--', ...command];
  return {
    backend: 'seccomp',
    platform: 'linux',
    argv,
    env: sandboxEnv(network),
    requires: [{ capability: 'helper', reason: 'sets no_new_privs and installs the seccomp filter' }, ...networkRequirement(network)],
    hostPrep: [],
    enforcement: enforcementFor(
      'seccomp',
      network,
      false,
      ['no_new_privs', 'seccomp-base', 'seccomp-ipc', ...(network === 'restricted' ? ['seccomp-network'] : []), ...(scope.args.length > 0 ? ['command-signal-scope'] : [])],
      scope.skipped,
    ),
    permissionProfile: opts.permissionProfile,
  };
}

const WRITE_GUARD_SKIPPED = 'Landlock write guard (Landlock unavailable): host FIFOs and device nodes outside the writable roots can be opened for writing';

/**
 * Opening a FIFO or a device node for writing ignores a read-only mount, so with mounts alone a
 * command could write into a host FIFO that explain() says is read-only (docs/security.md R8).
 * The inner helper adds a Landlock ruleset that handles WRITE_FILE only and grants it where the
 * mounts already allow writing: every writable bind, /dev and /proc. It narrows nothing the
 * mounts allow, so it is hardening: without Landlock the mounts still stop writes to every
 * regular file, and the gap is listed in skippedHardening. Landlock cannot carve out of a grant,
 * so a FIFO inside a read-only carve-out of a writable root stays writable (documented).
 */
function writeGuardArgs(ops: readonly MountOp[], caps: Capabilities): string[] | null {
  if (caps.landlock.status !== 'available') return null;
  const writeFile = formatMask(ACCESS_FS.WRITE_FILE);
  const writable = [...new Set([...ops.flatMap((op) => (op.op === 'bind' ? [op.dest] : [])), '/dev', '/proc'])];
  return ['--landlock-abi', '1', '--landlock-fs-handled', writeFile, ...writable.flatMap((path) => ['--landlock-rule', `${writeFile}:${path}`])];
}

interface SandboxMounts {
  mounts: MountPlan;
  ops: MountOp[];
  mountProc: boolean;
  fullWrite: boolean;
  /** --chdir when canonicalizing the command cwd changed it. */
  chdir: string | null;
  /** The helper's options inside the namespaces, `--` and the command. */
  inner: string[];
  guard: boolean;
}

/** What both namespace executors share: the mount ops and the helper's inner options. */
function sandboxMounts(resolved: ResolvedPolicy, opts: PlanLinuxOptions, network: LinuxNetwork, host: Host, mountProc: boolean, extraReadableRoots: string[]): SandboxMounts {
  const fullWrite = unrestrictedFilesystem(resolved);
  const mounts = fullWrite ? fullWriteMountPlan() : planMountOps({ resolved, host, extraReadableRoots, hiddenPaths: opts.hiddenPaths ?? [] });
  const proxy = network === 'proxied' ? (opts.proxy ?? PROXY_ENDPOINT_PLACEHOLDERS) : null;
  const ops = sandboxMountOps(mounts, mountProc, proxy === null ? [] : [proxySocketMount(proxy)]);
  const commandCwd = opts.commandCwd ?? resolved.cwd;
  const canonicalCwd = host.realpath(commandCwd) ?? commandCwd;
  const guard = writeGuardArgs(ops, opts.capabilities);
  // --reaper: the helper is PID 1 of the PID namespace, so it must reap (and stays
  // seccomp-filtered and non-dumpable while it does).
  const routes = proxy === null ? [] : relayRouteArgs(proxy);
  const inner = [...(guard ?? []), ...helperEnvArgs(network), '--network', network, ...routes, '--reaper', '--', ...(opts.command ?? [])];
  return { mounts, ops, mountProc, fullWrite, chdir: canonicalCwd !== commandCwd ? canonicalCwd : null, inner, guard: guard !== null };
}

const NAMESPACE_HANDLED = ['user-namespace', 'mount-namespace', 'pid-namespace', 'ipc-namespace', 'no_new_privs', 'seccomp-base', 'cap-drop-all'];

function mountedEnforcement(backend: 'bwrap' | 'namespaces', network: LinuxNetwork, m: SandboxMounts): Enforcement {
  const handled = [...NAMESPACE_HANDLED];
  if (network === 'restricted') handled.push('network-namespace', 'seccomp-network');
  if (network === 'proxied') handled.push('network-namespace', 'seccomp-proxy-routed', 'proxy-relay');
  if (m.guard) handled.push('landlock-write-guard');
  return enforcementFor(backend, network, !m.fullWrite, handled, [
    ...(m.mountProc ? [] : ['fresh /proc (mount denied here; the PID namespace is still private)']),
    ...(m.guard ? [] : [WRITE_GUARD_SKIPPED]),
  ]);
}

/** The fields both namespace executors' plans share, from the one mount plan they run. */
function mountedPlanFields(backend: 'bwrap' | 'namespaces', opts: PlanLinuxOptions, network: LinuxNetwork, m: SandboxMounts) {
  return {
    platform: 'linux' as const,
    env: sandboxEnv(network),
    hostPrep: m.mounts.hostPrep,
    enforcement: mountedEnforcement(backend, network, m),
    permissionProfile: opts.permissionProfile,
    mountOps: m.ops,
    globMatches: m.mounts.globMatches,
    mountProc: m.mountProc,
  };
}

function planBwrap(resolved: ResolvedPolicy, opts: PlanLinuxOptions, network: LinuxNetwork): BwrapPlan {
  const host = opts.host;
  const reason = bwrapUnavailableReason(opts.capabilities) ?? plantedBwrapReason(opts.capabilities, resolved, host);
  if (reason !== null) throw new BackendUnavailableError(reason, { details: { backend: 'bwrap' } });
  const bwrap = opts.capabilities.bwrap!;
  const prefix = helperPrefix(opts);
  // bwrap execs the helper inside the sandbox, so the helper's directory stays readable.
  const m = sandboxMounts(resolved, opts, network, host, opts.mountProc ?? true, [posix.dirname(prefix[0])]);
  const argv = renderBwrapArgv({ bwrapPath: bwrap.path, ops: m.ops, network, chdir: m.chdir, inner: [...prefix, ...m.inner] });
  return {
    backend: 'bwrap',
    argv,
    requires: [
      { capability: 'bwrap', reason: `builds the mount namespace (${bwrap.path} ${bwrap.version})` },
      { capability: 'userns', reason: 'bwrap --unshare-user' },
      { capability: 'helper', reason: 'sets no_new_privs and installs seccomp inside the namespaces' },
      ...networkRequirement(network),
    ],
    ...mountedPlanFields('bwrap', opts, network, m),
    fds: devNullFds(m.ops).map((fd) => ({ fd, path: '/dev/null' })),
  };
}

function planNamespaces(resolved: ResolvedPolicy, opts: PlanLinuxOptions, network: LinuxNetwork): NamespacesPlan {
  const reason = namespacesUnavailableReason(opts.capabilities);
  if (reason !== null) throw new BackendUnavailableError(reason, { details: { backend: 'namespaces' } });
  const host = opts.host;
  const prefix = helperPrefix(opts);
  // Nothing is executed from the host inside the sandbox but the command: no extra readable roots.
  const m = sandboxMounts(resolved, opts, network, host, opts.mountProc ?? opts.capabilities.namespaces.procMount, []);
  return {
    backend: 'namespaces',
    argv: renderNamespacesArgv({ helper: prefix, ops: m.ops, chdir: m.chdir, inner: m.inner }),
    requires: [
      {
        capability: 'namespaces',
        reason: 'the helper makes user, mount, PID and IPC namespaces (and a network namespace when the network is restricted or proxied) and builds the root',
      },
      { capability: 'helper', reason: 'builds the namespaces and the root, sets no_new_privs and installs seccomp' },
      ...networkRequirement(network),
    ],
    ...mountedPlanFields('namespaces', opts, network, m),
  };
}

/**
 * A Landlock write grant on /proc/sys or above it (a full-write ruleset grants every right on
 * /): root, capabilities dropped, still owns the sysctl files, so the helper remounts them
 * read-only first (native/linux/helper-procsys.cc). Narrower than explain(), as bubblewrap's
 * --proc is; a no-op for other users, who cannot write them anyway.
 */
function writeCoversProcSys(data: LandlockPlanData): boolean {
  return data.landlockRules.some((rule) => (rule.access & ACCESS_FS.WRITE_FILE) !== 0 && (within('/proc/sys', rule.path) || within(rule.path, '/proc')));
}

function planLandlock(resolved: ResolvedPolicy, opts: PlanLinuxOptions, network: 'restricted' | 'enabled'): LandlockPlan {
  const unavailable = landlockUnavailableReason(opts.capabilities);
  if (unavailable !== null) throw new BackendUnavailableError(`${unavailable}; run \`codex-sandbox doctor\``, { details: { backend: 'landlock' } });
  const host = opts.host;
  const data = planLandlockRules(resolved, opts.capabilities.landlock.abi, host);
  const prefix = helperPrefix(opts);
  const scope = commandScope(opts.capabilities);
  const procSys = writeCoversProcSys(data) ? ['--proc-sys-readonly'] : [];
  const argv = [
    ...prefix,
    ...procSys,
    ...data.helperArgs,
    ...helperEnvArgs(network),
    '--network',
    network,
    '--reaper',
    ...HOST_IPC_DENIED,
    ...scope.args,
    '--',
    ...(opts.command ?? []),
  ];
  const handled = ['landlock', 'no_new_privs', 'seccomp-base', 'seccomp-ipc', ...(network === 'restricted' ? ['seccomp-network'] : [])];
  if (scope.args.length > 0) handled.push('command-signal-scope');
  if (procSys.length > 0) handled.push('proc-sys-readonly-for-root');
  return {
    backend: 'landlock',
    platform: 'linux',
    argv,
    env: sandboxEnv(network),
    requires: [
      { capability: `landlock-abi-${data.landlockAbi}`, reason: `rights the policy depends on: ${data.requiredRights.join(', ')}` },
      { capability: 'helper', reason: 'builds the Landlock ruleset, sets no_new_privs and installs seccomp' },
      ...networkRequirement(network),
    ],
    hostPrep: [],
    enforcement: enforcementFor('landlock', network, true, [...handled, ...data.handledRights], [...data.skippedHardening, ...scope.skipped], data.landlockAbi),
    permissionProfile: opts.permissionProfile,
    ...data,
  };
}

/**
 * `auto` for an unrestricted filesystem with a restricted network: a Landlock domain (the
 * full-write ruleset) keeps ptrace-class access to processes outside it away (their
 * /proc/PID/mem and environ), and its scopes (ABI 6) stop signals and abstract sockets. Without
 * the scopes, PID and network namespaces (the helper's own, else bubblewrap's) do all of it, so
 * they are preferred; a Landlock domain without scopes is the last choice, with the scopes
 * listed as skipped hardening, as on a restricted filesystem.
 */
function chooseFullWriteRestricted(resolved: ResolvedPolicy, caps: Capabilities, host: Host): LinuxBackend {
  const landlockReason = landlockUnavailableReason(caps) ?? landlockRefusalReason(resolved, caps.landlock.abi, host);
  if (landlockReason === null && caps.landlock.abi >= abiIntroducing('SIGNAL')) return 'landlock';
  const namespacesReason = namespacesUnavailableReason(caps);
  if (namespacesReason === null) return 'namespaces';
  const bwrapReason = bwrapUnavailableReason(caps);
  if (bwrapReason === null) return 'bwrap';
  if (landlockReason === null) return 'landlock';
  throw new BackendUnavailableError(
    `no Linux backend can keep this command away from the user's other processes, which a restricted network needs (seccomp alone cannot): namespaces: ${namespacesReason}; bwrap: ${bwrapReason}; Landlock: ${landlockReason}`,
    { details: { namespaces: namespacesReason, bwrap: bwrapReason, landlock: landlockReason } },
  );
}

/**
 * A proxied network is enforced only by the namespace backends, whatever the filesystem policy
 * (full write included): a network namespace with only lo is what forces every connection through
 * the relay. Landlock and seccomp run in the host's network namespace, where an inet socket
 * reaches the whole network, so a proxied policy there would be an open network: refused.
 */
function chooseProxiedBackend(resolved: ResolvedPolicy, opts: Pick<PlanLinuxOptions, 'capabilities' | 'backend' | 'host'>): 'namespaces' | 'bwrap' {
  const network = resolved.policy.network;
  const socketRefusal = isProxiedNetwork(network) ? unixSocketRefusal(network) : null;
  if (socketRefusal !== null) throw socketRefusal;
  switch (opts.backend) {
    case 'namespaces':
    case 'bwrap':
      return opts.backend;
    case 'landlock':
    case 'seccomp':
      throw new UnsupportedPolicyError(
        `a proxied network (domain allow/deny rules) cannot be enforced by backend "${opts.backend}": it runs the command in the host's network namespace, where any inet socket reaches the network, so it cannot force connections through the network proxy; use --backend auto, namespaces or bwrap`,
        { value: opts.backend, details: { backend: opts.backend, network: 'proxied' } },
      );
    case 'auto': {
      const namespacesReason = namespacesUnavailableReason(opts.capabilities);
      if (namespacesReason === null) return 'namespaces';
      const bwrapReason = bwrapUnavailableReason(opts.capabilities) ?? plantedBwrapReason(opts.capabilities, resolved, opts.host);
      if (bwrapReason === null) return 'bwrap';
      throw new BackendUnavailableError(
        `no Linux backend can force this command's connections through the network proxy (Landlock cannot: it shares the host's network): namespaces: ${namespacesReason}; bwrap: ${bwrapReason}`,
        { details: { namespaces: namespacesReason, bwrap: bwrapReason, network: 'proxied' } },
      );
    }
    default:
      throw new UnsupportedPolicyError(`backend "${opts.backend}" is not a Linux backend; ${NOT_A_LINUX_BACKEND}`, { value: opts.backend });
  }
}

const NOT_A_LINUX_BACKEND = 'use auto, namespaces, bwrap, landlock or seccomp';

export type LinuxBackend = LinuxPlan['backend'];

/**
 * The backend planLinux plans with for `opts.backend`, or its refusal, without building the
 * plan. `auto` prefers the helper's own namespaces, then bubblewrap, then Landlock when it
 * represents the policy exactly; a forced backend that cannot represent the policy is a
 * refusal, never a downgrade. Launchers call it first to probe what only the chosen backend
 * needs (bubblewrap's /proc check) before the one planning.
 */
export function chooseLinuxBackend(resolved: ResolvedPolicy, opts: Pick<PlanLinuxOptions, 'capabilities' | 'backend' | 'host'>): LinuxBackend {
  const caps = opts.capabilities;
  const host = opts.host;
  const network = effectiveNetwork(resolved);
  const fullWrite = unrestrictedFilesystem(resolved);

  // A missing or stale native build makes Landlock, seccomp and namespaces read as absent: say
  // what is really wrong, and how to fix it, before any of their messages could.
  if (caps.nativeBuild !== undefined) throw new BackendUnavailableError(caps.nativeBuild.message, { details: { reason: caps.nativeBuild.reason, native: true } });
  if (caps.wsl === 'wsl1' && !fullWrite) throw new UnsupportedPolicyError(WSL1_MESSAGE, { details: { wsl: 'wsl1' } });
  // Every Linux plan ends in the helper's seccomp filter (the base rules are always installed).
  // Without seccomp the helper would stop at start with exit 125; refuse here instead, typed and
  // before anything is spawned (docs/security.md G8).
  if (!caps.seccomp) {
    throw new BackendUnavailableError(
      'seccomp filters are not available on this kernel (CONFIG_SECCOMP_FILTER), and every Linux backend installs one; run `codex-sandbox doctor`',
      {
        details: { seccomp: false },
      },
    );
  }

  if (network === 'proxied') return chooseProxiedBackend(resolved, opts);

  if (fullWrite) {
    // Nothing on the filesystem to enforce. With an enabled network the helper alone applies
    // no_new_privs and the base seccomp filter (the least every Linux plan enforces), so every plan has
    // the same process shape.
    if (network === 'enabled') {
      if (opts.backend === 'auto' || opts.backend === 'seccomp') return 'seccomp';
    } else if (opts.backend === 'seccomp') {
      // A restricted network needs the command kept away from the user's other processes: with
      // seccomp alone it could write its Node parent's /proc/PID/mem and connect from there,
      // read other processes' environ and signal them (issue #20).
      throw new UnsupportedPolicyError(
        'the seccomp backend cannot keep a command with an unrestricted filesystem from reaching other processes of the user (their memory, environment and signals), so it cannot keep the network restricted; use --backend auto, namespaces, landlock or bwrap',
        { value: 'seccomp', details: { backend: 'seccomp', network } },
      );
    } else if (opts.backend === 'auto') {
      return chooseFullWriteRestricted(resolved, caps, host);
    }
    if (opts.backend === 'namespaces' || opts.backend === 'bwrap' || opts.backend === 'landlock') return opts.backend;
    throw new UnsupportedPolicyError(`backend "${opts.backend}" is not a Linux backend; ${NOT_A_LINUX_BACKEND}`, { value: opts.backend });
  }

  switch (opts.backend) {
    case 'namespaces':
    case 'bwrap':
    case 'landlock':
      return opts.backend;
    case 'seccomp':
      // seccomp filters syscalls, not paths: it cannot narrow filesystem access at all.
      throw new UnsupportedPolicyError('the seccomp backend cannot enforce a restricted filesystem (it only filters syscalls); use --backend namespaces, bwrap, landlock or auto', {
        value: 'seccomp',
      });
    case 'auto': {
      const namespacesReason = namespacesUnavailableReason(caps);
      if (namespacesReason === null) return 'namespaces';
      const bwrapReason = bwrapUnavailableReason(caps) ?? plantedBwrapReason(caps, resolved, host);
      if (bwrapReason === null) return 'bwrap';
      const landlockReason = landlockUnavailableReason(caps) ?? landlockRefusalReason(resolved, caps.landlock.abi, host);
      if (landlockReason === null) return 'landlock';
      throw new BackendUnavailableError(`no Linux backend can enforce this policy: namespaces: ${namespacesReason}; bwrap: ${bwrapReason}; Landlock: ${landlockReason}`, {
        details: { namespaces: namespacesReason, bwrap: bwrapReason, landlock: landlockReason },
      });
    }
    default:
      throw new UnsupportedPolicyError(`backend "${opts.backend}" is not a Linux backend; ${NOT_A_LINUX_BACKEND}`, { value: opts.backend });
  }
}

/** Plans one sandboxed command on Linux with the backend chooseLinuxBackend picks. */
export function planLinux(resolved: ResolvedPolicy, opts: PlanLinuxOptions): LinuxPlan {
  checkResolvedPolicy(resolved);
  const network = effectiveNetwork(resolved);
  const backend = chooseLinuxBackend(resolved, opts);
  if (backend === 'namespaces') return planNamespaces(resolved, opts, network);
  if (backend === 'bwrap') return planBwrap(resolved, opts, network);
  // chooseLinuxBackend gives a proxied network only to the namespace backends.
  if (network === 'proxied') throw new UnsupportedPolicyError(`the ${backend} backend cannot force connections through the network proxy`, { value: backend });
  return backend === 'seccomp' ? planSeccomp(opts, network) : planLandlock(resolved, opts, network);
}
