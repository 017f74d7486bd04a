// cli/commands/config: `config show`, `config lock export|verify`, `config set|unset`. It shows
// the effective sandbox config with the layer each value came from, pins it in a lockfile, and
// makes the few comment-preserving edits a sandbox user needs in $CODEX_HOME/config.toml.
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as nodePath from 'node:path';
import { exportConfigLock, verifyConfigLock } from '../../config/config-lock';
import { editConfigFile, type ConfigEdit } from '../../config/config-edit';
import { defaultCodexHome, loadConfig, type EffectiveConfig } from '../../config/load-config';
import { ConfigParseError, isSandboxError, UsageError } from '../../errors';
import { policyToPermissionProfile } from '../../policy/profile';
import { permissionProfileToWire } from '../../policy/wire';
import type { CommandContext, CommandHandler } from '../command';
import { macosMdmReader } from '../macos-mdm';
import { parsePolicyOptions, POLICY_FLAGS, type PolicyOptions } from '../policy-options';
import { didYouMean, unknownOption } from '../suggest';

const SUBCOMMANDS = ['show', 'lock', 'set', 'unset'];

const HELP = `usage:
  codex-sandbox config show [--json] [--cwd DIR] [--codex-home DIR] [-c key=value]... [--sandbox MODE | --permissions NAME]
  codex-sandbox config lock export FILE [same options]
  codex-sandbox config lock verify FILE [--allow-version-mismatch] [same options]
  codex-sandbox config set KEY VALUE [--codex-home DIR]
  codex-sandbox config unset KEY [--codex-home DIR]

config set/unset keys (written to $CODEX_HOME/config.toml, comments and order kept):
  sandbox_mode read-only|workspace-write|danger-full-access
  default_permissions NAME
  sandbox_workspace_write.writable_roots +DIR | -DIR      add or remove one writable root
  permissions.NAME.filesystem.PATH read|write|deny         PATH: absolute, ~/..., or :token
  permissions.NAME.filesystem.:workspace_roots/SUB read|write|deny
`;

/** Keys whose values `config show` lists: everything that shapes the sandbox or approvals. */
const SANDBOX_KEY =
  /^(sandbox_mode|sandbox_workspace_write|default_permissions|permissions|approval_policy|approvals_reviewer|projects|project_root_markers|profile)(\.|$)|^profiles\.[^.]+\.sandbox_mode$/;

/** The CLI's snake_case JSON of a load (also used by `plan --json` to name the deciding layers). */
export function effectiveConfigJson(cfg: EffectiveConfig): Record<string, unknown> {
  const source: Record<string, unknown> = { kind: cfg.source.kind, key: cfg.source.key, value: cfg.source.value };
  if (cfg.source.layer !== undefined) source.layer = cfg.source.layer;
  if (cfg.source.fallbackFrom !== undefined) source.fallback_from = cfg.source.fallbackFrom;
  const req = cfg.requirements;
  const requirements: Record<string, unknown> = { sources: req.sources };
  if (req.allowedSandboxModes) requirements.allowed_sandbox_modes = req.allowedSandboxModes;
  if (req.allowedApprovalPolicies) requirements.allowed_approval_policies = req.allowedApprovalPolicies;
  if (req.allowedApprovalsReviewers) requirements.allowed_approvals_reviewers = req.allowedApprovalsReviewers;
  if (req.allowedPermissionProfiles) requirements.allowed_permission_profiles = req.allowedPermissionProfiles;
  if (req.defaultPermissions) requirements.default_permissions = req.defaultPermissions;
  if (req.denyRead.length > 0) requirements.deny_read = req.denyRead;
  const out: Record<string, unknown> = {
    cwd: cfg.cwd,
    codex_home: cfg.codexHome,
    policy_source: source,
    permission_profile: permissionProfileToWire(policyToPermissionProfile(cfg.policy)),
    workspace_roots: cfg.workspaceRoots,
    project_root: cfg.projectRoot,
    trust: { level: cfg.trust.level ?? null, key: cfg.trust.key ?? null },
    layers: cfg.layers.map((l) => {
      const layer: Record<string, unknown> = { name: l.name, type: l.source.type, precedence: l.precedence, version: l.version };
      if (l.disabledReason !== undefined) layer.disabled_reason = l.disabledReason;
      return layer;
    }),
    values: Object.fromEntries(Object.entries(cfg.values).filter(([k]) => SANDBOX_KEY.test(k))),
    requirements,
    warnings: cfg.warnings,
    unenforceable: cfg.unenforceable,
  };
  if (cfg.approvalPolicy !== undefined) out.approval_policy = cfg.approvalPolicy;
  if (cfg.approvalsReviewer !== undefined) out.approvals_reviewer = cfg.approvalsReviewer;
  return out;
}

function renderShow(cfg: EffectiveConfig): string {
  const lines: string[] = [];
  const s = cfg.source;
  const by = s.kind === 'override' ? s.key : s.kind === 'default' ? 'the default' : `${s.key} in ${s.layer ?? 'config'}`;
  lines.push(`policy: ${s.value} (decided by ${by}${s.fallbackFrom === undefined ? '' : `; requirements replaced ${s.fallbackFrom}`})`);
  lines.push(`permission_profile: ${JSON.stringify(permissionProfileToWire(policyToPermissionProfile(cfg.policy)))}`);
  if (cfg.workspaceRoots.length > 1) lines.push(`workspace_roots: ${cfg.workspaceRoots.join(', ')}`);
  if (cfg.approvalPolicy !== undefined) lines.push(`approval_policy: ${cfg.approvalPolicy.value} (${cfg.approvalPolicy.source})`);
  if (cfg.approvalsReviewer !== undefined) lines.push(`approvals_reviewer: ${cfg.approvalsReviewer.value} (${cfg.approvalsReviewer.source})`);
  lines.push(`project root: ${cfg.projectRoot} (trust: ${cfg.trust.level ?? 'unknown'}${cfg.trust.key === undefined ? '' : ` via [projects."${cfg.trust.key}"]`})`);
  lines.push('layers, lowest precedence first:');
  for (const l of cfg.layers) lines.push(`  ${l.name}${l.disabledReason === undefined ? '' : ` [disabled: ${l.disabledReason}]`}`);
  if (cfg.requirements.sources.length > 0) lines.push(`requirements from: ${cfg.requirements.sources.join(', ')}`);
  const values = Object.entries(cfg.values).filter(([k]) => SANDBOX_KEY.test(k));
  if (values.length > 0) {
    lines.push('values:');
    for (const [k, v] of values) lines.push(`  ${k} = ${JSON.stringify(v.value)}  # ${v.layer}`);
  }
  for (const w of cfg.warnings) lines.push(`warning: ${w}`);
  for (const u of cfg.unenforceable) lines.push(`unenforceable: ${u.key} (set by ${u.source}): ${u.reason}`);
  return `${lines.join('\n')}\n`;
}

function rejectPolicyShapers(options: PolicyOptions, sub: string): void {
  for (const flag of ['--permission-profile', '--writable-root', '--backend', '--allow-domain', '--deny-domain', '--allow-local-binding']) {
    if (options.flags[flag] !== undefined) {
      throw new UsageError(`config ${sub} reads the policy from config files; ${flag} does not apply`, { source: { flag } });
    }
  }
  if (options.flags.network !== undefined) {
    throw new UsageError(`config ${sub} reads the policy from config files; ${options.flags.network} does not apply`, {
      source: { flag: options.flags.network },
    });
  }
}

function loadFromOptions(options: PolicyOptions, ctx: CommandContext): EffectiveConfig {
  const cwd = nodePath.resolve(ctx.processCwd, options.cwd ?? '.');
  const mdm = macosMdmReader();
  return loadConfig({
    cwd,
    cliOverrides: options.configOverrides,
    env: ctx.env,
    ...(options.codexHome === undefined ? {} : { codexHome: nodePath.resolve(ctx.processCwd, options.codexHome) }),
    ...(options.sandbox === undefined ? {} : { sandboxModeOverride: options.sandbox }),
    ...(options.permissions === undefined ? {} : { permissionsOverride: options.permissions }),
    ...(mdm === undefined ? {} : { mdm }),
  });
}

/** `config set KEY VALUE` / `config unset KEY` to one edit. */
export function parseConfigEdit(key: string, value: string | undefined, unset: boolean): ConfigEdit {
  const need = (): string => {
    if (value === undefined) throw new UsageError(`config set ${key} needs a VALUE; see codex-sandbox config --help`);
    return value;
  };
  if (key === 'sandbox_mode' && !unset) return { kind: 'set-sandbox-mode', mode: need() as never };
  if (key === 'default_permissions' && !unset) return { kind: 'set-default-permissions', profile: need() };
  if (key === 'sandbox_workspace_write.writable_roots' && !unset) {
    const v = need();
    if (v.startsWith('+')) return { kind: 'add-writable-root', path: v.slice(1) };
    if (v.startsWith('-')) return { kind: 'remove-writable-root', path: v.slice(1) };
    throw new UsageError(`config set ${key} takes +DIR to add a root or -DIR to remove one, got "${v}"`, { value: v });
  }
  const m = /^permissions\.([^.]+)\.filesystem\.(.+)$/.exec(key);
  if (m !== null) {
    const [, profile, rest] = m;
    const scoped = /^(:[a-z_]+)\/(.+)$/.exec(rest);
    const target = scoped === null ? { profile, path: rest } : { profile, path: scoped[1], subpath: scoped[2] };
    if (unset) return { kind: 'remove-permission-entry', ...target };
    return { kind: 'set-permission-entry', ...target, access: need() as 'read' | 'write' | 'deny' };
  }
  throw new UsageError(
    `config ${unset ? 'unset' : 'set'} does not edit "${key}"; it edits sandbox_mode, default_permissions, sandbox_workspace_write.writable_roots and permissions.NAME.filesystem.PATH`,
    { value: key },
  );
}

function packageVersion(): string {
  return (require('../../../package.json') as { version: string }).version;
}

function readLock(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigParseError(`failed to read config lock file ${file}: ${(err as Error).message}`, { source: { file }, cause: err });
  }
}

export const configCommand: CommandHandler = (argv: string[], ctx: CommandContext): number => {
  const { options, rest } = parsePolicyOptions(argv);
  const json = rest.includes('--json');
  const allowMismatch = rest.includes('--allow-version-mismatch');
  const args = rest.filter((a) => a !== '--json' && a !== '--allow-version-mismatch');
  if (args.includes('--help') || args.includes('-h')) {
    ctx.stdout(HELP);
    return 0;
  }
  // A missing subcommand is a usage error like any other (status 125, docs/cli.md#exit-statuses).
  if (args.length === 0) throw new UsageError(`config needs a subcommand: ${SUBCOMMANDS.join(', ')}; see codex-sandbox config --help`);
  const unknown = args.find((a) => a.startsWith('-') && !/^[-+]\//.test(a) && !/^[-+]~/.test(a));
  if (unknown !== undefined) throw unknownOption('config', unknown, ['--json', '--allow-version-mismatch', '--help', ...POLICY_FLAGS]);
  const [sub, ...params] = args;
  switch (sub) {
    case 'show': {
      if (params.length > 0) throw new UsageError(`config show takes no arguments, got "${params[0]}"`);
      rejectPolicyShapers(options, 'show');
      const cfg = loadFromOptions(options, ctx);
      ctx.stdout(json ? `${JSON.stringify(effectiveConfigJson(cfg))}\n` : renderShow(cfg));
      return 0;
    }
    case 'lock': {
      const [action, file, extra] = params;
      if ((action !== 'export' && action !== 'verify') || file === undefined || extra !== undefined) {
        throw new UsageError('usage: codex-sandbox config lock export|verify FILE');
      }
      rejectPolicyShapers(options, 'lock');
      const cfg = loadFromOptions(options, ctx);
      const path = nodePath.resolve(ctx.processCwd, file);
      if (action === 'export') {
        writeFileSync(path, exportConfigLock(cfg, { codexSandboxVersion: packageVersion() }));
        if (json) ctx.stdout(`${JSON.stringify({ file: path, written: true })}\n`);
        return 0;
      }
      try {
        verifyConfigLock(cfg, readLock(path), { file: path, allowVersionMismatch: allowMismatch, codexSandboxVersion: packageVersion() });
      } catch (err) {
        // The full diff is multi-line; the error itself stays one line (printed by main).
        if (!json && isSandboxError(err) && typeof err.details?.diff === 'string') ctx.stderr(`${err.details.diff}\n`);
        throw err;
      }
      if (json) ctx.stdout(`${JSON.stringify({ file: path, matches: true })}\n`);
      else ctx.stdout(`config matches ${path}\n`);
      return 0;
    }
    case 'set':
    case 'unset': {
      const unset = sub === 'unset';
      const [key, value, extra] = params;
      if (key === undefined || (unset ? value !== undefined : extra !== undefined)) {
        throw new UsageError(`usage: codex-sandbox config ${unset ? 'unset KEY' : 'set KEY VALUE'}`);
      }
      for (const flag of Object.keys(options.flags)) {
        if (flag !== '--codex-home') throw new UsageError(`config ${sub} edits $CODEX_HOME/config.toml; ${options.flags[flag]} does not apply`, { source: { flag } });
      }
      const edit = parseConfigEdit(key, value, unset);
      if (edit.kind === 'add-writable-root' || edit.kind === 'remove-writable-root') {
        // A relative root on the command line means relative to where the user is.
        if (!edit.path.startsWith('~') && !nodePath.isAbsolute(edit.path)) edit.path = nodePath.resolve(ctx.processCwd, edit.path);
      }
      const home = options.codexHome === undefined ? defaultCodexHome(ctx.env, ctx.env.HOME ?? homedir()) : nodePath.resolve(ctx.processCwd, options.codexHome);
      const result = editConfigFile({ file: nodePath.join(home, 'config.toml'), edits: [edit] });
      if (json) ctx.stdout(`${JSON.stringify(result)}\n`);
      else ctx.stdout(result.changed ? `updated ${result.file}\n` : `${result.file} already has that setting\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown config subcommand "${sub}"${didYouMean(sub!, SUBCOMMANDS)}; use ${SUBCOMMANDS.join(', ')}`, { value: sub });
  }
};
