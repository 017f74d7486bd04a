// platform/windows/plan-types: the Windows plans as plain data (docs/architecture.md#the-pipeline).
//
// Typed ops first (AclOp, TokenSpec, LaunchSpec, accounts, firewall rules), rendered once by
// render-request.ts into the line format the native runner and setup executables parse.
// May import platform/common types and this folder.

import type { PlanBase } from '../common/types';
import type { AdvisoryNetworkBlock } from './child-env';
import type { FirewallRule } from './firewall-rules';
import type { WorldWritableAudit } from './world-writable';

/**
 * A principal in an ACE: a SID string (`S-1-...`), or an account name (`CodexSandboxUsers`)
 * that the setup executable resolves with LookupAccountNameW, because account SIDs exist only
 * after provisioning.
 */
export type Principal = string;

/** Why an ACE exists, so `plan` output and logs can say it. */
export type AceReason = 'writable-root' | 'read-only-carve-out' | 'protected-metadata' | 'deny-read' | 'read-root' | 'state-dir' | 'helper-protection';

/** One ACE on one file-system object, inheritable by everything below it. */
export interface AceOp {
  kind: 'ace';
  action: 'allow' | 'deny';
  path: string;
  principals: Principal[];
  /** Access mask (DWORD). */
  mask: number;
  /** What to do when the path does not exist: skip the ACE, or create the directory first. */
  ifMissing: 'skip' | 'create-dir';
  reason: AceReason;
}

/** Read grants for each child of `parent` except the named ones (the USERPROFILE expansion, docs/reference.md#windows-read-roots). */
export interface ChildrenAceOp {
  kind: 'ace-children';
  action: 'allow';
  parent: string;
  /** Compared case-insensitively. */
  exceptNames: string[];
  principals: Principal[];
  mask: number;
  reason: 'read-root';
}

/** Read/write/execute on the `\\.\NUL` device object for each principal (docs/reference.md#windows-restricted-token). */
export interface NulDeviceOp {
  kind: 'nul-device';
  principals: Principal[];
  mask: number;
}

export type AclOp = AceOp | ChildrenAceOp | NulDeviceOp;

/** The restricted token (docs/reference.md#windows-restricted-token). Symbolic entries are resolved by the runner from its own token. */
export interface TokenSpec {
  flags: string[];
  flagBits: number;
  /**
   * Restricting SIDs in order: capability SIDs, then `@user` (the token's own user, elevated
   * backend only), then `@logon` (the logon SID), then Everyone.
   */
  restrictingSids: string[];
  /** Principals given GENERIC_ALL in the token's default DACL. */
  defaultDaclSids: string[];
  enablePrivileges: string[];
  /** CreateProcessAsUserW errors after which the runner retries once without `@user` (docs/reference.md#windows-elevated-backend). */
  retryWithoutUserSidOn: number[];
}

export interface LaunchSpec {
  /** CreateProcessW command line, quoted per CommandLineToArgvW. */
  commandLine: string;
  cwd: string;
  /** lpDesktop: `Winsta0\Default`, or null when headless (an SSH session). */
  desktop: string | null;
  /** The child and all its descendants die when the job handle closes. */
  killOnJobClose: true;
}

export interface CapabilityRoot {
  root: string;
  sid: string;
}

interface WindowsPlanCommon extends PlanBase {
  platform: 'windows';
  cwd: string;
  /** Capability SID per writable root; empty in read-only mode. */
  capabilityRoots: CapabilityRoot[];
  /** The SID used when no root is writable (read-only mode), else null. */
  readOnlySid: string | null;
  token: TokenSpec;
  /** ACL changes in application order: denies before grants (see acl-ops.ts). */
  aclOps: AclOp[];
  launch: LaunchSpec;
  /** The rendered runner request, fed to the helper on stdin before the child's own input. */
  runnerRequest: string;
  warnings: string[];
}

/** Removal of this package's ACEs for the given principals, after the command and its job end. */
export type RevokeOp = { kind: 'revoke'; path: string; principals: Principal[] } | { kind: 'revoke-nul-device'; principals: Principal[] };

export interface WindowsTokenPlan extends WindowsPlanCommon {
  backend: 'windows-token';
  /** Present only when the caller accepted the environment-only network block. */
  advisoryNetworkBlock: AdvisoryNetworkBlock | null;
  /**
   * ACEs the runner removes once the job is closed; empty unless `revertAcesAfterRun` was asked
   * for, because workspace ACEs persist by design (descendants may outlive a run, docs/reference.md#windows-restricted-token).
   */
  revertAfterExit: RevokeOp[];
  /** Deny-write on Everyone-writable directories outside the writable roots (best effort). */
  worldWritableAudit: WorldWritableAudit;
}

export interface SandboxAccounts {
  offline: string;
  online: string;
  group: string;
  /** The account this command runs as: offline when the network is restricted (docs/reference.md#windows-elevated-backend). */
  runAs: 'offline' | 'online';
}

export interface StateDirs {
  /** Logs, setup marker, deny-read state, request files. */
  sandbox: string;
  /** DPAPI-protected account credentials; denied to the sandbox group. */
  secrets: string;
  /** Helper executables the sandbox accounts may run. */
  bin: string;
}

export interface DenyReadGlobPlan {
  pattern: string;
  walkRoot: string;
  maxDepth: number | null;
  /** What the snapshot held at planning time. */
  matches: string[];
}

export interface WindowsElevatedPlan extends WindowsPlanCommon {
  backend: 'windows-elevated';
  accounts: SandboxAccounts;
  stateDirs: StateDirs;
  /** Directories the sandbox group is granted read and execute on. */
  readRoots: string[];
  /** Read grants for the children of USERPROFILE, minus credential stores (docs/reference.md#windows-read-roots). */
  profileChildren: { parent: string; exceptNames: string[] } | null;
  denyReadPaths: string[];
  denyReadGlobs: DenyReadGlobPlan[];
  denyWritePaths: string[];
  firewall: { proxyPorts: number[]; allowLocalBinding: boolean; rules: FirewallRule[]; remove: string[] };
  /** The setup executable's argv and its rendered request (provisioning, ACLs, firewall). */
  setupArgv: string[];
  setupRequest: string;
}

export type WindowsPlan = WindowsTokenPlan | WindowsElevatedPlan;
