// platform/windows/plan-windows: planWindows, the Windows planner (issue #9; the reference behaviour it follows: docs/reference.md#windows).
//
// Owns the choice between the unelevated restricted-token backend and the elevated sandbox-account
// backend, and turns a policy into one of them as plain data: ordered ACL ops, the token spec,
// the launch spec, accounts and firewall rules, each rendered once into the request the native
// runner and setup executables apply. Pure: no clock, randomness, probing or processes; the file
// system is read only through the injected WindowsHostView. May import policy, errors,
// platform/common and this folder; never another OS, native or child_process.

import { UsageError } from '../../errors';
import type { SandboxPolicy } from '../../policy/types';
import type { Enforcement, Requirement } from '../common/types';
import { capabilityRoots, denyWriteTargets, elevatedAclOps, readOnlySid, tokenAclOps } from './acl-ops';
import { elevatedChildEnv, findGitRoot, getWindowsEnv, tokenChildEnv } from './child-env';
import { buildWindowsCommandLine } from './command-line';
import { offlineNetworkSettings, planOfflineFirewall } from './firewall-rules';
import { chooseWindowsBackend, checkWindowsPolicyShape, type WindowsBackend } from './gate';
import { describeDenyReadGlob, expandDenyReadGlob } from './glob';
import { lexicalWindowsHost, type WindowsHostView } from '../../policy/windows-host';
import { formatWindowsPath, isWindowsPathWithin, tryParseWindowsPath, windowsPathsEqual, type WindowsPath } from '../../policy/windows-paths';
import type { AclOp, DenyReadGlobPlan, LaunchSpec, RevokeOp, TokenSpec, WindowsElevatedPlan, WindowsPlan, WindowsTokenPlan } from './plan-types';
import { renderRunnerRequest, renderSetupRequest } from './render-request';
import type { WindowsResolvedPolicy } from '../../policy/resolve-windows';
import { planWorldWritableAudit } from './world-writable';
import { EVERYONE_SID, MASK_ALLOW_WRITE, MASK_DENY_WRITE, MASK_GRANT_READ, MASK_NUL_DEVICE, TOKEN_FLAG_NAMES, TOKEN_FLAGS } from './security-ids';
import { checkWindowsResolvedPolicy } from '../../policy/typed-schema';

export interface PlanWindowsOptions {
  backend?: 'auto' | WindowsBackend;
  command: string[];
  /** The child's environment as the caller would pass it (TEMP, TMP, USERPROFILE, proxies...); the one the policy was resolved with. */
  env?: Record<string, string>;
  /** The Windows host the policy was resolved against (deny-glob expansion and the git root read it too); default the lexical view. */
  host?: WindowsHostView;
  /** The effective policy in PermissionProfile wire form (the dispatcher computes it). */
  permissionProfile: Record<string, unknown>;
  /** Where the elevated backend keeps its state; default `%USERPROFILE%\.codex`. */
  codexHome?: string;
  /** Directory holding codex-sandbox-helper.exe and codex-sandbox-setup.exe; default `<codexHome>\.sandbox-bin`. */
  helperDir?: string;
  /**
   * Accept the restricted token's environment-only network block (docs/reference.md#windows-restricted-token) for a restricted network.
   * Without it a restricted network needs the elevated backend, which blocks it at OS level.
   */
  acceptAdvisoryNetworkBlock?: boolean;
  /**
   * Restricted token only: remove the plan's ACEs after the command's job is closed. Off by
   * default, as in the reference, because later runs reuse them; turning it on while another
   * sandbox uses the same root takes its grants away mid-run.
   */
  revertAcesAfterRun?: boolean;
}

/** Bumped whenever what setup provisions changes, so old installs are re-provisioned. */
export const WINDOWS_SETUP_VERSION = 1;

export const SANDBOX_ACCOUNTS = {
  offline: 'CodexSandboxOffline',
  online: 'CodexSandboxOnline',
  group: 'CodexSandboxUsers',
} as const;

/**
 * Profile children never granted to the sandbox accounts: credential stores and tool configs
 * (docs/reference.md#windows-read-roots), compared case-insensitively by the setup executable.
 */
export const PROFILE_CHILDREN_EXCLUDED = ['.ssh', '.tsh', '.brev', '.gnupg', '.aws', '.azure', '.kube', '.docker', '.config', '.npm', '.pki', '.terraform.d'];

const DEFAULT_DESKTOP = 'Winsta0\\Default';

function launchSpec(command: string[], cwd: WindowsPath, env: Record<string, string>): LaunchSpec {
  // Without an interactive desktop (an SSH session) the child gets none, as the reference does.
  const headless = ['SSH_CONNECTION', 'SSH_CLIENT', 'SSH_TTY'].some((k) => (getWindowsEnv(env, k) ?? '') !== '');
  return {
    commandLine: buildWindowsCommandLine(command),
    cwd: formatWindowsPath(cwd),
    desktop: headless ? null : DEFAULT_DESKTOP,
    killOnJobClose: true,
  };
}

function tokenSpec(capabilitySids: string[], withUserSid: boolean): TokenSpec {
  return {
    flags: [...TOKEN_FLAG_NAMES],
    flagBits: TOKEN_FLAGS,
    restrictingSids: [...capabilitySids, ...(withUserSid ? ['@user'] : []), '@logon', EVERYONE_SID],
    // Not the user SID: the default DACL covers objects the child creates, such as the pipes a
    // PowerShell pipeline makes, and those need only the restricting identities (docs/reference.md#windows-restricted-token).
    defaultDaclSids: ['@logon', EVERYONE_SID, ...capabilitySids],
    enablePrivileges: ['SeChangeNotifyPrivilege'],
    retryWithoutUserSidOn: withUserSid ? [5, 1312] : [],
  };
}

function windowsDir(env: Record<string, string>, name: string, fallback: string): string {
  const value = getWindowsEnv(env, name);
  const parsed = value === undefined ? null : tryParseWindowsPath(value);
  return parsed === null ? fallback : formatWindowsPath(parsed);
}

/**
 * `C:\Windows`, `C:\Program Files`, `C:\Program Files (x86)`, `C:\ProgramData` (docs/reference.md#windows-read-roots), taken from
 * SystemRoot/ProgramFiles/ProgramFiles(x86)/ProgramData when set, because Windows need not be on
 * C: (docs/reference.md#windows-read-roots).
 */
export function windowsPlatformDefaultReadRoots(env: Record<string, string>): string[] {
  return [
    windowsDir(env, 'SystemRoot', 'C:\\Windows'),
    windowsDir(env, 'ProgramFiles', 'C:\\Program Files'),
    windowsDir(env, 'ProgramFiles(x86)', 'C:\\Program Files (x86)'),
    windowsDir(env, 'ProgramData', 'C:\\ProgramData'),
  ];
}

function baseEnforcement(backend: WindowsBackend): Enforcement {
  return { backend, filesystem: true, network: 'not-restricted', noNewPrivs: false, seccomp: false, handled: [], skippedHardening: [] };
}

/**
 * The runner starts unrestricted, as the real user (or the sandbox account): if a sandboxed
 * command could rewrite the helper executable, the next run would execute its code outside any
 * sandbox. When the helper directory lies inside a writable root, it gets a deny-write ACE for
 * every capability SID of the plan.
 */
function helperProtectionOps(helperDir: string, resolved: WindowsResolvedPolicy, sids: string[]): AclOp[] {
  const dir = tryParseWindowsPath(helperDir);
  if (dir === null || !resolved.writableRoots.some((r) => isWindowsPathWithin(dir, r.root))) return [];
  return [{ kind: 'ace', action: 'deny', path: formatWindowsPath(dir), principals: sids, mask: MASK_DENY_WRITE, ifMissing: 'skip', reason: 'helper-protection' }];
}

function planToken(policy: SandboxPolicy, resolved: WindowsResolvedPolicy, opts: PlanWindowsOptions, env: Record<string, string>, helperDir: string): WindowsTokenPlan {
  const roots = capabilityRoots(resolved, 'machine');
  const roSid = roots.length === 0 ? readOnlySid('machine') : null;
  const sids = roSid === null ? roots.map((r) => r.sid) : [roSid];
  const token = tokenSpec(sids, false);
  const aclOps = [...helperProtectionOps(helperDir, resolved, sids), ...tokenAclOps(resolved, roots, roSid)];
  const advisory = policy.network === 'restricted';
  const childEnv = tokenChildEnv(env, advisory);
  const launch = launchSpec(opts.command, resolved.cwd, env);
  const revertAfterExit = opts.revertAcesAfterRun === true ? revokeOpsFor(aclOps) : [];
  const worldWritableAudit = planWorldWritableAudit(
    resolved.cwd,
    env,
    resolved.writableRoots.map((r) => r.root),
    sids,
  );
  const enforcement = baseEnforcement('windows-token');
  enforcement.handled = ['restricted-token:write-restricted', 'capability-sids', 'dacl:allow-write', 'dacl:deny-write', 'job:kill-on-close', 'world-writable-audit:best-effort'];
  if (advisory) enforcement.skippedHardening = ['network: environment-only block (proxy variables at a dead port); sockets are not blocked'];
  const requires: Requirement[] = [
    { capability: 'windows:create-restricted-token', reason: 'the command runs under a WRITE_RESTRICTED token whose capability SIDs are allowed only on the writable roots' },
    { capability: 'windows:write-dac', reason: 'the runner adds allow and deny-write ACEs on the writable roots and carve-outs, which the user must own' },
  ];
  return {
    backend: 'windows-token',
    platform: 'windows',
    argv: [`${helperDir}\\codex-sandbox-helper.exe`, '--request-stdin'],
    env: childEnv.set,
    requires,
    hostPrep: [],
    enforcement,
    permissionProfile: opts.permissionProfile,
    cwd: formatWindowsPath(resolved.cwd),
    capabilityRoots: roots,
    readOnlySid: roSid,
    token,
    aclOps,
    launch,
    runnerRequest: renderRunnerRequest({
      backend: 'windows-token',
      token,
      aclOps,
      env: childEnv.set,
      advisoryNetworkBlock: childEnv.advisoryNetworkBlock,
      launch,
      logon: null,
      revertAfterExit,
      worldWritableAudit,
    }),
    warnings: resolved.warnings,
    advisoryNetworkBlock: childEnv.advisoryNetworkBlock,
    revertAfterExit,
    worldWritableAudit,
  };
}

/**
 * One revoke per ACE'd path and per NUL grant, for the principals the plan granted or denied.
 * The logon SID's NUL grant stays: every other process of the session shares that SID.
 */
function revokeOpsFor(ops: AclOp[]): RevokeOp[] {
  const out: RevokeOp[] = [];
  for (const op of ops) {
    if (op.kind === 'ace') out.push({ kind: 'revoke', path: op.path, principals: op.principals });
    else if (op.kind === 'nul-device') out.push({ kind: 'revoke-nul-device', principals: op.principals.filter((p) => p !== '@logon') });
  }
  return out;
}

function uniquePaths(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) if (!out.some((q) => q.toUpperCase() === p.toUpperCase())) out.push(p);
  return out;
}

function planElevated(
  policy: SandboxPolicy,
  resolvedIn: WindowsResolvedPolicy,
  opts: PlanWindowsOptions,
  env: Record<string, string>,
  codexHome: WindowsPath,
  helperDir: string,
): WindowsElevatedPlan {
  const home = formatWindowsPath(codexHome);
  const stateDirs = { sandbox: `${home}\\.sandbox`, secrets: `${home}\\.sandbox-secrets`, bin: `${home}\\.sandbox-bin` };
  const resolved = dropStateRoots(resolvedIn, codexHome);
  const warnings = [...resolved.warnings];
  const roots = capabilityRoots(resolved, 'machine');
  const roSid = roots.length === 0 ? readOnlySid('machine') : null;
  const sids = roSid === null ? roots.map((r) => r.sid) : [roSid];
  const token = tokenSpec(sids, true);

  const host = opts.host ?? lexicalWindowsHost;
  const denyReadPaths = resolved.denyReadPaths.map(formatWindowsPath);
  const denyReadGlobs: DenyReadGlobPlan[] = resolved.denyReadGlobs.map((pattern) => {
    const g = describeDenyReadGlob(pattern, policy.fileSystem.kind === 'restricted' ? policy.fileSystem.globScanMaxDepth : undefined);
    return { ...g, matches: expandDenyReadGlob(g, host) };
  });
  const denyParsed = resolved.denyReadPaths;
  const writeParsed = resolved.writableRoots.map((r) => r.root);
  // An inherited deny ACE beats any grant below it, so a readable or writable entry nested under a
  // deny-read path cannot be reopened: it stays denied, which narrows the policy (allowed) and is
  // reported here.
  for (const p of [...writeParsed, ...resolved.readableRoots]) {
    const d = denyParsed.find((deny) => isWindowsPathWithin(p, deny) && p.parts.length > deny.parts.length);
    if (d !== undefined) warnings.push(`${formatWindowsPath(p)} lies under deny-read ${formatWindowsPath(d)} and stays unreadable: the inherited deny ACE wins`);
  }
  const profile = tryParseWindowsPath(getWindowsEnv(env, 'USERPROFILE') ?? '');
  const candidates: WindowsPath[] = [
    ...[helperDir, ...windowsPlatformDefaultReadRoots(env)].flatMap((p) => {
      const parsed = tryParseWindowsPath(p);
      return parsed === null ? [] : [parsed];
    }),
    resolved.cwd,
    ...writeParsed,
    ...resolved.readableRoots,
  ];
  const stateBin = tryParseWindowsPath(stateDirs.bin) as WindowsPath;
  // Dropped: the state bin directory (its own state-dir grant covers it), write roots (they get the write grant), anything under a deny-read path (the deny
  // would win anyway; the grant would only confuse audits), and USERPROFILE itself, which is
  // always expanded child by child so that credential stores stay private (docs/reference.md#windows-read-roots).
  const readRoots = uniquePaths(
    candidates
      .filter((p) => !windowsPathsEqual(p, stateBin) && !writeParsed.some((w) => windowsPathsEqual(w, p)))
      .filter((p) => !denyParsed.some((d) => isWindowsPathWithin(p, d)))
      .filter((p) => profile === null || !windowsPathsEqual(p, profile))
      .map(formatWindowsPath),
  );
  const profileChildren = profile === null ? null : { parent: formatWindowsPath(profile), exceptNames: [...PROFILE_CHILDREN_EXCLUDED] };

  const runAs = policy.network === 'restricted' ? 'offline' : 'online';
  const accounts = { ...SANDBOX_ACCOUNTS, runAs } as const;
  const net = offlineNetworkSettings(env);
  const firewall = planOfflineFirewall(net.proxyPorts, net.allowLocalBinding);

  const aclOps = elevatedAclOps({
    resolved,
    roots,
    group: SANDBOX_ACCOUNTS.group,
    denyReadPaths,
    denyReadMatches: uniquePaths(denyReadGlobs.flatMap((g) => g.matches)),
    readRoots,
    profileChildren,
  });
  // The secrets are closed to the group; the bin directory, whose helper runs unrestricted, is
  // read-only to the group and to every capability SID, and so is the rest of the state, in
  // case a writable root contains it.
  const stateDirOps: AclOp[] = [
    { kind: 'ace', action: 'deny', path: stateDirs.secrets, principals: [SANDBOX_ACCOUNTS.group], mask: MASK_ALLOW_WRITE, ifMissing: 'create-dir', reason: 'state-dir' },
    { kind: 'ace', action: 'deny', path: stateDirs.bin, principals: [SANDBOX_ACCOUNTS.group, ...sids], mask: MASK_DENY_WRITE, ifMissing: 'create-dir', reason: 'state-dir' },
    { kind: 'ace', action: 'deny', path: stateDirs.sandbox, principals: sids, mask: MASK_DENY_WRITE, ifMissing: 'create-dir', reason: 'state-dir' },
    { kind: 'ace', action: 'deny', path: stateDirs.secrets, principals: sids, mask: MASK_DENY_WRITE, ifMissing: 'create-dir', reason: 'state-dir' },
    ...(windowsPathsEqual(tryParseWindowsPath(helperDir) ?? codexHome, tryParseWindowsPath(stateDirs.bin) as WindowsPath) ? [] : helperProtectionOps(helperDir, resolved, sids)),
    { kind: 'ace', action: 'allow', path: stateDirs.sandbox, principals: [SANDBOX_ACCOUNTS.group], mask: MASK_ALLOW_WRITE, ifMissing: 'create-dir', reason: 'state-dir' },
    { kind: 'ace', action: 'allow', path: stateDirs.bin, principals: [SANDBOX_ACCOUNTS.group], mask: MASK_GRANT_READ, ifMissing: 'create-dir', reason: 'state-dir' },
  ];
  const nulOp: AclOp = { kind: 'nul-device', principals: sids, mask: MASK_NUL_DEVICE };

  const childEnv = elevatedChildEnv(env, findGitRoot(resolved.cwd, host));
  const launch = launchSpec(opts.command, resolved.cwd, env);
  const secretsFile = `${stateDirs.secrets}\\sandbox_users.txt`;
  const enforcement = baseEnforcement('windows-elevated');
  enforcement.network = runAs === 'offline' ? 'enforced' : 'not-restricted';
  enforcement.handled = [
    'sandbox-account',
    'restricted-token:write-restricted',
    'capability-sids',
    'dacl:deny-read',
    'dacl:deny-write',
    'dacl:read-grants',
    'job:kill-on-close',
    ...(runAs === 'offline' ? ['firewall:offline-account'] : []),
  ];
  // The reference adds WFP filters (DNS, DoT, SMB, ICMP) as best effort; they are not built here.
  if (runAs === 'offline') enforcement.skippedHardening = ['wfp-filters'];
  const setupAclOps = [...stateDirOps, ...aclOps];
  return {
    backend: 'windows-elevated',
    platform: 'windows',
    argv: [`${helperDir}\\codex-sandbox-helper.exe`, '--request-stdin'],
    env: childEnv.set,
    requires: [
      {
        capability: 'windows:sandbox-setup',
        reason: 'the sandbox accounts, group, stored credentials and firewall rules are provisioned once, elevated, by codex-sandbox-setup.exe',
      },
      { capability: 'windows:write-dac', reason: 'setup adds deny-read, deny-write and grant ACEs on the policy paths, which the user must own' },
    ],
    hostPrep: [],
    enforcement,
    permissionProfile: opts.permissionProfile,
    cwd: formatWindowsPath(resolved.cwd),
    capabilityRoots: roots,
    readOnlySid: roSid,
    token,
    aclOps: setupAclOps,
    launch,
    runnerRequest: renderRunnerRequest({
      backend: 'windows-elevated',
      token,
      aclOps: [nulOp],
      env: childEnv.set,
      advisoryNetworkBlock: null,
      launch,
      logon: { user: SANDBOX_ACCOUNTS[runAs], secretsFile, requestDir: `${stateDirs.sandbox}\\requests` },
      revertAfterExit: [],
      worldWritableAudit: null,
    }),
    warnings: [...new Set(warnings)],
    accounts,
    stateDirs,
    readRoots,
    profileChildren,
    denyReadPaths,
    denyReadGlobs,
    denyWritePaths: denyWriteTargets(resolved).map((t) => formatWindowsPath(t.path)),
    firewall,
    setupArgv: [`${helperDir}\\codex-sandbox-setup.exe`, '--request-stdin'],
    setupRequest: renderSetupRequest({
      setupVersion: WINDOWS_SETUP_VERSION,
      accounts: SANDBOX_ACCOUNTS,
      stateDirs,
      secretsFile,
      markerFile: `${stateDirs.sandbox}\\setup_marker.txt`,
      aclOps: setupAclOps,
      firewall,
    }),
  };
}

/**
 * Never a capability root: codex_home and anything inside it (config, sandbox state, secrets,
 * helpers), as in the reference (docs/reference.md#windows-elevated-backend, #windows-uninstall). Such roots are dropped, which narrows the policy
 * (allowed), with a warning.
 */
function dropStateRoots(resolved: WindowsResolvedPolicy, codexHome: WindowsPath | null): WindowsResolvedPolicy {
  if (codexHome === null) return resolved;
  const warnings = [...resolved.warnings];
  const writableRoots = resolved.writableRoots.filter((r) => {
    const inside = isWindowsPathWithin(r.root, codexHome);
    if (inside) warnings.push(`writable root ${formatWindowsPath(r.root)} is inside codex home ${formatWindowsPath(codexHome)} and is not granted`);
    return !inside;
  });
  return { ...resolved, writableRoots, warnings };
}

function codexHomeOf(opts: PlanWindowsOptions, env: Record<string, string>): WindowsPath | null {
  if (opts.codexHome !== undefined) {
    const parsed = tryParseWindowsPath(opts.codexHome);
    if (parsed === null) {
      throw new UsageError(`codexHome "${opts.codexHome}" is not an absolute Windows path; pass one such as C:\\Users\\me\\.codex`, { value: opts.codexHome, path: ['codexHome'] });
    }
    return parsed;
  }
  const profile = tryParseWindowsPath(getWindowsEnv(env, 'USERPROFILE') ?? '');
  return profile === null ? null : { ...profile, parts: [...profile.parts, '.codex'] };
}

/**
 * Plans a command for Windows from a policy resolved with the Windows path flavour
 * (`resolvePolicy(input, { flavour: 'windows', ... })`): chooses the backend (or checks the forced
 * one) and returns the plan, or throws E_UNSUPPORTED_POLICY (a shape the backend cannot express),
 * E_POLICY_INVALID (a malformed resolved policy) or E_USAGE (no command, over-long command line).
 */
export function planWindows(resolved: WindowsResolvedPolicy, opts: PlanWindowsOptions): WindowsPlan {
  checkWindowsResolvedPolicy(resolved);
  const policy = resolved.policy;
  checkWindowsPolicyShape(policy, opts.backend ?? 'auto');
  const env = opts.env ?? {};
  const backend = chooseWindowsBackend(policy, resolved, opts.backend ?? 'auto', opts.acceptAdvisoryNetworkBlock === true);
  const codexHome = codexHomeOf(opts, env);
  if (backend === 'windows-token') {
    const helperDir = opts.helperDir ?? (codexHome === null ? '.' : `${formatWindowsPath(codexHome)}\\.sandbox-bin`);
    return planToken(policy, dropStateRoots(resolved, codexHome), opts, env, helperDir);
  }
  if (codexHome === null) {
    throw new UsageError(
      'the elevated Windows sandbox needs a state directory: USERPROFILE is not set in the environment and no codexHome was given; set USERPROFILE (e.g. C:\\Users\\me) or pass codexHome',
      { path: ['codexHome'] },
    );
  }
  const helperDir = opts.helperDir ?? `${formatWindowsPath(codexHome)}\\.sandbox-bin`;
  return planElevated(policy, resolved, opts, env, codexHome, helperDir);
}
