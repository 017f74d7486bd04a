// config/config-lock: the effective-config lockfile (docs/reference.md#config-lockfile), restricted to what this
// package resolves: the sandbox policy in the reference's PermissionProfile wire form, the extra
// workspace roots, the approval policy and the requirements' constraints. Export pins them;
// verify re-resolves and fails with a TOML line diff on any drift.
import { ConfigParseError, ConstraintError } from '../errors';
import { policyToPermissionProfile } from '../policy/profile';
import { permissionProfileToWire } from '../policy/wire';
import type { EffectiveConfig } from './load-config';
import { modeOfPolicy } from './resolve-sandbox';
import { parseTomlText, type TomlTable } from './toml-source';
import { stringifyToml } from './toml-lib';

export const CONFIG_LOCK_VERSION = 1;

export interface ConfigLock {
  version: number;
  codexSandboxVersion: string;
  /** The `[config]` table, snake_case as written. */
  config: TomlTable;
}

/** The resolved, sandbox-relevant config of a load as the `[config]` table of a lock. */
export function lockConfigTable(effective: EffectiveConfig): TomlTable {
  const config: TomlTable = {
    sandbox_mode: modeOfPolicy(effective.policy),
    permission_profile: permissionProfileToWire(policyToPermissionProfile(effective.policy)),
  };
  // The profile names cwd and the extra roots already; the extra roots are listed again for readers.
  const extraRoots = effective.workspaceRoots.slice(1);
  if (extraRoots.length > 0) config.workspace_roots = extraRoots;
  if (effective.approvalPolicy !== undefined) config.approval_policy = effective.approvalPolicy.value;
  if (effective.approvalsReviewer !== undefined) config.approvals_reviewer = effective.approvalsReviewer.value;
  const req = effective.requirements;
  const requirements: TomlTable = {};
  if (req.allowedSandboxModes !== undefined) requirements.allowed_sandbox_modes = req.allowedSandboxModes.value;
  if (req.allowedApprovalPolicies !== undefined) requirements.allowed_approval_policies = req.allowedApprovalPolicies.value;
  if (req.allowedApprovalsReviewers !== undefined) requirements.allowed_approvals_reviewers = req.allowedApprovalsReviewers.value;
  if (req.allowedPermissionProfiles !== undefined) requirements.allowed_permission_profiles = req.allowedPermissionProfiles.value;
  if (req.defaultPermissions !== undefined) requirements.default_permissions = req.defaultPermissions.value;
  if (req.denyRead.length > 0) requirements.deny_read = req.denyRead.map((d) => d.path);
  if (Object.keys(requirements).length > 0) config.requirements = requirements;
  return config;
}

function renderLock(lock: ConfigLock): string {
  return `${stringifyToml({ version: lock.version, codex_sandbox_version: lock.codexSandboxVersion, config: lock.config }).trim()}\n`;
}

export interface ExportConfigLockOptions {
  /**
   * The codex-sandbox version recorded in the lock (`require('codex-sandbox/package.json').version`);
   * passed in because config/ reads nothing but config files.
   */
  codexSandboxVersion: string;
}

/** The lockfile text for a load: `version`, `codex_sandbox_version`, `[config]`. */
export function exportConfigLock(effective: EffectiveConfig, opts: ExportConfigLockOptions): string {
  return renderLock({ version: CONFIG_LOCK_VERSION, codexSandboxVersion: opts.codexSandboxVersion, config: lockConfigTable(effective) });
}

/** Parses a lockfile; anything but the three known top-level keys, or another version, is an error. */
export function parseConfigLock(text: string, file: string): ConfigLock {
  let table: TomlTable;
  try {
    table = parseTomlText(text, file, 'config lock file');
  } catch (err) {
    throw new ConfigParseError(`failed to parse config lock file ${file}: ${(err as Error).message}`, {
      source: (err as ConfigParseError).source ?? { file },
      cause: err,
    });
  }
  const unknown = Object.keys(table).filter((k) => !['version', 'codex_sandbox_version', 'config'].includes(k));
  if (unknown.length > 0) {
    throw new ConfigParseError(`failed to parse config lock file ${file}: unknown key "${unknown[0]}"; expected version, codex_sandbox_version and [config]`, {
      source: { file, key: unknown[0] },
    });
  }
  if (table.version !== CONFIG_LOCK_VERSION) {
    throw new ConfigParseError(`unsupported config lock version ${String(table.version)}; expected ${CONFIG_LOCK_VERSION} (${file})`, {
      source: { file, key: 'version' },
      value: table.version,
    });
  }
  if (typeof table.codex_sandbox_version !== 'string' || typeof table.config !== 'object' || table.config === null) {
    throw new ConfigParseError(`failed to parse config lock file ${file}: codex_sandbox_version (string) and [config] are required`, {
      source: { file },
    });
  }
  return { version: table.version, codexSandboxVersion: table.codex_sandbox_version, config: table.config as TomlTable };
}

/** A line diff (longest common subsequence) with `--- expected` / `+++ actual` headers. */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = ['--- expected', '+++ actual'];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(` ${a[i]}`);
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push(`-${a[i++]}`);
    } else {
      out.push(`+${b[j++]}`);
    }
  }
  return out.join('\n');
}

export interface VerifyConfigLockOptions extends ExportConfigLockOptions {
  /** Shown in messages. */
  file: string;
  allowVersionMismatch?: boolean;
}

/**
 * Re-exports the given load and compares it with the lock. Throws E_CONSTRAINT on a version
 * mismatch (unless allowed) or on any difference; `details.diff` holds the full line diff and the
 * message lists the changed lines.
 */
export function verifyConfigLock(effective: EffectiveConfig, lockText: string, opts: VerifyConfigLockOptions): void {
  const expected = parseConfigLock(lockText, opts.file);
  const actualVersion = opts.codexSandboxVersion;
  if (!opts.allowVersionMismatch && expected.codexSandboxVersion !== actualVersion) {
    throw new ConstraintError(
      `config lock codex-sandbox version mismatch: lock was generated by ${expected.codexSandboxVersion}, current version is ${actualVersion}; pass --allow-version-mismatch (allowVersionMismatch) to ignore this (${opts.file})`,
      { source: { file: opts.file, key: 'codex_sandbox_version' }, value: expected.codexSandboxVersion },
    );
  }
  const version = opts.allowVersionMismatch ? '' : actualVersion;
  const want = renderLock({ ...expected, codexSandboxVersion: version });
  const got = renderLock({ version: CONFIG_LOCK_VERSION, codexSandboxVersion: version, config: lockConfigTable(effective) });
  if (want === got) return;
  const diff = lineDiff(want, got);
  const changed = diff
    .split('\n')
    .slice(2)
    .filter((l) => l.startsWith('-') || l.startsWith('+'));
  throw new ConstraintError(
    `replayed effective config does not match config lock ${opts.file}: ${changed.slice(0, 6).join(' | ')}${changed.length > 6 ? ` | … (${changed.length} changed lines)` : ''}; re-export the lock if the change is intended`,
    { source: { file: opts.file }, details: { diff } },
  );
}
