// config/config-schema: strict checks of the config keys this package uses, one layer at a time so
// each error points at the file, line and column that holds the bad value. Keys it does not use
// (the rest of an agent's config) are kept and never checked.
import { configError, isTable, type TomlTable, type ValueOrigin } from './toml-source';
import { validatePermissionsTable } from './permissions-schema';
import { expectOneOf, expectType, rejectUnknownKeys } from './schema-checks';
import { validateShellEnvironmentPolicy } from './shell-env-policy';

export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

export const APPROVAL_POLICIES = ['untrusted', 'on-failure', 'on-request', 'never'] as const;

const SANDBOX_WORKSPACE_WRITE_KEYS = ['writable_roots', 'network_access', 'exclude_tmpdir_env_var', 'exclude_slash_tmp'];

function expectStringArray(value: unknown, origin: ValueOrigin, path: (string | number)[]): void {
  expectType(value, 'array', origin, path);
  (value as unknown[]).forEach((v, i) => expectType(v, 'string', origin, [...path, i]));
}

/** Checks one layer's sandbox-relevant keys; throws a located ConfigParseError on the first problem. */
export function validateConfigLayer(table: TomlTable, origin: ValueOrigin): void {
  if (table.sandbox_mode !== undefined) expectOneOf(table.sandbox_mode, SANDBOX_MODES, origin, ['sandbox_mode']);
  const sww = table.sandbox_workspace_write;
  if (sww !== undefined) {
    expectType(sww, 'table', origin, ['sandbox_workspace_write']);
    const t = sww as TomlTable;
    rejectUnknownKeys(t, SANDBOX_WORKSPACE_WRITE_KEYS, origin, ['sandbox_workspace_write'], '[sandbox_workspace_write]');
    if (t.writable_roots !== undefined) expectStringArray(t.writable_roots, origin, ['sandbox_workspace_write', 'writable_roots']);
    for (const flag of ['network_access', 'exclude_tmpdir_env_var', 'exclude_slash_tmp']) {
      if (t[flag] !== undefined) expectType(t[flag], 'boolean', origin, ['sandbox_workspace_write', flag]);
    }
  }
  if (table.default_permissions !== undefined) expectType(table.default_permissions, 'string', origin, ['default_permissions']);
  if (table.approval_policy !== undefined && !isTable(table.approval_policy)) {
    expectOneOf(table.approval_policy, APPROVAL_POLICIES, origin, ['approval_policy']);
  }
  if (table.approvals_reviewer !== undefined) expectOneOf(table.approvals_reviewer, ['user', 'auto_review'], origin, ['approvals_reviewer']);
  if (table.project_root_markers !== undefined && !isStringArray(table.project_root_markers)) {
    throw configError(origin, ['project_root_markers'], 'project_root_markers must be an array of strings', table.project_root_markers, 'value');
  }
  if (table.profile !== undefined) expectType(table.profile, 'string', origin, ['profile']);
  if (isTable(table.profiles)) {
    for (const [name, profile] of Object.entries(table.profiles)) {
      if (isTable(profile) && profile.sandbox_mode !== undefined) {
        expectOneOf(profile.sandbox_mode, SANDBOX_MODES, origin, ['profiles', name, 'sandbox_mode']);
      }
    }
  }
  if (table.projects !== undefined) {
    expectType(table.projects, 'table', origin, ['projects']);
    for (const [dir, entry] of Object.entries(table.projects as TomlTable)) {
      expectType(entry, 'table', origin, ['projects', dir]);
      const level = (entry as TomlTable).trust_level;
      if (level !== undefined) expectOneOf(level, ['trusted', 'untrusted'], origin, ['projects', dir, 'trust_level']);
    }
  }
  validateShellEnvironmentPolicy(table, origin);
  if (table.permissions !== undefined) {
    expectType(table.permissions, 'table', origin, ['permissions']);
    validatePermissionsTable(table.permissions as TomlTable, origin, ['permissions']);
  }
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
