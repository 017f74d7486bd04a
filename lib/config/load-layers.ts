// config/load-layers: builds the config layer stack (docs/reference.md#config-layers, #project-trust): system, user, project
// `.codex/` folders from the project root down to cwd (trust-gated, denylist-stripped), `-c`
// session flags, and the legacy managed config from file and MDM. Every read goes through the
// injected ConfigReader; a missing file is an empty layer, any other read failure is an error.
import * as nodePath from 'node:path';
import { ConfigParseError } from '../errors';
import { sha256Hex } from '../sha256';
import { validateConfigLayer, isStringArray } from './config-schema';
import { layerDisplayName, PRECEDENCE, type ConfigLayer, type LayerSource, type TrustDecision } from './layer-types';
import { getPath, mergeTomlValues } from './merge';
import { buildOverridesTable, parseCliOverride } from './overrides';
import { resolveLayerPaths, type PathContext } from './path-fields';
import { decodeConfigText, type ConfigReader, type MdmReader } from './reader';
import { configError, isTable, parseTomlText, type TomlTable, type ValueOrigin } from './toml-source';

export const MDM_DOMAIN = 'com.openai.codex';

/** Keys repo content may not set, because they redirect credentials or commands (docs/reference.md#project-trust). */
const PROJECT_DENYLIST: string[][] = [
  ['openai_base_url'],
  ['chatgpt_base_url'],
  ['apps_mcp_product_sku'],
  ['model_provider'],
  ['model_providers'],
  ['notify'],
  ['profile'],
  ['profiles'],
  ['experimental_realtime_webrtc_call_base_url'],
  ['experimental_realtime_ws_base_url'],
  ['otel'],
  ['features', 'respect_system_proxy'],
];

export interface LayerLoadOptions {
  cwd: string;
  /** Keep the user layer but ignore its contents, even when malformed (docs/reference.md#config-layers). */
  ignoreUserConfig?: boolean;
  codexHome: string;
  reader: ConfigReader;
  cliOverrides: readonly string[];
  systemConfigPath: string;
  managedConfigPath: string;
  mdm: MdmReader | undefined;
  pathCtx: PathContext;
}

export interface LayerStack {
  /** Lowest precedence first. */
  layers: ConfigLayer[];
  warnings: string[];
  projectRoot: string;
  /** The trust decision for cwd (it sets the default sandbox mode, docs/reference.md#project-trust). */
  cwdTrust: TrustDecision;
  userConfigFile: string;
}

function sortedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedJson);
  if (isTable(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortedJson(value[k])]),
    );
  }
  return value;
}

/** The version of an empty layer (no file, or an empty one): sha256 of `{}`, the hash below. */
export const EMPTY_LAYER_VERSION = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

export function layerVersion(config: TomlTable): string {
  // Every start-up makes the layers, most find no file: the constant saves hashing `{}` each time;
  // test/unit/config checks it.
  if (Object.keys(config).length === 0) return EMPTY_LAYER_VERSION;
  return `sha256:${sha256Hex(JSON.stringify(sortedJson(config)))}`;
}

function makeLayer(source: LayerSource, config: TomlTable, origin: ValueOrigin, disabledReason?: string): ConfigLayer {
  const layer: ConfigLayer = {
    source,
    name: layerDisplayName(source),
    precedence: PRECEDENCE[source.type],
    config,
    version: layerVersion(config),
    origin,
  };
  if (disabledReason !== undefined) layer.disabledReason = disabledReason;
  return layer;
}

function readText(reader: ConfigReader, file: string, what: string): string | undefined {
  try {
    return reader.readFile(file);
  } catch (err) {
    // Already a typed error that names the file (invalid UTF-8, reader.ts).
    if (err instanceof ConfigParseError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigParseError(`Failed to read ${what} ${file}: ${reason}; check the file's permissions`, {
      source: { file },
      cause: err,
    });
  }
}

/**
 * Host names under `permissions.<p>.network.domains` are case-insensitive: normalize them per
 * layer so `EXAMPLE.COM` in a higher layer replaces `example.com` from a lower one (docs/reference.md#config-layers).
 */
function normalizeDomainKeys(config: TomlTable): void {
  const perms = config.permissions;
  if (!isTable(perms)) return;
  for (const profile of Object.values(perms)) {
    const domains = getPath(profile, ['network', 'domains']);
    if (!isTable(domains)) continue;
    for (const key of Object.keys(domains)) {
      const host = key.toLowerCase().replace(/\.+$/, '');
      if (host === key) continue;
      domains[host] = domains[key];
      delete domains[key];
    }
  }
}

/** Reads, parses, checks and path-resolves one config file; missing means an empty table. */
function loadFileLayer(opts: LayerLoadOptions, file: string, what: string): { config: TomlTable; origin: ValueOrigin; present: boolean } {
  const read = readText(opts.reader, file, what);
  const text = read ?? '';
  const origin: ValueOrigin = { kind: 'file', file, text };
  const config = parseTomlText(text, file, what);
  validateConfigLayer(config, origin);
  resolveLayerPaths(config, nodePath.dirname(file), opts.pathCtx);
  normalizeDomainKeys(config);
  return { config, origin, present: read !== undefined };
}

/** Decodes an MDM base64 value, strictly as UTF-8 like a config file; empty or unset means absent. */
export function decodeMdmValue(raw: string | undefined, name: string): string | undefined {
  const trimmed = raw?.trim();
  if (trimmed === undefined || trimmed === '') return undefined;
  return decodeConfigText(Buffer.from(trimmed, 'base64'), name);
}

function sameDir(a: string, b: string, reader: ConfigReader): boolean {
  if (a === b) return true;
  const ra = reader.realpath(a);
  return ra !== undefined && ra === reader.realpath(b);
}

/** cwd, then its lexical ancestors: the first directory holding any marker is the root (docs/reference.md#project-trust). */
function findProjectRoot(cwd: string, markers: string[], reader: ConfigReader): string {
  if (markers.length === 0) return cwd;
  for (let dir = cwd; ; dir = nodePath.dirname(dir)) {
    for (const marker of markers) {
      if (reader.stat(nodePath.join(dir, marker)) !== undefined) return dir;
    }
    if (nodePath.dirname(dir) === dir) return cwd;
  }
}

/**
 * The git "repo root for trust": the directory holding `.git`; for a linked worktree (a `.git`
 * file pointing into `<main>/.git/worktrees/<name>`) the main checkout's root.
 */
function repoRootForTrust(start: string, reader: ConfigReader): string | undefined {
  for (let dir = start; ; dir = nodePath.dirname(dir)) {
    const dotGit = nodePath.join(dir, '.git');
    const kind = reader.stat(dotGit);
    if (kind === 'dir') return dir;
    if (kind === 'file') {
      let text: string | undefined;
      try {
        text = reader.readFile(dotGit);
      } catch {
        return dir;
      }
      const m = /^\s*gitdir:\s*(.+?)\s*$/m.exec(text ?? '');
      if (m !== null) {
        const gitdir = nodePath.resolve(dir, m[1]);
        const wt = /^(.*)[\\/]\.git[\\/]worktrees[\\/][^\\/]+[\\/]?$/.exec(gitdir);
        if (wt !== null) return wt[1];
      }
      return dir;
    }
    if (nodePath.dirname(dir) === dir) return undefined;
  }
}

function trustKeys(path: string, reader: ConfigReader, windows: boolean): string[] {
  const canonical = reader.realpath(path) ?? path;
  const keys = canonical === path ? [canonical] : [canonical, path];
  return windows ? keys.map((k) => k.toLowerCase()) : keys;
}

function lookupTrust(projects: TomlTable, path: string, reader: ConfigReader, windows: boolean): TrustDecision {
  const entries = Object.entries(projects);
  for (const key of trustKeys(path, reader, windows)) {
    // Exact first; the case-normalized pass only matters on Windows (docs/reference.md#project-trust).
    const hit = entries.find(([k]) => k === key) ?? (windows ? entries.find(([k]) => k.toLowerCase() === key) : undefined);
    const level = hit === undefined ? undefined : getPath(hit[1], ['trust_level']);
    if (level === 'trusted' || level === 'untrusted') return { level, key: hit![0] };
  }
  return { level: undefined, key: undefined };
}

interface TrustContext {
  projects: TomlTable;
  projectRoot: string;
  repoRoot: string | undefined;
  reader: ConfigReader;
  windows: boolean;
}

/**
 * Decision for one directory: itself, then the project root, then the repo root (docs/reference.md#project-trust).
 * `ownEntry` says whether the directory's own trust entry decided.
 */
function decideTrust(dir: string, ctx: TrustContext): TrustDecision & { displayKey: string; ownEntry: boolean } {
  const candidates = [dir, ctx.projectRoot, ...(ctx.repoRoot === undefined ? [] : [ctx.repoRoot])];
  for (const [i, candidate] of candidates.entries()) {
    const decision = lookupTrust(ctx.projects, candidate, ctx.reader, ctx.windows);
    if (decision.level !== undefined) return { ...decision, displayKey: decision.key!, ownEntry: i === 0 };
  }
  const fallback = ctx.repoRoot ?? ctx.projectRoot;
  return { level: undefined, key: undefined, displayKey: trustKeys(fallback, ctx.reader, ctx.windows)[0], ownEntry: false };
}

/**
 * Deviation from the reference (issue #20): a `.codex` below the project root is loaded only when
 * its own directory is trusted. A sandboxed command in the project can write one at any depth (the
 * policy protects `.codex` directly under each writable root only, and no mount can cover every
 * depth), and inheriting the root's trust let it choose the next session's sandbox. The root's own
 * `.codex` is protected in a sandbox whose writable root is the root, and keeps the reference's rule.
 */
function inheritedTrustReason(dir: string, dotCodex: string, decision: { displayKey: string }, ctx: TrustContext, userFile: string): string {
  const key = trustKeys(dir, ctx.reader, ctx.windows)[0];
  return `${dotCodex} is below the trusted project ${decision.displayKey}, where a sandboxed command could have written it, so it is not loaded on that project's trust; if you wrote it, trust ${key} itself: add [projects."${key}"] trust_level = "trusted" to ${userFile}.`;
}

function stripDenylisted(config: TomlTable): string[] {
  const stripped: string[] = [];
  for (const path of PROJECT_DENYLIST) {
    const parent = getPath(config, path.slice(0, -1));
    const last = path[path.length - 1];
    if (isTable(parent) && last in parent) {
      delete parent[last];
      stripped.push(path.join('.'));
    }
  }
  return stripped;
}

function loadProjectLayers(opts: LayerLoadOptions, projectRoot: string, trust: TrustContext, userFile: string, warnings: string[]): ConfigLayer[] {
  const dirs: string[] = [];
  for (let dir = opts.cwd; ; dir = nodePath.dirname(dir)) {
    dirs.push(dir);
    if (dir === projectRoot || nodePath.dirname(dir) === dir) break;
  }
  dirs.reverse();
  const layers: ConfigLayer[] = [];
  for (const dir of dirs) {
    const dotCodex = nodePath.join(dir, '.codex');
    if (opts.reader.stat(dotCodex) !== 'dir') continue;
    // A `.codex` that is CODEX_HOME is the user layer, never a project layer (docs/reference.md#project-trust).
    if (sameDir(dotCodex, opts.codexHome, opts.reader)) continue;
    const found = decideTrust(dir, trust);
    const inherited = found.level === 'trusted' && !found.ownEntry && dir !== projectRoot;
    const decision = inherited ? { ...found, level: undefined } : found;
    const file = nodePath.join(dotCodex, 'config.toml');
    const source: LayerSource = { type: 'project', dotCodexFolder: dotCodex };
    const text = readText(opts.reader, file, 'project config file') ?? '';
    const origin: ValueOrigin = { kind: 'file', file, text };
    let config: TomlTable;
    if (decision.level === 'trusted') {
      try {
        config = parseTomlText(text, file, 'project config file');
      } catch (err) {
        throw new ConfigParseError(`Error parsing project config file ${file}: ${(err as Error).message}`, {
          source: (err as ConfigParseError).source ?? { file },
          cause: err,
        });
      }
      validateConfigLayer(config, origin);
    } else {
      // An untrusted project's file is never used, so a syntax error in it is not an error (docs/reference.md#project-trust).
      try {
        config = parseTomlText(text, file, 'project config file');
      } catch {
        config = {};
      }
    }
    resolveLayerPaths(config, dotCodex, opts.pathCtx);
    normalizeDomainKeys(config);
    const stripped = stripDenylisted(config);
    if (decision.level === 'trusted') {
      if (stripped.length > 0) {
        warnings.push(
          `Ignored unsupported project-local config keys in ${file}: ${stripped.join(', ')}. If you want these settings to apply, manually set them in your user-level config.toml.`,
        );
      }
      layers.push(makeLayer(source, config, origin));
      continue;
    }
    const reason = inherited
      ? inheritedTrustReason(dir, dotCodex, found, trust, userFile)
      : decision.level === 'untrusted'
        ? `${decision.displayKey} is marked as untrusted in ${userFile}. To load project-local config, hooks, and exec policies, mark it trusted.`
        : `To load project-local config, hooks, and exec policies, add ${decision.displayKey} as a trusted project in ${userFile}.`;
    layers.push(makeLayer(source, config, origin, reason));
  }
  return layers;
}

function overridesLayer(opts: LayerLoadOptions): ConfigLayer | undefined {
  if (opts.cliOverrides.length === 0) return undefined;
  const config = buildOverridesTable(opts.cliOverrides.map(parseCliOverride));
  const origin: ValueOrigin = { kind: 'flag', flag: '-c' };
  validateConfigLayer(config, origin);
  resolveLayerPaths(config, opts.cwd, opts.pathCtx);
  normalizeDomainKeys(config);
  return makeLayer({ type: 'sessionFlags' }, config, origin);
}

function mdmConfigLayer(opts: LayerLoadOptions): ConfigLayer | undefined {
  const file = `MDM ${MDM_DOMAIN}:config_toml_base64`;
  const text = decodeMdmValue(opts.mdm?.read('config_toml_base64'), file);
  if (text === undefined) return undefined;
  const origin: ValueOrigin = { kind: 'file', file, text };
  const config = parseTomlText(text, file, 'managed config');
  validateConfigLayer(config, origin);
  // Only absolute or `~/` paths are expected here; relative ones resolve against CODEX_HOME (docs/reference.md#relative-paths).
  resolveLayerPaths(config, opts.codexHome, opts.pathCtx);
  normalizeDomainKeys(config);
  return makeLayer({ type: 'legacyManagedConfigTomlFromMdm' }, config, origin);
}

function mergeEnabled(layers: readonly ConfigLayer[]): TomlTable {
  return layers.filter((l) => l.disabledReason === undefined).reduce((acc, l) => mergeTomlValues(acc, l.config), {} as TomlTable);
}

/** The markers from everything loaded before the project layers; projects cannot set their own. */
function projectRootMarkers(preProject: readonly ConfigLayer[]): string[] {
  let found: { value: unknown; layer: ConfigLayer } | undefined;
  for (const layer of preProject) {
    if ('project_root_markers' in layer.config) found = { value: layer.config.project_root_markers, layer };
  }
  if (found === undefined) return ['.git'];
  if (!isStringArray(found.value)) {
    throw configError(found.layer.origin, ['project_root_markers'], 'project_root_markers must be an array of strings', found.value, 'value');
  }
  return found.value;
}

export function loadConfigLayers(opts: LayerLoadOptions): LayerStack {
  const warnings: string[] = [];
  const userFile = nodePath.join(opts.codexHome, 'config.toml');
  const cli = overridesLayer(opts);

  const system = loadFileLayer(opts, opts.systemConfigPath, 'config file');
  const user = opts.ignoreUserConfig ? { config: {}, origin: { kind: 'file' as const, file: userFile, text: '' } } : loadFileLayer(opts, userFile, 'config file');
  const layers: ConfigLayer[] = [
    makeLayer({ type: 'system', file: opts.systemConfigPath }, system.config, system.origin),
    makeLayer({ type: 'user', file: userFile }, user.config, user.origin),
  ];

  const preProject = cli === undefined ? layers : [...layers, cli];
  const preMerged = mergeEnabled(preProject);
  const projectRoot = findProjectRoot(opts.cwd, projectRootMarkers(preProject), opts.reader);
  const projects = isTable(preMerged.projects) ? preMerged.projects : {};
  const trust: TrustContext = {
    projects,
    projectRoot,
    repoRoot: repoRootForTrust(opts.cwd, opts.reader),
    reader: opts.reader,
    windows: opts.pathCtx.windows,
  };
  layers.push(...loadProjectLayers(opts, projectRoot, trust, userFile, warnings));
  if (cli !== undefined) layers.push(cli);

  const managed = loadFileLayer(opts, opts.managedConfigPath, 'managed config file');
  if (managed.present) {
    layers.push(makeLayer({ type: 'legacyManagedConfigTomlFromFile', file: opts.managedConfigPath }, managed.config, managed.origin));
  }
  const mdm = mdmConfigLayer(opts);
  if (mdm !== undefined) layers.push(mdm);

  const cwdDecision = decideTrust(opts.cwd, trust);
  return {
    layers,
    warnings,
    projectRoot,
    cwdTrust: { level: cwdDecision.level, key: cwdDecision.key },
    userConfigFile: userFile,
  };
}

export function effectiveConfig(stack: LayerStack): TomlTable {
  return mergeEnabled(stack.layers);
}
