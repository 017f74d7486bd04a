// policy/wire: typed policies back to the reference's snake_case JSON wire forms, exactly as
// `codex-linux-sandbox --permission-profile` and the legacy `--sandbox-policy` take them.
// Era C spellings are emitted: `deny` (not `none`), `project_roots` (not
// `current_working_directory`); defaults are omitted where the reference omits them.

import type { FileSystemEntry, FileSystemPolicy, FileSystemSpecialPath, LegacySandboxPolicy, NetworkPolicy, PermissionProfile, ReadOnlyAccess } from './types';
import { checkFileSystemPolicy, checkLegacySandboxPolicy, checkPermissionProfile } from './typed-schema';

function specialToWire(value: FileSystemSpecialPath): Record<string, unknown> {
  switch (value.kind) {
    case 'project_roots':
      return value.subpath === undefined ? { kind: 'project_roots' } : { kind: 'project_roots', subpath: value.subpath };
    case 'unknown':
      return value.subpath === undefined ? { kind: 'unknown', path: value.path } : { kind: 'unknown', path: value.path, subpath: value.subpath };
    default:
      return { kind: value.kind };
  }
}

export function entryToWire(entry: FileSystemEntry): Record<string, unknown> {
  const p = entry.path;
  const path =
    p.type === 'path'
      ? { type: 'path', path: p.path }
      : p.type === 'glob_pattern'
        ? { type: 'glob_pattern', pattern: p.pattern }
        : { type: 'special', value: specialToWire(p.value) };
  const out: Record<string, unknown> = { path, access: entry.access };
  if (entry.missingPathBehavior === 'skip') out.missing_path_behavior = 'skip';
  return out;
}

/** The `FileSystemSandboxPolicy` JSON (docs/reference.md#policy-wire-forms). */
export function fileSystemPolicyToWire(fs: FileSystemPolicy): Record<string, unknown> {
  checkFileSystemPolicy(fs);
  if (fs.kind !== 'restricted') return { kind: fs.kind };
  const out: Record<string, unknown> = { kind: 'restricted' };
  if (fs.globScanMaxDepth !== undefined) out.glob_scan_max_depth = fs.globScanMaxDepth;
  if (fs.entries.length > 0) out.entries = fs.entries.map(entryToWire);
  return out;
}

/** restricted / enabled as strings; a proxied network as its object, every field emitted. */
export function networkToWire(network: NetworkPolicy): string | Record<string, unknown> {
  if (typeof network === 'string') return network;
  return {
    mode: 'proxied',
    allowed_domains: [...network.allowedDomains],
    denied_domains: [...network.deniedDomains],
    allow_local_binding: network.allowLocalBinding,
    unix_sockets: [...network.unixSockets],
  };
}

/** The `PermissionProfile` JSON (docs/reference.md#policy-wire-forms). */
export function permissionProfileToWire(profile: PermissionProfile): Record<string, unknown> {
  checkPermissionProfile(profile);
  switch (profile.type) {
    case 'disabled':
      return { type: 'disabled' };
    case 'external':
      return { type: 'external', network: profile.network };
    case 'managed': {
      const fs = profile.fileSystem;
      let fileSystem: Record<string, unknown>;
      if (fs.type === 'unrestricted') {
        fileSystem = { type: 'unrestricted' };
      } else {
        fileSystem = { type: 'restricted', entries: fs.entries.map(entryToWire) };
        if (fs.globScanMaxDepth !== undefined) fileSystem.glob_scan_max_depth = fs.globScanMaxDepth;
      }
      return { type: 'managed', file_system: fileSystem, network: networkToWire(profile.network) };
    }
  }
}

function readOnlyAccessToWire(access: ReadOnlyAccess): Record<string, unknown> {
  if (access.type === 'full-access') return { type: 'full-access' };
  const out: Record<string, unknown> = { type: 'restricted', include_platform_defaults: access.includePlatformDefaults };
  if (access.readableRoots.length > 0) out.readable_roots = access.readableRoots;
  return out;
}

/**
 * The legacy `SandboxPolicy` JSON (docs/reference.md#policy-wire-forms): full-access read access and a false
 * read-only network are omitted, empty writable roots are omitted, the rest is always emitted.
 * A restricted ReadOnlyAccess is written in its Era B spelling, the only one that has it.
 */
export function legacySandboxPolicyToWire(legacy: LegacySandboxPolicy): Record<string, unknown> {
  checkLegacySandboxPolicy(legacy);
  switch (legacy.type) {
    case 'danger-full-access':
      return { type: 'danger-full-access' };
    case 'external-sandbox':
      return { type: 'external-sandbox', network_access: legacy.networkAccess };
    case 'read-only': {
      const out: Record<string, unknown> = { type: 'read-only' };
      if (legacy.access.type !== 'full-access') out.access = readOnlyAccessToWire(legacy.access);
      if (legacy.networkAccess) out.network_access = true;
      return out;
    }
    case 'workspace-write': {
      const out: Record<string, unknown> = { type: 'workspace-write' };
      if (legacy.writableRoots.length > 0) out.writable_roots = legacy.writableRoots;
      if (legacy.readOnlyAccess.type !== 'full-access') out.read_only_access = readOnlyAccessToWire(legacy.readOnlyAccess);
      out.network_access = legacy.networkAccess;
      out.exclude_tmpdir_env_var = legacy.excludeTmpdirEnvVar;
      out.exclude_slash_tmp = legacy.excludeSlashTmp;
      return out;
    }
  }
}
