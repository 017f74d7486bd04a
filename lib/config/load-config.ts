// config/load-config: loadConfig(), the public entry of config/. It owns what config/ may import
// (policy and errors only) and is pure apart from the injected ConfigReader and MdmReader: the
// same files and options always give the same EffectiveConfig.
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { UnsupportedPolicyError, UsageError } from '../errors';
import type { SandboxPolicy } from '../policy/types';
import type { SandboxMode } from './config-schema';
import type { ConfigLayer, TrustDecision } from './layer-types';
import { effectiveConfig, loadConfigLayers } from './load-layers';
import { forEachLeaf } from './merge';
import type { PathContext } from './path-fields';
import { cachingReader, nodeConfigReader, type ConfigReader, type MdmReader } from './reader';
import { loadRequirements, type Requirements } from './requirements';
import { resolveSandbox, type PolicySource, type UnenforceableSetting } from './resolve-sandbox';
import type { TomlTable } from './toml-source';

export interface LoadConfigOptions {
  /** The session's working directory: project layers are searched from here up. Absolute. */
  cwd: string;
  /** Default `$CODEX_HOME`, else `~/.codex`. */
  codexHome?: string;
  /** `-c key=value` strings, in order (later wins). */
  cliOverrides?: string[];
  reader?: ConfigReader;
  /** Defaults: `/etc/codex/…` on Unix, `%ProgramData%\OpenAI\Codex\…` on Windows. */
  systemConfigPath?: string;
  systemRequirementsPath?: string;
  managedConfigPath?: string;
  /** Keep an empty user layer instead of reading `$CODEX_HOME/config.toml`. */
  ignoreUserConfig?: boolean;
  /** Skip requirements entirely: everything is allowed (the reference's exec flag). */
  ignoreManagedRequirements?: boolean;
  /** macOS managed preferences; absent means none (the CLI injects the real one on macOS). */
  mdm?: MdmReader;
  /** `--sandbox MODE`: a harness override on top of every layer. */
  sandboxModeOverride?: SandboxMode;
  /** `--permissions NAME`: selects a `[permissions]` profile or a built-in one. */
  permissionsOverride?: string;
  /** `--permission-profile JSON`, already parsed: replaces the configured policy, requirements still apply. */
  policyOverride?: SandboxPolicy;
  /** `--writable-root DIR`s (absolute), added to the roots of a workspace-write mode. */
  extraWritableRoots?: string[];
  /** The directory the project-roots entries are bound to, when it is not cwd (a plan for another OS). */
  projectRootsCwd?: string;
  env?: Record<string, string | undefined>;
  homeDir?: string;
  hostname?: string;
  platform?: 'linux' | 'macos' | 'windows';
}

export interface SourcedValue {
  value: unknown;
  /** Display name of the layer that set it, e.g. `user (/home/u/.codex/config.toml)`. */
  layer: string;
}

export interface EffectiveConfig {
  cwd: string;
  codexHome: string;
  /**
   * The effective sandbox policy (split form), as the reference reports it: project-roots entries
   * are bound to cwd and to the extra workspace roots (concrete paths), so planners need no roots.
   */
  policy: SandboxPolicy;
  /** Project roots: cwd first, then the profile's extra `workspace_roots` (informational). */
  workspaceRoots: string[];
  /** Which layer and key (or flag, or default) decided the policy. */
  source: PolicySource;
  /** The approval policy after requirements, when configured or required. */
  approvalPolicy?: { value: string; source: string };
  /** `approvals_reviewer` (`user` | `auto_review`) after requirements, when configured or required. */
  approvalsReviewer?: { value: string; source: string };
  /** Every layer, lowest precedence first; disabled project layers are listed but not merged. */
  layers: ConfigLayer[];
  /** The merged config of all enabled layers, unknown keys included. */
  config: TomlTable;
  /** Each leaf of the merged config (dotted path) with the layer that set it. */
  values: Record<string, SourcedValue>;
  requirements: Requirements;
  projectRoot: string;
  trust: TrustDecision;
  warnings: string[];
  /**
   * Settings and requirements this package cannot enforce. Non-empty means any attempt to plan a
   * sandbox must refuse (assertEnforceable) rather than run weaker than configured.
   */
  unenforceable: UnenforceableSetting[];
}

function currentPlatform(): 'linux' | 'macos' | 'windows' {
  return process.platform === 'darwin' ? 'macos' : process.platform === 'win32' ? 'windows' : 'linux';
}

function systemDir(platform: string, env: Record<string, string | undefined>): string {
  if (platform !== 'windows') return '/etc/codex';
  return nodePath.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'OpenAI', 'Codex');
}

export function defaultCodexHome(env: Record<string, string | undefined>, home: string): string {
  const fromEnv = env.CODEX_HOME;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : nodePath.join(home, '.codex');
}

export function loadConfig(opts: LoadConfigOptions): EffectiveConfig {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? currentPlatform();
  const absolute = platform === 'windows' ? nodePath.win32.isAbsolute(opts.cwd) : opts.cwd.startsWith('/');
  if (!absolute) {
    // Project layers and -c paths hang off cwd; guessing a base would load the wrong files.
    throw new UsageError(`loadConfig cwd ${JSON.stringify(opts.cwd)} is not absolute; pass an absolute directory`, { value: opts.cwd });
  }
  const home = opts.homeDir ?? os.homedir();
  const codexHome = opts.codexHome ?? defaultCodexHome(env, home);
  const reader = cachingReader(opts.reader ?? nodeConfigReader());
  const pathCtx: PathContext = { home, windows: platform === 'windows' };
  const sysDir = systemDir(platform, env);
  const join = platform === 'windows' ? nodePath.win32.join : nodePath.posix.join;

  const stack = loadConfigLayers({
    cwd: opts.cwd,
    codexHome,
    reader,
    cliOverrides: opts.cliOverrides ?? [],
    systemConfigPath: opts.systemConfigPath ?? join(sysDir, 'config.toml'),
    // docs/reference.md#requirements: the legacy file lives in /etc/codex on Unix, in CODEX_HOME elsewhere.
    managedConfigPath: opts.managedConfigPath ?? (platform === 'windows' ? join(codexHome, 'managed_config.toml') : join(sysDir, 'managed_config.toml')),
    mdm: opts.mdm,
    pathCtx,
    ...(opts.ignoreUserConfig === undefined ? {} : { ignoreUserConfig: opts.ignoreUserConfig }),
  });
  const requirements: Requirements = opts.ignoreManagedRequirements
    ? { profiles: {}, denyRead: [], sources: [] }
    : loadRequirements({
        reader,
        systemRequirementsPath: opts.systemRequirementsPath ?? join(sysDir, 'requirements.toml'),
        mdm: opts.mdm,
        codexHome,
        hostname: opts.hostname ?? os.hostname(),
        pathCtx,
        managedLayers: stack.layers.filter((l) => l.source.type.startsWith('legacyManaged')),
      });
  const merged = effectiveConfig(stack);
  const values: Record<string, SourcedValue> = {};
  for (const layer of stack.layers) {
    if (layer.disabledReason !== undefined) continue;
    forEachLeaf(layer.config, (path, value) => {
      values[path] = { value, layer: layer.name };
    });
  }
  // A leaf an upper layer replaced with a table (or the reverse) is no longer in the merge.
  const mergedLeaves = new Set<string>();
  forEachLeaf(merged, (path) => mergedLeaves.add(path));
  for (const path of Object.keys(values)) if (!mergedLeaves.has(path)) delete values[path];
  const origins = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.layer]));
  const resolution = resolveSandbox({
    merged,
    origins,
    layers: stack.layers,
    requirements,
    cwdTrust: stack.cwdTrust,
    cwd: opts.cwd,
    projectRootsCwd: opts.projectRootsCwd ?? opts.cwd,
    pathCtx,
    platform,
    ...(opts.sandboxModeOverride === undefined ? {} : { sandboxModeOverride: opts.sandboxModeOverride }),
    ...(opts.permissionsOverride === undefined ? {} : { permissionsOverride: opts.permissionsOverride }),
    ...(opts.policyOverride === undefined ? {} : { policyOverride: opts.policyOverride }),
    ...(opts.extraWritableRoots === undefined ? {} : { extraWritableRoots: opts.extraWritableRoots }),
  });
  const out: EffectiveConfig = {
    cwd: opts.cwd,
    codexHome,
    policy: resolution.policy,
    workspaceRoots: resolution.workspaceRoots,
    source: resolution.source,
    layers: stack.layers,
    config: merged,
    values,
    requirements,
    projectRoot: stack.projectRoot,
    trust: stack.cwdTrust,
    warnings: [...stack.warnings, ...resolution.warnings],
    unenforceable: resolution.unenforceable,
  };
  if (resolution.approvalPolicy !== undefined) out.approvalPolicy = resolution.approvalPolicy;
  if (resolution.approvalsReviewer !== undefined) out.approvalsReviewer = resolution.approvalsReviewer;
  return out;
}

/**
 * Throws E_UNSUPPORTED_POLICY when the config asks for something this package cannot enforce, so a
 * caller never plans a sandbox weaker than the configuration or the administrator requires.
 */
export function assertEnforceable(config: Pick<EffectiveConfig, 'unenforceable'>): void {
  const first = config.unenforceable[0];
  if (first === undefined) return;
  throw new UnsupportedPolicyError(`cannot enforce ${first.key} (set by ${first.source}): ${first.reason}; remove the setting or run where it is enforced`, {
    source: { file: first.source, key: first.key },
    issues: config.unenforceable.map((u) => ({ message: `${u.key} (set by ${u.source}): ${u.reason}`, path: u.key.split('.') })),
    details: { unenforceable: config.unenforceable },
  });
}
