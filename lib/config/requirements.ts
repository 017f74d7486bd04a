// config/requirements: an administrator's constraints (docs/reference.md#requirements), composed from the system
// requirements.toml, the legacy managed_config.toml (file and MDM, reinterpreted), and the MDM
// `requirements_toml_base64`, lowest first, last wins. Inconsistent requirements are hard load
// errors; requirements this package cannot enforce are recorded so planning fails closed.
import * as nodePath from 'node:path';
import { ConfigParseError, ConstraintError } from '../errors';
import { POSIX_GLOB, WINDOWS_GLOB } from '../policy/glob/dialect';
import { globMetaIndex } from '../policy/glob/tokenize';
import { APPROVAL_POLICIES } from './config-schema';
import type { ConfigLayer } from './layer-types';
import { decodeMdmValue, MDM_DOMAIN } from './load-layers';
import { mergeTomlValues } from './merge';
import { resolveConfigPath, type PathContext } from './path-fields';
import { managedNetworkOf, type ManagedNetworkRequirement } from './network-requirements';
import { validateNetworkRules } from './network-schema';
import { validateProfile } from './permissions-schema';
import type { ConfigReader, MdmReader } from './reader';
import { expectOneOf, expectType, rejectUnknownKeys } from './schema-checks';
import { configError, isTable, parseTomlText, type TomlTable, type ValueOrigin } from './toml-source';

export const REQUIREMENT_SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access', 'external-sandbox'] as const;
export type RequirementSandboxMode = (typeof REQUIREMENT_SANDBOX_MODES)[number];

const MODE_DEBUG: Record<string, string> = {
  'read-only': 'ReadOnly',
  'workspace-write': 'WorkspaceWrite',
  'danger-full-access': 'DangerFullAccess',
  'external-sandbox': 'ExternalSandbox',
};
export const APPROVALS_REVIEWERS = ['user', 'auto_review'] as const;

const APPROVAL_DEBUG: Record<string, string> = {
  user: 'User',
  auto_review: 'AutoReview',
  untrusted: 'UnlessTrusted',
  'on-failure': 'OnFailure',
  'on-request': 'OnRequest',
  never: 'Never',
};

/** The reference's Rust Debug rendering of a mode or approval value, used in its messages. */
export function debugName(value: string): string {
  return MODE_DEBUG[value] ?? APPROVAL_DEBUG[value] ?? value;
}

export function debugList(values: readonly string[]): string {
  return `[${values.map(debugName).join(', ')}]`;
}

/** A value plus the display name of the requirement source that set it. */
export interface Sourced<T> {
  value: T;
  source: string;
}

export interface DenyReadRequirement {
  /** Absolute path, or a glob pattern whose literal prefix was resolved. */
  path: string;
  glob: boolean;
  source: string;
}

export interface Requirements {
  allowedSandboxModes?: Sourced<RequirementSandboxMode[]>;
  allowedApprovalPolicies?: Sourced<string[]>;
  allowedApprovalsReviewers?: Sourced<string[]>;
  allowedPermissionProfiles?: Sourced<string[]>;
  defaultPermissions?: Sourced<string>;
  /** `[permissions.<name>]` profiles defined by the administrator, with their text for positions. */
  profiles: Record<string, Sourced<TomlTable> & { origin: ValueOrigin }>;
  denyRead: DenyReadRequirement[];
  /** `[experimental_network]`: the managed network every policy is constrained by (network-requirements.ts). */
  network?: ManagedNetworkRequirement;
  /** Display names of the sources that contributed, lowest first. */
  sources: string[];
}

export interface RequirementsLoadOptions {
  reader: ConfigReader;
  systemRequirementsPath: string;
  mdm: MdmReader | undefined;
  codexHome: string;
  hostname: string;
  pathCtx: PathContext;
  /** The legacy managed config layers already loaded by the layer stack. */
  managedLayers: ConfigLayer[];
}

interface RequirementLayer {
  source: string;
  table: TomlTable;
  origin: ValueOrigin;
  baseDir: string;
}

const REQUIREMENT_NETWORK_KEYS = [
  'enabled',
  'http_port',
  'socks_port',
  'allow_upstream_proxy',
  'dangerously_allow_non_loopback_proxy',
  'dangerously_allow_all_unix_sockets',
  'domains',
  'managed_allowed_domains_only',
  'unix_sockets',
  'allow_local_binding',
  'allowed_domains',
  'denied_domains',
  'allow_unix_sockets',
];

function hostnameMatches(pattern: string, hostname: string): boolean {
  const re = new RegExp(
    `^${pattern
      .toLowerCase()
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(hostname);
}

function validateRequirementLayer(layer: RequirementLayer, hostname: string): void {
  const { table, origin } = layer;
  if (table.allowed_sandbox_modes !== undefined) {
    expectType(table.allowed_sandbox_modes, 'array', origin, ['allowed_sandbox_modes']);
    (table.allowed_sandbox_modes as unknown[]).forEach((m, i) => expectOneOf(m, REQUIREMENT_SANDBOX_MODES, origin, ['allowed_sandbox_modes', i]));
  }
  if (table.allowed_approval_policies !== undefined) {
    expectType(table.allowed_approval_policies, 'array', origin, ['allowed_approval_policies']);
    (table.allowed_approval_policies as unknown[]).forEach((m, i) => {
      if (!isTable(m)) expectOneOf(m, APPROVAL_POLICIES, origin, ['allowed_approval_policies', i]);
    });
  }
  if (table.allowed_approvals_reviewers !== undefined) {
    expectType(table.allowed_approvals_reviewers, 'array', origin, ['allowed_approvals_reviewers']);
    (table.allowed_approvals_reviewers as unknown[]).forEach((m, i) => expectOneOf(m, APPROVALS_REVIEWERS, origin, ['allowed_approvals_reviewers', i]));
  }
  if (table.default_permissions !== undefined) expectType(table.default_permissions, 'string', origin, ['default_permissions']);
  if (table.allowed_permission_profiles !== undefined) {
    expectType(table.allowed_permission_profiles, 'table', origin, ['allowed_permission_profiles']);
    for (const [name, on] of Object.entries(table.allowed_permission_profiles as TomlTable)) {
      expectType(on, 'boolean', origin, ['allowed_permission_profiles', name]);
    }
  }
  if (table.allowed_permissions !== undefined) {
    expectType(table.allowed_permissions, 'array', origin, ['allowed_permissions']);
    (table.allowed_permissions as unknown[]).forEach((m, i) => expectType(m, 'string', origin, ['allowed_permissions', i]));
  }
  if (table.permissions !== undefined) {
    expectType(table.permissions, 'table', origin, ['permissions']);
    for (const [name, value] of Object.entries(table.permissions as TomlTable)) {
      if (name !== 'filesystem') {
        validateProfile(name, value, origin, ['permissions', name]);
        continue;
      }
      expectType(value, 'table', origin, ['permissions', 'filesystem']);
      rejectUnknownKeys(value as TomlTable, ['deny_read'], origin, ['permissions', 'filesystem'], '[permissions.filesystem]');
      const denyRead = (value as TomlTable).deny_read;
      if (denyRead !== undefined) {
        expectType(denyRead, 'array', origin, ['permissions', 'filesystem', 'deny_read']);
        (denyRead as unknown[]).forEach((p, i) => expectType(p, 'string', origin, ['permissions', 'filesystem', 'deny_read', i]));
      }
    }
  }
  if (table.experimental_network !== undefined) {
    expectType(table.experimental_network, 'table', origin, ['experimental_network']);
    const net = table.experimental_network as TomlTable;
    rejectUnknownKeys(net, REQUIREMENT_NETWORK_KEYS, origin, ['experimental_network'], '[experimental_network]');
    for (const flag of ['enabled', 'allow_upstream_proxy', 'dangerously_allow_non_loopback_proxy', 'dangerously_allow_all_unix_sockets', 'managed_allowed_domains_only']) {
      if (net[flag] !== undefined) expectType(net[flag], 'boolean', origin, ['experimental_network', flag]);
    }
    for (const port of ['http_port', 'socks_port']) {
      if (net[port] === undefined) continue;
      expectType(net[port], 'integer', origin, ['experimental_network', port]);
      const n = Number(net[port]);
      if (n < 1 || n > 65535) throw configError(origin, ['experimental_network', port], `experimental_network.${port} ${n} is out of range (1-65535)`, n, 'value');
    }
    validateNetworkRules(net, origin, ['experimental_network'], 'experimental_network');
  }
  if (table.remote_sandbox_config !== undefined) {
    expectType(table.remote_sandbox_config, 'array', origin, ['remote_sandbox_config']);
    const entries = table.remote_sandbox_config as unknown[];
    entries.forEach((entry, i) => {
      const base = ['remote_sandbox_config', i];
      expectType(entry, 'table', origin, base);
      const e = entry as TomlTable;
      expectType(e.hostname_patterns, 'array', origin, [...base, 'hostname_patterns']);
      (e.hostname_patterns as unknown[]).forEach((p, j) => expectType(p, 'string', origin, [...base, 'hostname_patterns', j]));
      expectType(e.allowed_sandbox_modes, 'array', origin, [...base, 'allowed_sandbox_modes']);
      (e.allowed_sandbox_modes as unknown[]).forEach((m, j) => expectOneOf(m, REQUIREMENT_SANDBOX_MODES, origin, [...base, 'allowed_sandbox_modes', j]));
    });
    // Evaluated inside its own layer, before merging (docs/reference.md#requirements): a match replaces this layer's modes.
    const host = hostname.toLowerCase().replace(/\.+$/, '');
    const match = entries.find((e) => ((e as TomlTable).hostname_patterns as string[]).some((p) => hostnameMatches(p, host)));
    delete table.remote_sandbox_config;
    if (match !== undefined) table.allowed_sandbox_modes = [...((match as TomlTable).allowed_sandbox_modes as string[])];
  }
}

/** The legacy managed config reinterpreted as requirements (docs/reference.md#requirements); other keys are not requirements. */
function legacyRequirements(config: TomlTable): TomlTable {
  const out: TomlTable = {};
  if (typeof config.approval_policy === 'string') out.allowed_approval_policies = [config.approval_policy];
  if (typeof config.sandbox_mode === 'string') {
    // read-only is always allowed because Codex itself needs it.
    out.allowed_sandbox_modes = config.sandbox_mode === 'read-only' ? ['read-only'] : ['read-only', config.sandbox_mode];
  }
  if (config.approvals_reviewer === 'auto_review') out.allowed_approvals_reviewers = ['auto_review', 'user'];
  if (config.approvals_reviewer === 'user') out.allowed_approvals_reviewers = ['user'];
  return out;
}

/** Parses requirements TOML; failures carry the reference's prefix and keep their position. */
function parseRequirements(text: string, source: string): TomlTable {
  try {
    return parseTomlText(text, source, 'requirements');
  } catch (err) {
    const e = err as ConfigParseError;
    throw new ConfigParseError(`Failed to parse config requirements as TOML: ${e.message}`, { source: e.source ?? { file: source }, cause: err });
  }
}

function readRequirementsFile(opts: RequirementsLoadOptions): RequirementLayer | undefined {
  const file = opts.systemRequirementsPath;
  let text: string | undefined;
  try {
    text = opts.reader.readFile(file);
  } catch (err) {
    // Already a typed error that names the file (invalid UTF-8, reader.ts).
    if (err instanceof ConfigParseError) throw err;
    throw new ConfigParseError(`Failed to read requirements file ${file}: ${(err as Error).message}; check the file's permissions`, {
      source: { file },
      cause: err,
    });
  }
  if (text === undefined) return undefined;
  return {
    source: file,
    table: parseRequirements(text, file),
    origin: { kind: 'file', file, text },
    baseDir: nodePath.dirname(file),
  };
}

function collectLayers(opts: RequirementsLoadOptions): RequirementLayer[] {
  const layers: RequirementLayer[] = [];
  const system = readRequirementsFile(opts);
  if (system !== undefined) layers.push(system);
  const legacyFile = opts.managedLayers.find((l) => l.source.type === 'legacyManagedConfigTomlFromFile');
  if (legacyFile !== undefined && legacyFile.source.type === 'legacyManagedConfigTomlFromFile') {
    layers.push({
      source: legacyFile.source.file,
      table: legacyRequirements(legacyFile.config),
      origin: legacyFile.origin,
      baseDir: nodePath.dirname(legacyFile.source.file),
    });
  }
  const legacyMdm = opts.managedLayers.find((l) => l.source.type === 'legacyManagedConfigTomlFromMdm');
  if (legacyMdm !== undefined) {
    layers.push({
      source: 'MDM managed_config.toml (legacy)',
      table: legacyRequirements(legacyMdm.config),
      origin: legacyMdm.origin,
      baseDir: opts.codexHome,
    });
  }
  const mdmText = decodeMdmValue(opts.mdm?.read('requirements_toml_base64'), `MDM ${MDM_DOMAIN}:requirements_toml_base64`);
  if (mdmText !== undefined) {
    const source = `MDM ${MDM_DOMAIN}:requirements_toml_base64`;
    layers.push({
      source,
      table: parseRequirements(mdmText, source),
      origin: { kind: 'file', file: source, text: mdmText },
      baseDir: opts.codexHome,
    });
  }
  return layers;
}

/** Resolves a deny_read entry against the requirements file's folder; for a glob only its literal prefix. */
function resolveDenyRead(raw: string, baseDir: string, ctx: PathContext): { path: string; glob: boolean } {
  const at = globMetaIndex(raw, ctx.windows ? WINDOWS_GLOB : POSIX_GLOB);
  if (at === -1) return { path: resolveConfigPath(raw, baseDir, ctx), glob: false };
  const prefix = raw.slice(0, at);
  const cut = Math.max(prefix.lastIndexOf('/'), ctx.windows ? prefix.lastIndexOf('\\') : -1);
  if (cut === -1) return { path: `${resolveConfigPath('.', baseDir, ctx)}/${raw}`, glob: true };
  const dir = resolveConfigPath(prefix.slice(0, cut + 1) || '/', baseDir, ctx);
  return { path: `${dir.replace(/[\\/]+$/, '')}/${raw.slice(cut + 1)}`, glob: true };
}

export function loadRequirements(opts: RequirementsLoadOptions): Requirements {
  const layers = collectLayers(opts);
  const req: Requirements = { profiles: {}, denyRead: [], sources: layers.map((l) => l.source) };
  let composed: TomlTable = {};
  const keySource: Record<string, string> = {};
  const denyRead: DenyReadRequirement[] = [];
  for (const layer of layers) {
    validateRequirementLayer(layer, opts.hostname);
    const table = { ...layer.table };
    const perms = isTable(table.permissions) ? { ...table.permissions } : undefined;
    if (perms !== undefined) {
      // deny_read is a union across layers, highest priority first (docs/reference.md#requirements), not a replacement.
      const fs = perms.filesystem;
      if (isTable(fs) && Array.isArray(fs.deny_read)) {
        const resolved = (fs.deny_read as string[]).map((p) => ({ ...resolveDenyRead(p, layer.baseDir, opts.pathCtx), source: layer.source }));
        denyRead.unshift(...resolved);
      }
      delete perms.filesystem;
      for (const [name, profile] of Object.entries(perms)) req.profiles[name] = { value: profile as TomlTable, source: layer.source, origin: layer.origin };
      delete table.permissions;
    }
    for (const key of Object.keys(table)) keySource[key] = layer.source;
    composed = mergeTomlValues(composed, table);
  }
  const seen = new Set<string>();
  req.denyRead = denyRead.filter((d) => (seen.has(d.path) ? false : (seen.add(d.path), true)));

  for (const [key, field] of [
    ['allowed_approval_policies', 'allowedApprovalPolicies'],
    ['allowed_approvals_reviewers', 'allowedApprovalsReviewers'],
  ] as const) {
    if (!Array.isArray(composed[key])) continue;
    const list = (composed[key] as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    if (list.length === 0) {
      throw new ConstraintError(`field \`${key}\` cannot be empty`, { source: { file: keySource[key], key } });
    }
    req[field] = { value: list, source: keySource[key] };
  }
  if (Array.isArray(composed.allowed_sandbox_modes)) {
    const list = composed.allowed_sandbox_modes as RequirementSandboxMode[];
    const source = keySource.allowed_sandbox_modes;
    if (!list.includes('read-only')) {
      throw new ConstraintError(
        `invalid value for \`allowed_sandbox_modes\`: \`${debugList(list)}\` is not in the allowed set must include 'read-only' to allow any PermissionProfile (set by ${source})`,
        { source: { file: source, key: 'allowed_sandbox_modes' }, value: list },
      );
    }
    req.allowedSandboxModes = { value: list, source };
  }
  const allowTable = isTable(composed.allowed_permission_profiles) ? composed.allowed_permission_profiles : undefined;
  if (allowTable !== undefined || Array.isArray(composed.allowed_permissions)) {
    const names =
      allowTable !== undefined
        ? Object.entries(allowTable)
            .filter(([, on]) => on === true)
            .map(([n]) => n)
        : (composed.allowed_permissions as string[]);
    req.allowedPermissionProfiles = {
      value: names,
      source: keySource.allowed_permission_profiles ?? keySource.allowed_permissions,
    };
  }
  if (typeof composed.default_permissions === 'string') {
    req.defaultPermissions = { value: composed.default_permissions, source: keySource.default_permissions };
  }
  if (isTable(composed.experimental_network)) {
    const managed = managedNetworkOf(composed.experimental_network, keySource.experimental_network);
    if (managed !== undefined) req.network = managed;
  }
  checkPermissionRequirements(req);
  return req;
}

/** Permission-profile requirements must be consistent, else loading fails (docs/reference.md#requirements). */
function checkPermissionRequirements(req: Requirements): void {
  const allowed = req.allowedPermissionProfiles;
  const def = req.defaultPermissions;
  if (def !== undefined && allowed === undefined) {
    throw new ConstraintError(`default_permissions requires allowed_permission_profiles (set by ${def.source})`, {
      source: { file: def.source, key: 'default_permissions' },
      value: def.value,
    });
  }
  if (allowed === undefined) return;
  if (def !== undefined && !allowed.value.includes(def.value)) {
    throw new ConstraintError(`default_permissions \`${def.value}\` must be allowed by allowed_permission_profiles (set by ${def.source})`, {
      source: { file: def.source, key: 'default_permissions' },
      value: def.value,
    });
  }
  if (def === undefined) {
    const pair = [...allowed.value].sort();
    if (pair.length === 2 && pair[0] === ':read-only' && pair[1] === ':workspace') {
      req.defaultPermissions = { value: ':workspace', source: allowed.source };
      return;
    }
    throw new ConstraintError(`default_permissions must be set unless allowed_permission_profiles allows both \`:read-only\` and \`:workspace\` (set by ${allowed.source})`, {
      source: { file: allowed.source, key: 'allowed_permission_profiles' },
      value: allowed.value,
    });
  }
}

/** ``invalid value for `<field>`: `<candidate>` is not in the allowed set <allowed> (set by <source>)``. */
export function invalidValueError(field: string, candidate: string, allowed: readonly string[], source: string): ConstraintError {
  return new ConstraintError(`invalid value for \`${field}\`: \`${debugName(candidate)}\` is not in the allowed set ${debugList(allowed)} (set by ${source})`, {
    source: { file: source, key: field },
    value: candidate,
    details: { field, candidate, allowed: [...allowed] },
  });
}
