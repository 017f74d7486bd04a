// policy/parse-policy: unknown input (JSON text or values) to the typed policy forms. Every
// failure is a PolicyInvalidError naming the key, its position and the caller's source.

import type * as z from 'zod/mini';
import { type ErrorSource, PolicyInvalidError, renderSource } from '../errors';
import { parseJsonText, policyErrorFromZod, printableValue } from './invalid-input';
import { fromLegacySandboxPolicy } from './legacy-bridge';
import { permissionProfileToPolicy } from './profile';
import { BUILTIN_POLICY_NAMES, type BuiltinPolicyName, builtinPolicy } from './builtin';
import { isShortPolicyShape, parseShortPolicy } from './short-policy';
import { parseWith } from './zod-load';
import { checkPermissionProfile, checkSandboxPolicy, isTypedSandboxPolicyShape } from './typed-schema';
import type { FileSystemEntry, FileSystemPolicy, FileSystemSpecialPath, Host, LegacySandboxPolicy, NetworkPolicy, PermissionProfile, ReadOnlyAccess, SandboxPolicy } from './types';
import {
  type EntryWire,
  fileSystemPolicySchema,
  LEGACY_CAMEL_TYPES,
  LEGACY_TYPES,
  legacyPolicyCamelSchema,
  legacyPolicySchema,
  networkPolicySchema,
  PROFILE_TYPES,
  permissionProfileSchema,
  untaggedProfileSchema,
} from './wire-schema';

function run<S extends z.ZodMiniType>(schema: () => S, input: unknown, what: string, source?: ErrorSource): z.output<S> {
  const value = typeof input === 'string' ? parseJsonText(input, what, source) : input;
  const result = parseWith(schema, value);
  if (!result.success) throw policyErrorFromZod(result.error, value, what, source);
  return result.data as z.output<S>;
}

function toSpecial(value: EntryWire['path'] & { type: 'special' }): FileSystemSpecialPath {
  const v = value.value;
  switch (v.kind) {
    case 'current_working_directory':
      return { kind: 'project_roots' };
    case 'project_roots':
      return v.subpath === undefined ? { kind: 'project_roots' } : { kind: 'project_roots', subpath: v.subpath };
    case 'unknown':
      return v.subpath === undefined ? { kind: 'unknown', path: v.path } : { kind: 'unknown', path: v.path, subpath: v.subpath };
    default:
      return { kind: v.kind };
  }
}

function toEntry(wire: EntryWire): FileSystemEntry {
  const access = wire.access === 'none' ? 'deny' : wire.access;
  const p = wire.path;
  const path: FileSystemEntry['path'] =
    p.type === 'path' ? { type: 'path', path: p.path } : p.type === 'glob_pattern' ? { type: 'glob_pattern', pattern: p.pattern } : { type: 'special', value: toSpecial(p) };
  const entry: FileSystemEntry = { path, access };
  if (wire.missing_path_behavior === 'skip') entry.missingPathBehavior = 'skip';
  return entry;
}

function restricted(entries: EntryWire[] | undefined, depth: number | undefined): FileSystemPolicy & { kind: 'restricted' } {
  const out: FileSystemPolicy & { kind: 'restricted' } = { kind: 'restricted', entries: (entries ?? []).map(toEntry) };
  if (depth !== undefined) out.globScanMaxDepth = depth;
  return out;
}

/** A `FileSystemSandboxPolicy` (docs/reference.md#policy-wire-forms). */
export function parseFileSystemSandboxPolicy(input: unknown, source?: ErrorSource): FileSystemPolicy {
  const wire = run(fileSystemPolicySchema, input, 'file-system sandbox policy', source);
  const kind = wire.kind ?? 'restricted';
  if (kind === 'restricted') return restricted(wire.entries, wire.glob_scan_max_depth);
  return { kind };
}

/** A `NetworkSandboxPolicy`: "restricted" or "enabled" (bare or as a JSON string). */
export function parseNetworkSandboxPolicy(input: unknown, source?: ErrorSource): NetworkPolicy {
  // A bare word is accepted as well as its JSON spelling (`"restricted"`), as the helper flag is
  // given both ways.
  const what = 'network sandbox policy';
  const value = typeof input === 'string' && input.trimStart().startsWith('"') ? parseJsonText(input, what, source) : input;
  const result = parseWith(networkPolicySchema, typeof value === 'string' ? value.trim() : value);
  if (!result.success) throw policyErrorFromZod(result.error, value, what, source);
  return result.data;
}

type ManagedNetworkWire = NonNullable<(z.output<ReturnType<typeof permissionProfileSchema>> & { type: 'managed' })['network']>;

function networkFromWire(wire: ManagedNetworkWire | undefined): NetworkPolicy {
  if (wire === undefined) return 'restricted';
  if (typeof wire === 'string') return wire;
  return {
    mode: 'proxied',
    allowedDomains: wire.allowed_domains ?? [],
    deniedDomains: wire.denied_domains ?? [],
    allowLocalBinding: wire.allow_local_binding ?? false,
    unixSockets: wire.unix_sockets ?? [],
  };
}

/** A `PermissionProfile` (Era C), including the older untagged `{network, file_system}` form. */
export function parsePermissionProfile(input: unknown, source?: ErrorSource): PermissionProfile {
  const value = typeof input === 'string' ? parseJsonText(input, 'permission profile', source) : input;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('type' in value)) {
    const old = run(untaggedProfileSchema, value, 'permission profile', source);
    return {
      type: 'managed',
      fileSystem: { type: 'restricted', ...stripKind(restricted(old.file_system?.entries, old.file_system?.glob_scan_max_depth)) },
      network: old.network?.enabled === true ? 'enabled' : 'restricted',
    };
  }
  const wire = run(permissionProfileSchema, value, 'permission profile', source);
  switch (wire.type) {
    case 'disabled':
      return { type: 'disabled' };
    case 'external':
      return { type: 'external', network: wire.network ?? 'restricted' };
    case 'managed': {
      const fs = wire.file_system;
      return {
        type: 'managed',
        fileSystem: fs.type === 'unrestricted' ? { type: 'unrestricted' } : { type: 'restricted', ...stripKind(restricted(fs.entries, fs.glob_scan_max_depth)) },
        network: networkFromWire(wire.network),
      };
    }
  }
}

function stripKind(fs: FileSystemPolicy & { kind: 'restricted' }): { entries: FileSystemEntry[]; globScanMaxDepth?: number } {
  const { kind: _kind, ...rest } = fs;
  return rest;
}

function readOnlyAccess(wire: { type: string; include_platform_defaults?: boolean; readable_roots?: string[] } | undefined): ReadOnlyAccess {
  if (wire === undefined || wire.type === 'full-access' || wire.type === 'fullAccess') return { type: 'full-access' };
  // docs/reference.md#policy-wire-forms: an omitted include_platform_defaults means true.
  return { type: 'restricted', includePlatformDefaults: wire.include_platform_defaults ?? true, readableRoots: wire.readable_roots ?? [] };
}

/** A legacy `SandboxPolicy` (all eras), or its app-server camelCase twin. */
export function parseLegacySandboxPolicy(input: unknown, source?: ErrorSource): LegacySandboxPolicy {
  const value = typeof input === 'string' ? parseJsonText(input, 'legacy sandbox policy', source) : input;
  const type = value !== null && typeof value === 'object' ? (value as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && (LEGACY_CAMEL_TYPES as readonly string[]).includes(type)) {
    const w = run(legacyPolicyCamelSchema, value, 'legacy sandbox policy', source);
    const access = (a?: { type: string; includePlatformDefaults?: boolean; readableRoots?: string[] }): ReadOnlyAccess =>
      readOnlyAccess(a && { type: a.type, include_platform_defaults: a.includePlatformDefaults, readable_roots: a.readableRoots });
    switch (w.type) {
      case 'dangerFullAccess':
        return { type: 'danger-full-access' };
      case 'readOnly':
        return { type: 'read-only', access: access(w.access), networkAccess: w.networkAccess ?? false };
      case 'externalSandbox':
        return { type: 'external-sandbox', networkAccess: w.networkAccess ?? 'restricted' };
      case 'workspaceWrite':
        return {
          type: 'workspace-write',
          writableRoots: w.writableRoots ?? [],
          readOnlyAccess: access(w.readOnlyAccess),
          networkAccess: w.networkAccess ?? false,
          excludeTmpdirEnvVar: w.excludeTmpdirEnvVar ?? false,
          excludeSlashTmp: w.excludeSlashTmp ?? false,
        };
    }
  }
  const w = run(legacyPolicySchema, value, 'legacy sandbox policy', source);
  switch (w.type) {
    case 'danger-full-access':
      return { type: 'danger-full-access' };
    case 'read-only':
      return { type: 'read-only', access: readOnlyAccess(w.access), networkAccess: w.network_access ?? false };
    case 'external-sandbox':
      return { type: 'external-sandbox', networkAccess: w.network_access ?? 'restricted' };
    case 'workspace-write':
      return {
        type: 'workspace-write',
        writableRoots: w.writable_roots ?? [],
        readOnlyAccess: readOnlyAccess(w.read_only_access),
        networkAccess: w.network_access ?? false,
        excludeTmpdirEnvVar: w.exclude_tmpdir_env_var ?? false,
        excludeSlashTmp: w.exclude_slash_tmp ?? false,
      };
  }
}

export interface PolicyInputContext {
  /** The cwd a legacy policy is projected at (Era B restricted reads); default the process cwd. */
  cwd?: string;
  /** Read only by a legacy policy's projection; required so no stage reads the live host unasked. */
  host: Host;
}

/**
 * Any policy form, detected by shape: a built-in mode name (`'read-only'`, `'workspace-write'`,
 * `'danger-full-access'`); the short form `{sandbox, writableRoots, network}`; a typed
 * `SandboxPolicy` (`fileSystem`, as builtinPolicy returns) or typed `PermissionProfile`, checked
 * strictly; a `PermissionProfile` wire form (`type` managed / disabled / external, or the untagged
 * `{network, file_system}`); a legacy `SandboxPolicy` (snake or camel); or a bare
 * `FileSystemSandboxPolicy` (`kind` / `entries`, network restricted). Any other string is parsed
 * as JSON first.
 */
export function parsePolicyInput(input: unknown, source: ErrorSource | undefined, context: PolicyInputContext): SandboxPolicy {
  if (typeof input === 'string' && (BUILTIN_POLICY_NAMES as readonly string[]).includes(input)) return builtinPolicy(input as BuiltinPolicyName);
  const value = typeof input === 'string' ? parseJsonText(input, 'sandbox policy', source) : input;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new PolicyInvalidError(
      `invalid sandbox policy: expected a JSON object, got ${got}${source === undefined ? '' : ` (${renderSource(source)})`}; pass a PermissionProfile or SandboxPolicy object, or one of ${BUILTIN_POLICY_NAMES.join(', ')}`,
      { value: printableValue(value), ...(source === undefined ? {} : { source }) },
    );
  }
  if (isShortPolicyShape(value)) return parseShortPolicy(value, source);
  if (isTypedSandboxPolicyShape(value)) {
    return 'type' in value ? permissionProfileToPolicy(checkPermissionProfile(value, source)) : checkSandboxPolicy(value, source);
  }
  const record = value as Record<string, unknown>;
  if ('type' in record) {
    const type = record.type;
    if ((PROFILE_TYPES as readonly unknown[]).includes(type)) return permissionProfileToPolicy(parsePermissionProfile(value, source));
    if ((LEGACY_TYPES as readonly unknown[]).includes(type) || (LEGACY_CAMEL_TYPES as readonly unknown[]).includes(type)) {
      const { host } = context;
      return fromLegacySandboxPolicy(parseLegacySandboxPolicy(value, source), context.cwd ?? host.processCwd(), host);
    }
    const known = [...PROFILE_TYPES, ...LEGACY_TYPES].map((t) => JSON.stringify(t)).join(', ');
    throw new PolicyInvalidError(
      `invalid sandbox policy: unknown type ${JSON.stringify(type)} at type${source === undefined ? '' : ` (${renderSource(source)})`}; expected one of ${known}`,
      { path: ['type'], value: type, ...(source === undefined ? {} : { source }) },
    );
  }
  if ('kind' in record || 'entries' in record || 'glob_scan_max_depth' in record) {
    return { fileSystem: parseFileSystemSandboxPolicy(value, source), network: 'restricted' };
  }
  return permissionProfileToPolicy(parsePermissionProfile(value, source));
}
