// cli/commands/plan: `codex-sandbox plan [policy options] [--platform P] [--json] [-- CMD...]`.
// Prints the plan (or the refusal) without running anything. `--json` prints one object in
// snake_case with `backend`, `argv`, `permission_profile` (the reference's wire form) and the rest
// of the plan; a refusal is printed by the CLI as a JSON error.
import type { Capabilities, Platform } from '../../platform/common/types';
import type { SandboxPlan } from '../../platform/plan-sandbox';
import { runInPlaceForm } from '../../spawn/exec-plan';
import { prepareLaunch } from '../../spawn/prepare-launch';
import { UsageError } from '../../errors';
import { isWindowsAbsolutePath } from '../../policy/paths';
import type { CommandContext } from '../command';
import { parsePolicyOptions, POLICY_FLAGS, policyOptionsHelp, resolveOptionsPolicy } from '../policy-options';
import { unknownOption } from '../suggest';
import { effectiveConfigJson } from './config';

const PLATFORMS: readonly Platform[] = ['linux', 'macos', 'windows'];
export const PLAN_USAGE = 'usage: codex-sandbox plan [policy options] [--platform linux|macos|windows] [--json] [-- CMD...]';

export const PLAN_HELP = `${PLAN_USAGE}

Prints what \`run\` would execute (the backend, argv, environment, enforcement and the
permission profile), or the refusal, without running anything. See docs/cli.md#plan.

options:
  --platform linux|macos|windows  plan for that OS (default: this one); works on any host
  --json                          one snake_case object instead of text
${policyOptionsHelp()}

exit status: 0 planned, 125 refused or bad input.
`;

/**
 * When planning for Linux on another OS there is nothing to probe: plan against a declared
 * typical machine (bubblewrap without --argv0, Landlock ABI 7), and say so in the output.
 */
export const ASSUMED_LINUX_CAPABILITIES: Capabilities = {
  landlock: { status: 'available', abi: 7 },
  seccomp: true,
  userns: true,
  namespaces: { usable: true, procMount: true, reason: null, apparmorRestricted: false },
  bwrap: { path: '/usr/bin/bwrap', version: '0.8.0', hasArgv0: false, hasPerms: true, hasAsPid1: true },
  wsl: 'none',
  helperPath: '/usr/lib/node_modules/codex-sandbox/prebuilds/linux-x64/codex-sandbox-helper',
};

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** camelCase keys to snake_case, except inside env (variable names) and the wire profile. */
export function toSnakeCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnakeCase);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[snake(key)] = key === 'env' || key === 'permissionProfile' ? v : toSnakeCase(v);
  }
  return out;
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined));
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function renderText(plan: SandboxPlan, assumed: boolean): string {
  const lines = [`backend: ${plan.backend} (${plan.platform})`];
  if (assumed) lines.push('capabilities: assumed (not probed: planning for Linux on another OS)');
  lines.push(`argv: ${plan.argv.map(shellQuote).join(' ')}`);
  for (const [k, v] of Object.entries(plan.env)) lines.push(`env: ${k}=${v}`);
  for (const r of plan.requires) lines.push(`requires: ${r.capability} (${r.reason})`);
  for (const h of plan.hostPrep) lines.push(`host mount target (${h.create ? 'made before and ' : ''}removed after the run if empty): ${h.kind} ${h.path}`);
  const e = plan.enforcement;
  lines.push(
    `enforcement: filesystem ${e.filesystem ? 'restricted' : 'unrestricted'}, network ${e.network}, no_new_privs ${e.noNewPrivs}, seccomp ${e.seccomp}${e.landlockAbi === undefined ? '' : `, Landlock ABI ${e.landlockAbi}`}`,
  );
  if (e.skippedHardening.length > 0) lines.push(`skipped hardening: ${e.skippedHardening.join('; ')}`);
  lines.push(`permission_profile: ${JSON.stringify(plan.permissionProfile)}`);
  return `${lines.join('\n')}\n`;
}

export function planCommand(argv: string[], ctx: CommandContext): number {
  const { options, rest } = parsePolicyOptions(argv, { valueFlags: ['--platform'] });
  let platform: Platform = process.platform === 'darwin' ? 'macos' : process.platform === 'win32' ? 'windows' : 'linux';
  let command: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--') {
      command = rest.slice(i + 1);
      break;
    }
    if (arg === '--json') continue;
    if (arg === '--help' || arg === '-h') {
      ctx.stdout(PLAN_HELP);
      return 0;
    }
    const value = arg === '--platform' ? rest[++i] : arg.startsWith('--platform=') ? arg.slice('--platform='.length) : undefined;
    if (value === undefined && arg.startsWith('-')) throw unknownOption('plan', arg, ['--platform', '--json', '--help', ...POLICY_FLAGS]);
    if (value === undefined) throw new UsageError(`unexpected argument "${arg}" for plan: a command goes after "--"; ${PLAN_USAGE}`, { value: arg });
    if (!(PLATFORMS as readonly string[]).includes(value)) {
      throw new UsageError(`invalid value "${value}" for --platform; use one of ${PLATFORMS.join(', ')}`, { source: { flag: '--platform' }, value });
    }
    platform = value as Platform;
  }
  // A Windows --cwd is not a path on this host: the config layers are read from our own cwd, and
  // the Windows planner resolves the policy against the Windows directory.
  const windowsCwd = platform === 'windows' && options.cwd !== undefined && isWindowsAbsolutePath(options.cwd) ? options.cwd : undefined;
  const resolvedOptions = resolveOptionsPolicy(windowsCwd === undefined ? options : { ...options, cwd: undefined }, {
    processCwd: ctx.processCwd,
    env: ctx.env,
    // Project-roots entries name the Windows directory, as the reference binds them to its cwd.
    ...(windowsCwd === undefined ? {} : { config: { projectRootsCwd: windowsCwd } }),
  });
  const { policy, config } = resolvedOptions;
  const cwd = windowsCwd ?? resolvedOptions.cwd;
  // Planning for Linux on another OS has nothing to probe: it plans against a declared typical machine.
  const assumed = platform === 'linux' && process.platform !== 'linux';
  const { plan } = prepareLaunch(
    { input: policy },
    {
      platform,
      cwd,
      // A plan always shows a whole command line; `true` stands in when none follows `--`.
      command: command.length > 0 ? command : ['true'],
      backend: options.backend ?? 'auto',
      ...(assumed ? { capabilities: ASSUMED_LINUX_CAPABILITIES, elsewhere: true as const } : {}),
      // The Windows planner reads USERPROFILE, TEMP and proxies from the child's environment.
      ...(platform === 'windows' ? { env: definedEnv(ctx.env) } : {}),
    },
  );
  // What run executes: a Linux plan it would run in place of itself carries the helper's
  // --exit-on-signal (spawn/exec-plan.ts). A proxied network is always spawned (the proxy lives in run).
  const shown = plan.platform === 'linux' && !assumed && plan.enforcement.network !== 'proxied' ? (runInPlaceForm(plan) ?? plan) : plan;
  if (ctx.json) {
    // Which config layers (and which key or flag) produced the policy: see `config show --json`.
    const { policy_source, layers } = effectiveConfigJson(config);
    ctx.stdout(`${JSON.stringify({ ...(toSnakeCase(shown) as Record<string, unknown>), capabilities_assumed: assumed, policy_source, config_layers: layers })}\n`);
  } else {
    ctx.stdout(renderText(shown, assumed));
  }
  return 0;
}
