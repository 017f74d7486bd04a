// config/permissions-schema: strict checks of `[permissions.<name>]` tables (docs/reference.md#permission-profiles-in-config)
//. Every wrong type, unknown sub-key, bad access value, non-absolute path or misused glob is
// a located ConfigParseError, so a profile is either fully understood or refused.
import { validateNetworkRules } from './network-schema';
import { dialectOfPath } from '../policy/glob/dialect';
import { isGlob as isGlobIn } from '../policy/glob/tokenize';
import { configError, isTable, tomlTypeName, type TomlTable, type ValueOrigin } from './toml-source';
import { expectType, rejectUnknownKeys } from './schema-checks';

export const PROFILE_KEYS = ['description', 'extends', 'filesystem', 'network', 'workspace_roots'];
const NETWORK_KEYS = ['enabled', 'domains', 'unix_sockets', 'allow_local_binding', 'allowed_domains', 'denied_domains', 'allow_unix_sockets'];
export const ACCESS_VALUES = ['read', 'write', 'deny', 'none'];
/** Tokens that take no nested table (docs/reference.md#permission-profiles-in-config). */
const FLAT_TOKENS = [':root', ':minimal', ':tmpdir', ':slash_tmp'];
/** Whether a path key is a glob, read in the dialect its spelling is written in (policy/glob). */
export function isGlob(path: string): boolean {
  return isGlobIn(path, dialectOfPath(path));
}

/** A read/write glob is allowed only as a trailing `/**`, which means the subtree. */
export function trailingSubtree(path: string): string | undefined {
  if (!path.endsWith('/**')) return undefined;
  const base = path.slice(0, -3);
  return isGlob(base) ? undefined : base;
}

/** Absolute on any platform the reference accepts, or home-relative. */
export function isProfilePathKey(path: string): boolean {
  return path === '~' || path.startsWith('~/') || path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

function validateAccess(value: unknown, origin: ValueOrigin, path: (string | number)[]): void {
  if (typeof value !== 'string' || !ACCESS_VALUES.includes(value)) {
    throw configError(
      origin,
      path,
      `invalid filesystem access ${JSON.stringify(value)} for ${JSON.stringify(String(path[path.length - 1]))}; use "read", "write" or "deny"`,
      value,
      'value',
    );
  }
}

function validateSubpath(sub: string, access: string, origin: ValueOrigin, path: (string | number)[]): void {
  if (sub === '.') return;
  const parts = sub.split(/[\\/]/);
  if (sub === '' || sub.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw configError(origin, path, `filesystem subpath \`${sub}\` must be a descendant path without \`.\` or \`..\` components`, sub);
  }
  if (isGlob(sub) && access !== 'deny' && access !== 'none' && trailingSubtree(sub) === undefined) {
    throw configError(origin, path, `filesystem glob subpath \`${sub}\` only supports \`deny\` access`, sub);
  }
}

function validateFilesystem(table: TomlTable, origin: ValueOrigin, base: (string | number)[]): void {
  for (const [key, value] of Object.entries(table)) {
    const path = [...base, key];
    if (key === 'glob_scan_max_depth') {
      expectType(value, 'integer', origin, path);
      if ((value as number) < 1) throw configError(origin, path, 'glob_scan_max_depth must be at least 1', value, 'value');
      continue;
    }
    if (!key.startsWith(':') && !isProfilePathKey(key)) {
      throw configError(origin, path, `filesystem path \`${key}\` must be absolute, use \`~/...\`, or start with \`:\``, key);
    }
    if (isTable(value)) {
      if (FLAT_TOKENS.includes(key)) {
        throw configError(origin, path, `filesystem path \`${key}\` does not support nested entries`, key);
      }
      for (const [sub, access] of Object.entries(value)) {
        validateAccess(access, origin, [...path, sub]);
        validateSubpath(sub, access as string, origin, [...path, sub]);
      }
      continue;
    }
    validateAccess(value, origin, path);
    if (isGlob(key) && value !== 'deny' && value !== 'none' && trailingSubtree(key) === undefined) {
      throw configError(
        origin,
        path,
        `filesystem glob path \`${key}\` only supports \`deny\` access; use an exact path or trailing \`/**\` for \`${value as string}\` subtree access`,
        key,
      );
    }
  }
}

function validateNetwork(table: TomlTable, origin: ValueOrigin, base: (string | number)[], what: string): void {
  rejectUnknownKeys(table, NETWORK_KEYS, origin, base, what);
  if (table.enabled !== undefined) expectType(table.enabled, 'boolean', origin, [...base, 'enabled']);
  validateNetworkRules(table, origin, base, base.join('.'));
}

/** Checks one profile table (`[permissions.<name>]`). */
export function validateProfile(name: string, profile: unknown, origin: ValueOrigin, base: (string | number)[]): void {
  if (name.startsWith(':')) {
    throw configError(origin, base, `permissions profile \`${name}\` uses a reserved built-in profile prefix`, name);
  }
  if (!isTable(profile)) {
    throw configError(origin, base, `permissions profile \`${name}\` must be a table, got ${tomlTypeName(profile)}`, profile, 'value');
  }
  rejectUnknownKeys(profile, PROFILE_KEYS, origin, base, `[permissions.${name}]`);
  if (profile.description !== undefined) expectType(profile.description, 'string', origin, [...base, 'description']);
  if (profile.extends !== undefined) expectType(profile.extends, 'string', origin, [...base, 'extends']);
  if (profile.filesystem !== undefined) {
    expectType(profile.filesystem, 'table', origin, [...base, 'filesystem']);
    validateFilesystem(profile.filesystem as TomlTable, origin, [...base, 'filesystem']);
  }
  if (profile.network !== undefined) {
    expectType(profile.network, 'table', origin, [...base, 'network']);
    validateNetwork(profile.network as TomlTable, origin, [...base, 'network'], `[permissions.${name}.network]`);
  }
  if (profile.workspace_roots !== undefined) {
    expectType(profile.workspace_roots, 'table', origin, [...base, 'workspace_roots']);
    for (const [root, on] of Object.entries(profile.workspace_roots as TomlTable)) {
      expectType(on, 'boolean', origin, [...base, 'workspace_roots', root]);
    }
  }
}

/** Checks a whole `[permissions]` table of a config layer. */
export function validatePermissionsTable(table: TomlTable, origin: ValueOrigin, base: (string | number)[]): void {
  for (const [name, profile] of Object.entries(table)) validateProfile(name, profile, origin, [...base, name]);
}
