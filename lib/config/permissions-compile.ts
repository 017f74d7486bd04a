// config/permissions-compile: `[permissions.<name>]` profiles to a SandboxPolicy
// (docs/reference.md#permission-profiles-in-config): built-in profiles, `extends` chains, filesystem tables compiled into entries in key
// order (the reference's TOML tables are sorted maps), extra workspace roots, and the network.
// Tables reaching this file have passed permissions-schema, so only selection errors remain.
import { ConfigParseError } from '../errors';
import { builtinProfilePolicy } from '../policy/builtin';
import type { FileSystemEntry, FileSystemPath, FileSystemSpecialPath, NetworkPolicy, SandboxPolicy } from '../policy/types';
import { networkRulesOf } from './network-schema';
import { mergeTomlValues } from './merge';
import { expandHomePath, resolveConfigPath, type PathContext } from './path-fields';
import { PROJECT_ROOTS_GLOB_PREFIX } from '../policy/resolve-entries';
import { isGlob, trailingSubtree } from './permissions-schema';
import { configError, isTable, type TomlTable, type ValueOrigin } from './toml-source';

export const BUILTIN_PROFILES = [':read-only', ':workspace', ':danger-full-access'] as const;
const EXTENSIBLE_BUILTINS = [':read-only', ':workspace'];

export interface CompiledProfile {
  policy: SandboxPolicy;
  /** Extra project roots from `[permissions.<name>.workspace_roots]`, absolute (cwd is implied). */
  workspaceRoots: string[];
  warnings: string[];
}

export interface ProfileSource {
  table: TomlTable;
  /** Where to point errors about this profile. */
  origin: ValueOrigin;
  path: (string | number)[];
}

/**
 * The built-in parents as TOML tables, so `extends` merges them like any parent. As a parent,
 * `:workspace` has no protected-metadata reads and ignores `[sandbox_workspace_write]`: Codex
 * 0.169.0 resolves it so (docs/config.md "Parity"); the names stay protected at resolve time.
 */
function builtinTable(name: string): TomlTable | undefined {
  if (name === ':read-only') return { filesystem: { ':root': 'read' } };
  if (name !== ':workspace') return undefined;
  return { filesystem: { ':root': 'read', ':slash_tmp': 'write', ':tmpdir': 'write', ':workspace_roots': { '.': 'write' } } };
}

/** Byte order of UTF-8, as Rust's BTreeMap<String, _> orders keys. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const TOKENS: Record<string, FileSystemSpecialPath['kind']> = {
  ':root': 'root',
  ':minimal': 'minimal',
  // docs/reference.md#policy-wire-forms: three spellings of the project roots across the reference's eras.
  ':workspace_roots': 'project_roots',
  ':project_roots': 'project_roots',
  ':cwd': 'project_roots',
  ':tmpdir': 'tmpdir',
  ':slash_tmp': 'slash_tmp',
};

function accessOf(value: string): FileSystemEntry['access'] {
  return value === 'none' ? 'deny' : (value as FileSystemEntry['access']);
}

function special(value: FileSystemSpecialPath): FileSystemPath {
  return { type: 'special', value };
}

interface CompileContext {
  pathCtx: PathContext;
  platform: 'linux' | 'macos' | 'windows';
  hasDepth: boolean;
  warnings: string[];
}

function globEntry(pattern: string, ctx: CompileContext, shown = pattern): FileSystemEntry {
  if (ctx.platform !== 'macos' && !ctx.hasDepth && pattern.includes('**')) {
    ctx.warnings.push(
      `Filesystem deny-read glob \`${shown}\` uses \`**\`. Non-macOS sandboxing does not support unbounded \`**\` natively; set \`glob_scan_max_depth\` in this filesystem profile to cap Linux glob expansion and silence this warning, or enumerate explicit depths such as \`*.env\`, \`*/*.env\`, and \`*/*/*.env\`.`,
    );
  }
  return { path: { type: 'glob_pattern', pattern }, access: 'deny' };
}

/** One concrete path key (absolute or `~`), possibly a glob. */
function pathEntry(raw: string, access: FileSystemEntry['access'], ctx: CompileContext): FileSystemEntry {
  const expanded = expandHomePath(raw, ctx.pathCtx);
  if (isGlob(expanded)) {
    const subtree = access === 'deny' ? undefined : trailingSubtree(expanded);
    if (subtree !== undefined) return { path: { type: 'path', path: resolveConfigPath(subtree, '/', ctx.pathCtx) }, access };
    return globEntry(expanded, ctx);
  }
  return { path: { type: 'path', path: resolveConfigPath(expanded, '/', ctx.pathCtx) }, access };
}

/** A `:workspace_roots` entry stays symbolic here; workspace-roots binds it to the roots. */
function projectRootsEntry(sub: string, access: FileSystemEntry['access'], ctx: CompileContext): FileSystemEntry {
  if (sub === '.') return { path: special({ kind: 'project_roots' }), access };
  if (isGlob(sub)) {
    const subtree = access === 'deny' ? undefined : trailingSubtree(sub);
    if (subtree !== undefined) return { path: special({ kind: 'project_roots', subpath: subtree }), access };
    return globEntry(`${PROJECT_ROOTS_GLOB_PREFIX}${sub}`, ctx, sub);
  }
  return { path: special({ kind: 'project_roots', subpath: sub }), access };
}

function compileFilesystem(fs: TomlTable, ctx: CompileContext): { entries: FileSystemEntry[]; depth?: number } {
  const entries: FileSystemEntry[] = [];
  const depth = typeof fs.glob_scan_max_depth === 'number' ? fs.glob_scan_max_depth : undefined;
  for (const key of Object.keys(fs).sort(byteOrder)) {
    if (key === 'glob_scan_max_depth') continue;
    const value = fs[key];
    const scoped: [string, string][] = isTable(value)
      ? Object.keys(value)
          .sort(byteOrder)
          .map((sub) => [sub, value[sub] as string])
      : [['.', value as string]];
    for (const [sub, raw] of scoped) {
      const access = accessOf(raw);
      const kind = TOKENS[key];
      if (kind === 'project_roots') {
        entries.push(projectRootsEntry(sub, access, ctx));
      } else if (kind !== undefined) {
        entries.push({ path: special({ kind } as FileSystemSpecialPath), access });
      } else if (key.startsWith(':')) {
        ctx.warnings.push(
          sub === '.'
            ? `Configured filesystem path \`${key}\` is not recognized by this version of Codex and will be ignored. Upgrade Codex if this path is required.`
            : `Configured filesystem path \`${key}\` with nested entry \`${sub}\` is not recognized by this version of Codex and will be ignored. Upgrade Codex if this path is required.`,
        );
        const value: FileSystemSpecialPath = sub === '.' ? { kind: 'unknown', path: key } : { kind: 'unknown', path: key, subpath: sub };
        entries.push({ path: special(value), access });
      } else {
        entries.push(pathEntry(sub === '.' ? key : `${key.replace(/[\\/]+$/, '')}/${sub}`, access, ctx));
      }
    }
  }
  return depth === undefined ? { entries } : { entries, depth };
}

/** Walks `extends` child → parent and deep-merges parents first, so the child's keys win. */
function flattenProfile(name: string, profiles: Record<string, ProfileSource>): TomlTable {
  const chain: string[] = [name];
  const tables: TomlTable[] = [];
  let current = name;
  for (;;) {
    const src = profiles[current];
    const table = src === undefined ? builtinTable(current) : src.table;
    tables.unshift(table ?? {});
    const parent = src?.table.extends;
    if (typeof parent !== 'string') break;
    if (chain.includes(parent)) {
      throw configError(src!.origin, [...src!.path, 'extends'], `permissions profile inheritance cycle detected: ${[...chain, parent].join(' -> ')}`, parent, 'value');
    }
    if (parent.startsWith(':')) {
      if (!EXTENSIBLE_BUILTINS.includes(parent)) {
        throw configError(src!.origin, [...src!.path, 'extends'], `permissions profile \`${current}\` cannot extend unsupported built-in profile \`${parent}\``, parent, 'value');
      }
    } else if (profiles[parent] === undefined) {
      throw configError(src!.origin, [...src!.path, 'extends'], `permissions profile \`${current}\` extends undefined profile \`${parent}\``, parent, 'value');
    }
    chain.push(parent);
    current = parent;
  }
  const merged = tables.reduce((acc, t) => mergeTomlValues(acc, t), {} as TomlTable);
  const own = profiles[name]?.table;
  delete merged.extends;
  delete merged.description;
  if (own?.description !== undefined) merged.description = own.description;
  return merged;
}

/**
 * `[permissions.<name>.network]` (docs/config.md#network): domain or socket rules, or
 * allow_local_binding, make the network proxied, decided per connection by the proxy;
 * `enabled = true` alone is the whole network; `enabled = false` is none, and any rules beside it
 * are ignored with a warning (narrower, never wider).
 */
function compileNetwork(name: string, net: TomlTable, ctx: CompileContext): NetworkPolicy {
  const rules = networkRulesOf(net, false);
  for (const legacy of ['allowed_domains', 'denied_domains', 'allow_unix_sockets']) {
    if (net[legacy] !== undefined) {
      ctx.warnings.push(`permissions.${name}.network.${legacy} is a legacy list the reference ignores; use [permissions.${name}.network.domains] or unix_sockets`);
    }
  }
  const hasRules = rules.allowed.length + rules.denied.length + rules.sockets.length > 0 || net.allow_local_binding === true;
  if (net.enabled === false) {
    if (hasRules) ctx.warnings.push(`permissions.${name}.network sets enabled = false, so its domain and socket rules are ignored: the network is restricted`);
    return 'restricted';
  }
  if (!hasRules) return net.enabled === true ? 'enabled' : 'restricted';
  return {
    mode: 'proxied',
    allowedDomains: rules.allowed,
    deniedDomains: rules.denied,
    allowLocalBinding: net.allow_local_binding === true,
    unixSockets: rules.sockets.map((p) => resolveConfigPath(expandHomePath(p, ctx.pathCtx), '/', ctx.pathCtx)),
  };
}

export interface SelectProfileInput {
  name: string;
  profiles: Record<string, ProfileSource>;
  cwd: string;
  pathCtx: PathContext;
  platform: 'linux' | 'macos' | 'windows';
  /** Where the selection came from, for errors: e.g. a default_permissions key or a flag. */
  selectedBy: { origin: ValueOrigin; path: (string | number)[] } | { flag: string };
}

function selectionError(input: SelectProfileInput, message: string): ConfigParseError {
  if ('flag' in input.selectedBy) {
    return new ConfigParseError(`${message} (${input.selectedBy.flag})`, { source: { flag: input.selectedBy.flag }, value: input.name });
  }
  return configError(input.selectedBy.origin, input.selectedBy.path, message, input.name, 'value');
}

/** Compiles the named profile (built-in or defined) into a policy. */
export function compileProfile(input: SelectProfileInput): CompiledProfile {
  const { name } = input;
  if (name.startsWith(':')) {
    if (!(BUILTIN_PROFILES as readonly string[]).includes(name)) {
      throw selectionError(input, `default_permissions refers to unknown built-in profile \`${name}\``);
    }
  } else if (Object.keys(input.profiles).length === 0) {
    throw selectionError(input, 'default_permissions requires a `[permissions]` table');
  } else if (input.profiles[name] === undefined) {
    throw selectionError(input, `default_permissions refers to undefined profile \`${name}\``);
  }
  if (name === ':danger-full-access' || name === ':workspace') {
    // Selected by itself, `:workspace` is the legacy workspace-write conversion with default flags.
    return { policy: builtinProfilePolicy(name), workspaceRoots: [], warnings: [] };
  }
  const table = flattenProfile(name, input.profiles);
  const workspaceRoots = isTable(table.workspace_roots)
    ? Object.entries(table.workspace_roots)
        // Key order, as the reference's sorted map yields them (not the order of the resolved paths).
        .sort(([a], [b]) => byteOrder(a, b))
        .filter(([, on]) => on === true)
        .map(([root]) => resolveConfigPath(root, input.cwd, input.pathCtx))
        .filter((root) => root !== input.cwd)
    : [];
  const fs = isTable(table.filesystem) ? table.filesystem : {};
  const ctx: CompileContext = {
    pathCtx: input.pathCtx,
    platform: input.platform,
    hasDepth: typeof fs.glob_scan_max_depth === 'number',
    warnings: [],
  };
  const { entries, depth } = compileFilesystem(fs, ctx);
  const recognized = entries.some((e) => !(e.path.type === 'special' && e.path.value.kind === 'unknown'));
  if (!recognized) {
    ctx.warnings.push(
      `Permissions profile \`${name}\` does not define any recognized filesystem entries for this version of Codex. Filesystem access will remain restricted. Upgrade Codex if this profile expects filesystem permissions.`,
    );
  }
  const net = isTable(table.network) ? table.network : {};
  const network = compileNetwork(name, net, ctx);
  const fileSystem: SandboxPolicy['fileSystem'] = depth === undefined ? { kind: 'restricted', entries } : { kind: 'restricted', entries, globScanMaxDepth: depth };
  return {
    policy: { fileSystem, network },
    workspaceRoots,
    warnings: ctx.warnings,
  };
}
