// config/resolve-sandbox: which sandbox policy the merged config and the requirements produce
// (docs/reference.md#permission-profiles-in-config, #project-trust, #requirements). Order of decision: --sandbox, --permissions, the
// selected profile's sandbox_mode, sandbox_mode, default_permissions, the administrator's default,
// then the trust-derived default. Requirements then constrain the result, falling back with a
// warning as the reference does; deny_read requirements are added last.
import { constrainNetwork } from './network-requirements';
import { builtinPolicy } from '../policy/builtin';
import { hasFullDiskWrite } from '../policy/policy-predicates';
import type { FileSystemEntry, SandboxPolicy } from '../policy/types';
import type { ConstraintError } from '../errors';
import type { SandboxMode } from './config-schema';
import type { ConfigLayer, TrustDecision } from './layer-types';
import { getPath } from './merge';
import { expandHomePath, type PathContext } from './path-fields';
import { compileProfile, type ProfileSource } from './permissions-compile';
import { debugName, invalidValueError, type Requirements, type RequirementSandboxMode } from './requirements';
import { isTable, type TomlTable } from './toml-source';
import { protectTrustedProjectConfigs } from './trusted-config-guard';
import { materializeLegacyWorkspace, materializeProfileRoots } from './workspace-roots';

/** Which input decided the policy. */
export interface PolicySource {
  kind: 'override' | 'config' | 'requirements' | 'default';
  /** `sandbox_mode`, `profiles.<p>.sandbox_mode`, `default_permissions`, or the flag name. */
  key: string;
  /** The mode or profile name that was selected. */
  value: string;
  /** Display name of the config layer or requirement source that set it. */
  layer?: string;
  /** Set when requirements replaced the configured value. */
  fallbackFrom?: string;
}

export interface UnenforceableSetting {
  key: string;
  source: string;
  reason: string;
}

export interface SandboxResolution {
  policy: SandboxPolicy;
  /** Project roots for `project_roots` entries: cwd first, then any extra roots of the profile. */
  workspaceRoots: string[];
  source: PolicySource;
  approvalPolicy?: { value: string; source: string };
  approvalsReviewer?: { value: string; source: string };
  warnings: string[];
  unenforceable: UnenforceableSetting[];
}

export interface ResolveSandboxInput {
  merged: TomlTable;
  /** Display name of the highest enabled layer that set each leaf path. */
  origins: Record<string, string>;
  layers: readonly ConfigLayer[];
  requirements: Requirements;
  cwdTrust: TrustDecision;
  cwd: string;
  /** The directory project-roots entries are bound to: cwd, or the target's cwd in a cross-OS plan. */
  projectRootsCwd: string;
  pathCtx: PathContext;
  platform: 'linux' | 'macos' | 'windows';
  sandboxModeOverride?: SandboxMode;
  permissionsOverride?: string;
  /** A whole policy given on the command line (`--permission-profile`); requirements still apply. */
  policyOverride?: SandboxPolicy;
  /** Writable roots added on the command line to a workspace-write mode (absolute). */
  extraWritableRoots?: string[];
}

type Selection =
  | { kind: 'mode'; mode: SandboxMode; source: PolicySource }
  | { kind: 'profile'; name: string; source: PolicySource }
  | { kind: 'policy'; policy: SandboxPolicy; source: PolicySource };

const MODE_PROFILE_ID: Record<SandboxMode, string> = {
  'read-only': ':read-only',
  'workspace-write': ':workspace',
  'danger-full-access': ':danger-full-access',
};

/** The flags of `[sandbox_workspace_write]`: they shape the legacy mode only, never a profile. */
interface WorkspaceFlags {
  networkAccess: boolean;
  excludeTmpdirEnvVar: boolean;
  excludeSlashTmp: boolean;
}

function workspaceFlags(merged: TomlTable): WorkspaceFlags {
  const sww = isTable(merged.sandbox_workspace_write) ? merged.sandbox_workspace_write : {};
  return {
    networkAccess: sww.network_access === true,
    excludeTmpdirEnvVar: sww.exclude_tmpdir_env_var === true,
    excludeSlashTmp: sww.exclude_slash_tmp === true,
  };
}

function select(input: ResolveSandboxInput): Selection {
  const { merged, origins } = input;
  if (input.policyOverride !== undefined) {
    return { kind: 'policy', policy: input.policyOverride, source: { kind: 'override', key: '--permission-profile', value: 'permission profile' } };
  }
  if (input.sandboxModeOverride !== undefined) {
    return { kind: 'mode', mode: input.sandboxModeOverride, source: { kind: 'override', key: '--sandbox', value: input.sandboxModeOverride } };
  }
  if (input.permissionsOverride !== undefined) {
    return { kind: 'profile', name: input.permissionsOverride, source: { kind: 'override', key: '--permissions', value: input.permissionsOverride } };
  }
  // The legacy keys win over default_permissions whenever they are set anywhere (docs/reference.md#permission-profiles-in-config).
  const profile = merged.profile;
  if (typeof profile === 'string') {
    const mode = getPath(merged, ['profiles', profile, 'sandbox_mode']);
    if (typeof mode === 'string') {
      const key = `profiles.${profile}.sandbox_mode`;
      return { kind: 'mode', mode: mode as SandboxMode, source: { kind: 'config', key, value: mode, layer: origins[key] } };
    }
  }
  if (typeof merged.sandbox_mode === 'string') {
    const mode = merged.sandbox_mode as SandboxMode;
    return { kind: 'mode', mode, source: { kind: 'config', key: 'sandbox_mode', value: mode, layer: origins.sandbox_mode } };
  }
  if (typeof merged.default_permissions === 'string') {
    const name = merged.default_permissions;
    return { kind: 'profile', name, source: { kind: 'config', key: 'default_permissions', value: name, layer: origins.default_permissions } };
  }
  const managed = input.requirements.defaultPermissions;
  if (managed !== undefined) {
    return { kind: 'profile', name: managed.value, source: { kind: 'requirements', key: 'default_permissions', value: managed.value, layer: managed.source } };
  }
  // docs/reference.md#project-trust: any trust decision for the project makes workspace-write the default, except on Windows
  // where the reference's default sandbox cannot write.
  const mode: SandboxMode = input.cwdTrust.level !== undefined && input.platform !== 'windows' ? 'workspace-write' : 'read-only';
  return { kind: 'mode', mode, source: { kind: 'default', key: 'sandbox_mode', value: mode } };
}

function profileSources(input: ResolveSandboxInput): Record<string, ProfileSource> {
  const out: Record<string, ProfileSource> = {};
  const perms = isTable(input.merged.permissions) ? input.merged.permissions : {};
  for (const [name, table] of Object.entries(perms)) {
    if (!isTable(table)) continue;
    // Errors point at the highest layer that wrote into this profile.
    const layer = [...input.layers].reverse().find((l) => l.disabledReason === undefined && isTable(getPath(l.config, ['permissions', name])));
    out[name] = { table, origin: layer?.origin ?? { kind: 'flag', flag: '-c' }, path: ['permissions', name] };
  }
  // Profiles an administrator defines in requirements replace same-named local ones.
  for (const [name, p] of Object.entries(input.requirements.profiles)) {
    out[name] = { table: p.value, origin: p.origin, path: ['permissions', name] };
  }
  return out;
}

interface Candidate {
  policy: SandboxPolicy;
  workspaceRoots: string[];
  warnings: string[];
  unenforceable: UnenforceableSetting[];
}

function build(selection: Selection, input: ResolveSandboxInput): Candidate {
  const flags = workspaceFlags(input.merged);
  if (selection.kind === 'policy') {
    return { policy: selection.policy, workspaceRoots: [input.cwd], warnings: [], unenforceable: [] };
  }
  if (selection.kind === 'mode') {
    const configured = getPath(input.merged, ['sandbox_workspace_write', 'writable_roots']);
    const roots =
      selection.mode === 'workspace-write'
        ? [...(Array.isArray(configured) ? (configured as string[]) : []), ...(input.extraWritableRoots ?? [])].map((r) => expandHomePath(r, input.pathCtx))
        : [];
    const policy = builtinPolicy(selection.mode, {
      // network_access belongs to [sandbox_workspace_write]; the other modes keep their own network.
      ...(selection.mode === 'workspace-write' ? { network: flags.networkAccess } : {}),
      excludeTmpdirEnvVar: flags.excludeTmpdirEnvVar,
      excludeSlashTmp: flags.excludeSlashTmp,
    });
    return { policy: materializeLegacyWorkspace(policy, input.projectRootsCwd, roots), workspaceRoots: [input.cwd], warnings: [], unenforceable: [] };
  }
  const selectedBy =
    selection.source.kind === 'override'
      ? { flag: selection.source.key }
      : selection.source.kind === 'requirements'
        ? { origin: { kind: 'file' as const, file: selection.source.layer ?? 'requirements', text: '' }, path: ['default_permissions'] }
        : {
            origin: [...input.layers].reverse().find((l) => l.disabledReason === undefined && typeof l.config.default_permissions === 'string')?.origin ?? {
              kind: 'flag' as const,
              flag: '-c',
            },
            path: ['default_permissions'],
          };
  const compiled = compileProfile({
    name: selection.name,
    profiles: profileSources(input),
    cwd: input.cwd,
    pathCtx: input.pathCtx,
    platform: input.platform,
    selectedBy,
  });
  return {
    policy: materializeProfileRoots(compiled.policy, input.projectRootsCwd, compiled.workspaceRoots),
    workspaceRoots: [input.cwd, ...compiled.workspaceRoots],
    warnings: compiled.warnings,
    unenforceable: [],
  };
}

/** The mode a policy amounts to, as the reference's sandbox-mode validator classifies it (docs/reference.md#requirements). */
export function modeOfPolicy(policy: SandboxPolicy): RequirementSandboxMode {
  const fs = policy.fileSystem;
  if (fs.kind === 'external-sandbox') return 'external-sandbox';
  if (fs.kind === 'unrestricted' || hasFullDiskWrite(fs)) return 'danger-full-access';
  return fs.entries.some((e) => e.access === 'write') ? 'workspace-write' : 'read-only';
}

/** The id a permission-profile allow-list knows the selection by; a raw JSON profile has none. */
function selectionId(selection: Selection): string {
  if (selection.kind === 'policy') return '--permission-profile';
  return selection.kind === 'profile' ? selection.name : MODE_PROFILE_ID[selection.mode];
}

interface Violation {
  error: ConstraintError;
  /** Which allow-list refused it: the sandbox modes, or the permission profiles. */
  list: 'modes' | 'profiles';
}

/**
 * The reason a candidate violates the requirements, or undefined when it is allowed. The profile
 * allow-list is checked first: Codex 0.169.0 moves a refused profile (or legacy mode, under its
 * built-in id) to the administrator's default before it checks the sandbox mode.
 */
function violation(selection: Selection, candidate: Candidate, req: Requirements, modesOnly = false): Violation | undefined {
  const profiles = req.allowedPermissionProfiles;
  const id = selectionId(selection);
  if (!modesOnly && profiles !== undefined && !profiles.value.includes(id)) {
    return { error: invalidValueError('permission_profile', id, profiles.value, profiles.source), list: 'profiles' };
  }
  const modes = req.allowedSandboxModes;
  const mode = modeOfPolicy(candidate.policy);
  if (modes !== undefined && !modes.value.includes(mode)) return { error: invalidValueError('sandbox_mode', mode, modes.value, modes.source), list: 'modes' };
  return undefined;
}

const READ_ONLY_FALLBACK: Selection = { kind: 'mode', mode: 'read-only', source: { kind: 'requirements', key: 'sandbox_mode', value: 'read-only' } };

/**
 * What requirements fall back to. A refused sandbox mode becomes read-only, whatever the
 * administrator's default; a refused profile becomes that default, else read-only (both as Codex
 * 0.169.0 resolves them).
 */
function fallbackSelection(req: Requirements, refused: Violation): Selection {
  const managed = req.defaultPermissions;
  if (refused.list === 'profiles' && managed !== undefined) {
    return { kind: 'profile', name: managed.value, source: { kind: 'requirements', key: 'default_permissions', value: managed.value, layer: managed.source } };
  }
  return READ_ONLY_FALLBACK;
}

/** A refused sandbox mode keeps the refused policy's deny entries on top of read-only, as the reference does. */
function keepDenies(fallback: Candidate, refused: Candidate): void {
  const from = refused.policy.fileSystem;
  const to = fallback.policy.fileSystem;
  if (from.kind !== 'restricted' || to.kind !== 'restricted') return;
  const denies = from.entries.filter((e) => e.access === 'deny');
  if (denies.length > 0) fallback.policy = { ...fallback.policy, fileSystem: { ...to, entries: [...to.entries, ...denies] } };
}

function denyReadEntries(req: Requirements): FileSystemEntry[] {
  return req.denyRead.map((d) => (d.glob ? { path: { type: 'glob_pattern', pattern: d.path }, access: 'deny' } : { path: { type: 'path', path: d.path }, access: 'deny' }));
}

/** Adds the administrator's deny_read entries; an unrestricted file system becomes root:write plus denies. */
function applyDenyRead(candidate: Candidate, req: Requirements): void {
  if (req.denyRead.length === 0) return;
  const fs = candidate.policy.fileSystem;
  const extra = denyReadEntries(req);
  if (fs.kind === 'restricted') {
    candidate.policy = { ...candidate.policy, fileSystem: { ...fs, entries: [...fs.entries, ...extra] } };
  } else if (fs.kind === 'unrestricted') {
    const root: FileSystemEntry = { path: { type: 'special', value: { kind: 'root' } }, access: 'write' };
    candidate.policy = { ...candidate.policy, fileSystem: { kind: 'restricted', entries: [root, ...extra] } };
  } else {
    candidate.unenforceable.push({
      key: 'permissions.filesystem.deny_read',
      source: req.denyRead[0].source,
      reason: 'deny_read cannot be added to an external sandbox, whose file system this package does not control',
    });
  }
}

/** Holds the network to the administrator's managed network (network-requirements.ts). */
function applyManagedNetwork(candidate: Candidate, req: Requirements): void {
  if (req.network === undefined) return;
  if (candidate.policy.fileSystem.kind === 'external-sandbox') {
    // An external sandbox owns its network: the managed proxy cannot be put in front of it, and dropping the requirement would widen.
    if (candidate.policy.network !== 'restricted') {
      candidate.unenforceable.push({
        key: 'experimental_network',
        source: req.network.source,
        reason: 'the managed network proxy cannot be applied to an external sandbox, whose network this package does not control',
      });
    }
    return;
  }
  candidate.policy = { ...candidate.policy, network: constrainNetwork(candidate.policy.network, req.network) };
}

/**
 * A configured approval setting under an allow-list (docs/reference.md#requirements): kept when allowed; otherwise the
 * first allowed value, with the reference's fallback warning. Unset means the first allowed value.
 */
function resolveConstrained(
  input: ResolveSandboxInput,
  key: 'approval_policy' | 'approvals_reviewer',
  allowed: { value: string[]; source: string } | undefined,
  warnings: string[],
): { value: string; source: string } | undefined {
  const configured = input.merged[key];
  const layer = input.origins[key];
  if (allowed === undefined) {
    return typeof configured === 'string' ? { value: configured, source: layer ?? 'config' } : undefined;
  }
  if (typeof configured !== 'string') return { value: allowed.value[0], source: allowed.source };
  if (allowed.value.includes(configured)) return { value: configured, source: layer ?? 'config' };
  const err = invalidValueError(key, configured, allowed.value, allowed.source);
  warnings.push(`Configured value for \`${key}\` is disallowed by requirements; falling back to required value ${debugName(allowed.value[0])}. Details: ${err.message}`);
  return { value: allowed.value[0], source: allowed.source };
}

export function resolveSandbox(input: ResolveSandboxInput): SandboxResolution {
  const req = input.requirements;
  const warnings: string[] = [];
  let selection = select(input);
  let candidate = build(selection, input);
  const problem = violation(selection, candidate, req);
  if (problem !== undefined) {
    const configured = selectionId(selection);
    let fallback = fallbackSelection(req, problem);
    let fallbackCandidate = build(fallback, input);
    if (problem.list === 'modes') {
      keepDenies(fallbackCandidate, candidate);
    } else if (violation(fallback, fallbackCandidate, req, true) !== undefined) {
      // The administrator's default is itself held to the allowed modes; read-only (always allowed,
      // requirements insist on it) with that default's denies is the last resort, as in Codex 0.169.0.
      const lastResort = build(READ_ONLY_FALLBACK, input);
      keepDenies(lastResort, fallbackCandidate);
      fallback = READ_ONLY_FALLBACK;
      fallbackCandidate = lastResort;
    }
    const field = selection.kind !== 'mode' || req.allowedPermissionProfiles !== undefined ? 'permission_profile' : 'sandbox_mode';
    // A derived default that requirements forbid falls back silently (docs/reference.md#project-trust); a configured value warns.
    if (selection.source.kind !== 'default') {
      warnings.push(
        field === 'permission_profile'
          ? `Configured value for \`permission_profile\` is disallowed by requirements; falling back from \`${configured}\` to required value \`${selectionId(fallback)}\`.`
          : `Configured value for \`sandbox_mode\` is disallowed by requirements; falling back to required value ${debugName(fallback.kind === 'mode' ? fallback.mode : selectionId(fallback))}. Details: ${problem.error.message}`,
      );
    }
    const fallbackFrom = selection.kind === 'mode' ? selection.mode : selection.kind === 'profile' ? selection.name : '--permission-profile';
    selection = { ...fallback, source: { ...fallback.source, fallbackFrom } } as Selection;
    candidate = fallbackCandidate;
  }
  applyDenyRead(candidate, req);
  applyManagedNetwork(candidate, req);
  // Deviation from the reference (issue #20, docs/config.md): a trusted project's `.codex` inside a
  // writable root is read-only, so the sandbox cannot configure the next session there.
  candidate.policy = protectTrustedProjectConfigs(candidate.policy, input.merged, input.pathCtx.windows);
  const approvalPolicy = resolveConstrained(input, 'approval_policy', req.allowedApprovalPolicies, warnings);
  const approvalsReviewer = resolveConstrained(input, 'approvals_reviewer', req.allowedApprovalsReviewers, warnings);
  const unenforceable = candidate.unenforceable;
  const out: SandboxResolution = {
    policy: candidate.policy,
    workspaceRoots: candidate.workspaceRoots,
    source: selection.source,
    warnings: [...candidate.warnings, ...warnings],
    unenforceable,
  };
  if (approvalPolicy !== undefined) out.approvalPolicy = approvalPolicy;
  if (approvalsReviewer !== undefined) out.approvalsReviewer = approvalsReviewer;
  return out;
}
