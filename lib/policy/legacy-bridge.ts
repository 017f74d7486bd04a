// policy/legacy-bridge: conversions between the legacy SandboxPolicy and the split policy
// (docs/reference.md#legacy-conversion, with Era B ReadOnlyAccess accepted as input).

import { UnsupportedPolicyError } from '../errors';
import { PROTECTED_METADATA_NAMES } from './protected-metadata';
import { hasFullDiskWrite, targetKey } from './policy-predicates';
import { expandHome, isWithin, joinPath, normalizeAbsolute, resolveAgainstBase } from './paths';
import { resolveCwd } from './resolve-entries';
import type { FileSystemAccessMode, FileSystemEntry, FileSystemSpecialPath, Host, LegacySandboxPolicy, ReadOnlyAccess, SandboxPolicy } from './types';
import { checkLegacySandboxPolicy, checkSandboxPolicy } from './typed-schema';

/** The exact text of the reference (docs/reference.md#legacy-conversion). */
export const WRITES_OUTSIDE_WORKSPACE_MESSAGE =
  'permissions profile requests filesystem writes outside the workspace root, which is not supported until the runtime enforces FileSystemSandboxPolicy directly';

function special(value: FileSystemSpecialPath, access: FileSystemAccessMode, skip = false): FileSystemEntry {
  const entry: FileSystemEntry = { path: { type: 'special', value }, access };
  if (skip) entry.missingPathBehavior = 'skip';
  return entry;
}

function pathEntry(path: string, access: FileSystemAccessMode, skip = false): FileSystemEntry {
  const entry: FileSystemEntry = { path: { type: 'path', path }, access };
  if (skip) entry.missingPathBehavior = 'skip';
  return entry;
}

/** The read part of an Era B ReadOnlyAccess; `withCwd` for ReadOnly (WorkspaceWrite covers cwd by its write). */
function readEntries(access: ReadOnlyAccess, withCwd: boolean): FileSystemEntry[] {
  if (access.type === 'full-access') return [special({ kind: 'root' }, 'read')];
  const out: FileSystemEntry[] = [];
  if (withCwd) out.push(special({ kind: 'project_roots' }, 'read'));
  if (access.includePlatformDefaults) out.push(special({ kind: 'minimal' }, 'read'));
  for (const root of access.readableRoots) out.push(pathEntry(root, 'read'));
  return out;
}

function network(enabled: boolean): 'enabled' | 'restricted' {
  return enabled ? 'enabled' : 'restricted';
}

/** The legacy writable roots of a WorkspaceWrite at cwd (docs/reference.md#policy-wire-forms), for step (a). */
function legacyWritableRoots(legacy: Extract<LegacySandboxPolicy, { type: 'workspace-write' }>, cwd: string, host: Host): string[] {
  const home = host.homeDir();
  const roots = legacy.writableRoots.map((r) => resolveAgainstBase(r, cwd, home));
  roots.push(cwd);
  if (!legacy.excludeSlashTmp && host.stat('/tmp') === 'dir') roots.push('/tmp');
  const tmpdir = host.env('TMPDIR');
  if (!legacy.excludeTmpdirEnvVar && tmpdir !== undefined && tmpdir !== '' && !tmpdir.includes('\0')) {
    roots.push(resolveAgainstBase(tmpdir, host.processCwd(), undefined));
  }
  return roots;
}

/**
 * Shared by the cwd-aware projection and the legacy-runtime projection: the read part, the
 * workspace write, the tmp writes and the extra writable roots, then (with `symbolicMetadata`)
 * the skip-missing `project_roots/<name>` reads, then skip-missing reads of every protected name
 * of each explicit writable root. The concrete reads stand for the reference's "existing
 * protected paths" without consulting the host: skip-missing drops the ones that do not exist.
 */
function workspaceWriteEntries(legacy: Extract<LegacySandboxPolicy, { type: 'workspace-write' }>, cwd: string, host: Host, symbolicMetadata: boolean): FileSystemEntry[] {
  let read = readEntries(legacy.readOnlyAccess, false);
  if (legacy.readOnlyAccess.type === 'restricted') {
    // Era B step (a): a readable root already writable under the legacy roots must not turn into
    // a read-only carve-out (legacy_workspace_write_nested_readable_root_stays_writable).
    const writable = legacyWritableRoots(legacy, cwd, host);
    const home = host.homeDir();
    read = read.filter((e) => {
      if (e.path.type !== 'path') return true;
      const path = resolveAgainstBase(e.path.path, cwd, home);
      return !writable.some((w) => isWithin(path, w));
    });
  }
  const entries: FileSystemEntry[] = [...read, special({ kind: 'project_roots' }, 'write')];
  if (!legacy.excludeSlashTmp) entries.push(special({ kind: 'slash_tmp' }, 'write'));
  if (!legacy.excludeTmpdirEnvVar) entries.push(special({ kind: 'tmpdir' }, 'write'));
  for (const root of legacy.writableRoots) entries.push(pathEntry(root, 'write'));
  const targets = new Set(entries.map(targetKey));
  const add = (entry: FileSystemEntry): void => {
    const key = targetKey(entry);
    if (targets.has(key)) return;
    targets.add(key);
    entries.push(entry);
  };
  if (symbolicMetadata) {
    for (const name of PROTECTED_METADATA_NAMES) add(special({ kind: 'project_roots', subpath: name }, 'read', true));
  }
  const home = host.homeDir();
  for (const root of legacy.writableRoots) {
    const base = normalizeAbsolute(expandHome(root, home));
    for (const name of PROTECTED_METADATA_NAMES) add(pathEntry(joinPath(base, name), 'read', true));
  }
  return entries;
}

/**
 * from_legacy_sandbox_policy_for_cwd (Era C): DangerFullAccess is an unrestricted file system
 * with network, ExternalSandbox keeps its network, ReadOnly reads the whole disk (or its Era B
 * restricted roots), WorkspaceWrite writes the project roots, /tmp, $TMPDIR and its extra roots
 * and protects metadata under them.
 */
export function fromLegacySandboxPolicy(legacy: LegacySandboxPolicy, cwd: string, host: Host): SandboxPolicy {
  checkLegacySandboxPolicy(legacy);
  switch (legacy.type) {
    case 'danger-full-access':
      return { fileSystem: { kind: 'unrestricted' }, network: 'enabled' };
    case 'external-sandbox':
      return { fileSystem: { kind: 'external-sandbox' }, network: legacy.networkAccess };
    case 'read-only':
      return { fileSystem: { kind: 'restricted', entries: readEntries(legacy.access, true) }, network: network(legacy.networkAccess) };
    case 'workspace-write':
      return {
        fileSystem: { kind: 'restricted', entries: workspaceWriteEntries(legacy, resolveCwd(cwd, host), host, true) },
        network: network(legacy.networkAccess),
      };
  }
}

/**
 * legacy_runtime_file_system_policy_for_cwd (Era C): what the legacy runtimes enforce, with the
 * concrete protected paths but no symbolic metadata entries. Used by the equivalence check.
 */
export function legacyRuntimeFileSystemPolicy(legacy: LegacySandboxPolicy, cwd: string, host: Host): SandboxPolicy {
  checkLegacySandboxPolicy(legacy);
  if (legacy.type !== 'workspace-write') return fromLegacySandboxPolicy(legacy, cwd, host);
  return {
    fileSystem: { kind: 'restricted', entries: workspaceWriteEntries(legacy, resolveCwd(cwd, host), host, false) },
    network: network(legacy.networkAccess),
  };
}

function dedupLexical(paths: string[]): string[] {
  return [...new Set(paths.map(normalizeAbsolute))];
}

/**
 * to_legacy_sandbox_policy (docs/reference.md#legacy-conversion). Deny entries, globs and unknown tokens are
 * dropped here by design; callers must pair this with needsDirectRuntimeEnforcement.
 */
export function toLegacySandboxPolicy(policy: SandboxPolicy, cwd: string, host: Host): LegacySandboxPolicy {
  checkSandboxPolicy(policy);
  const fs = policy.fileSystem;
  // The legacy forms have no proxied network: it projects to a restricted one (narrower, never open).
  const networkEnabled = policy.network === 'enabled';
  if (fs.kind === 'external-sandbox') return { type: 'external-sandbox', networkAccess: networkEnabled ? 'enabled' : 'restricted' };
  if (fs.kind === 'unrestricted') {
    // Surprising but the reference's behaviour (docs/reference.md#legacy-conversion): no network makes it an external sandbox.
    return networkEnabled ? { type: 'danger-full-access' } : { type: 'external-sandbox', networkAccess: 'restricted' };
  }
  const resolvedCwd = resolveCwd(cwd, host);
  const home = host.homeDir();
  const tmpdirValue = host.env('TMPDIR');
  const tmpdir = tmpdirValue === undefined || tmpdirValue === '' || tmpdirValue.includes('\0') ? undefined : resolveAgainstBase(tmpdirValue, host.processCwd(), undefined);
  let fullRead = false;
  let rootWrite = false;
  let includePlatformDefaults = false;
  let workspaceWritable = false;
  let tmpdirWritable = false;
  let slashTmpWritable = false;
  const writableRoots: string[] = [];
  const readableRoots: string[] = [];
  const addTo = (access: FileSystemAccessMode, path: string): void => {
    if (access === 'write') writableRoots.push(path);
    else if (access === 'read') readableRoots.push(path);
  };
  for (const entry of fs.entries) {
    const p = entry.path;
    if (p.type === 'glob_pattern') continue;
    if (p.type === 'path') {
      const path = normalizeAbsolute(expandHome(p.path, home));
      if (entry.access === 'write' && path === resolvedCwd) workspaceWritable = true;
      else addTo(entry.access, path);
      continue;
    }
    const v = p.value;
    switch (v.kind) {
      case 'root':
        if (entry.access === 'read') fullRead = true;
        if (entry.access === 'write') rootWrite = true;
        break;
      case 'minimal':
        if (entry.access !== 'deny') includePlatformDefaults = true;
        break;
      case 'project_roots':
        if (v.subpath === undefined) {
          if (entry.access === 'write') workspaceWritable = true;
          else addTo(entry.access, resolvedCwd);
        } else {
          addTo(entry.access, joinPath(resolvedCwd, v.subpath));
        }
        break;
      case 'tmpdir':
        if (entry.access === 'write') tmpdirWritable = true;
        else if (entry.access === 'read' && tmpdir !== undefined) readableRoots.push(tmpdir);
        break;
      case 'slash_tmp':
        if (entry.access === 'write') slashTmpWritable = true;
        else if (entry.access === 'read') readableRoots.push('/tmp');
        break;
      case 'unknown':
        break;
    }
  }
  if (rootWrite) {
    if (hasFullDiskWrite(fs)) {
      return networkEnabled ? { type: 'danger-full-access' } : { type: 'external-sandbox', networkAccess: 'restricted' };
    }
    // Era C: a root write narrowed by other entries has no legacy spelling.
    throw new UnsupportedPolicyError(WRITES_OUTSIDE_WORKSPACE_MESSAGE, { details: { reason: 'root-write-with-carveouts' } });
  }
  const access: ReadOnlyAccess = fullRead ? { type: 'full-access' } : { type: 'restricted', includePlatformDefaults, readableRoots: dedupLexical(readableRoots) };
  if (workspaceWritable) {
    return {
      type: 'workspace-write',
      writableRoots: dedupLexical(writableRoots),
      readOnlyAccess: access,
      networkAccess: networkEnabled,
      excludeTmpdirEnvVar: !tmpdirWritable,
      excludeSlashTmp: !slashTmpWritable,
    };
  }
  if (writableRoots.length > 0 || tmpdirWritable || slashTmpWritable) {
    throw new UnsupportedPolicyError(WRITES_OUTSIDE_WORKSPACE_MESSAGE, { details: { reason: 'writes-outside-workspace' } });
  }
  return { type: 'read-only', access, networkAccess: networkEnabled };
}

/**
 * from_legacy_sandbox_policy_preserving_deny_entries: rebuilds the split policy from a legacy one
 * but keeps what the legacy form cannot say: `glob_scan_max_depth` and every deny entry of
 * `existing` that the rebuild does not already contain.
 */
export function fromLegacySandboxPolicyPreservingDenyEntries(legacy: LegacySandboxPolicy, cwd: string, existing: SandboxPolicy, host: Host): SandboxPolicy {
  const rebuilt = fromLegacySandboxPolicy(legacy, cwd, host);
  const fs = rebuilt.fileSystem;
  const old = existing.fileSystem;
  if (fs.kind !== 'restricted' || old.kind !== 'restricted') return rebuilt;
  const entries = [...fs.entries];
  const present = new Set(entries.map((e) => JSON.stringify(e)));
  for (const entry of old.entries) {
    if (entry.access === 'deny' && !present.has(JSON.stringify(entry))) entries.push(entry);
  }
  const out: SandboxPolicy = { ...rebuilt, fileSystem: { kind: 'restricted', entries } };
  if (old.globScanMaxDepth !== undefined && out.fileSystem.kind === 'restricted') out.fileSystem.globScanMaxDepth = old.globScanMaxDepth;
  return out;
}
