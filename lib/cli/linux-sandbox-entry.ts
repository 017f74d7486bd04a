// cli/linux-sandbox-entry: the `codex-linux-sandbox` entry point. Accepts the reference helper's
// flags (docs/reference.md#helper-flags) and resolves them with its rules and messages (docs/reference.md#helper-flags), so tools
// that drive the reference helper can drive this one. Replaces itself with bwrap or the helper
// when nothing must be cleaned up afterwards; otherwise spawns, forwards signals, waits, cleans up.
import { isSandboxError, PolicyInvalidError, UnsupportedPolicyError, UsageError } from '../errors';
import type { BackendChoice, Capabilities } from '../platform/common/types';
import type { LinuxPlan } from '../platform/linux/plan';
import { needsDirectRuntimeEnforcement, legacyPoliciesMatch } from '../policy/equivalence';
import { fromLegacySandboxPolicy, toLegacySandboxPolicy } from '../policy/legacy-bridge';
import { nodeHost } from '../policy/node-host';
import { parseFileSystemSandboxPolicy, parseLegacySandboxPolicy, parseNetworkSandboxPolicy, parsePermissionProfile } from '../policy/parse-policy';
import { permissionProfileToPolicy } from '../policy/profile';
import { duplicateKeyError } from '../policy/invalid-input';
import { resolvePolicy } from '../policy/resolve';
import { parseStrictJson } from '../policy/strict-json';
import type { Host, SandboxPolicy } from '../policy/types';
import { legacySandboxPolicyToWire } from '../policy/wire';
import { canExecInPlace, execPlan } from '../spawn/exec-plan';
import { pruneDeadHostPrep } from '../spawn/host-prep';
import { prepareLaunch } from '../spawn/prepare-launch';
import { spawnPlan } from '../spawn/spawn-sandboxed';
import type { CommandContext } from './command';
import { waitForeground } from './foreground';

const VALUE_FLAGS = new Set([
  '--sandbox-policy-cwd',
  '--command-cwd',
  '--permission-profile',
  '--sandbox-policy',
  '--file-system-sandbox-policy',
  '--network-sandbox-policy',
  '--managed-network',
  '--proxy-route-spec',
]);
const BOOL_FLAGS = new Set(['--no-proc', '--use-legacy-landlock', '--apply-seccomp-then-exec', '--allow-network-for-proxy']);

export interface LinuxSandboxArgs {
  values: Map<string, string>;
  flags: Set<string>;
  command: string[];
}

/** Strict flag parsing: unknown, duplicate or value-less flags are usage errors (clap's exit 2). */
export function parseLinuxSandboxArgs(argv: string[]): LinuxSandboxArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  let i = 0;
  for (; i < argv.length; i++) {
    const raw = argv[i];
    if (raw === '--') break;
    const eq = raw.indexOf('=');
    const name = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 && raw.startsWith('--') ? raw.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`missing value for ${name}`, { source: { flag: name } });
      if (values.has(name)) throw new UsageError(`${name} given more than once`, { source: { flag: name } });
      values.set(name, value);
    } else if (BOOL_FLAGS.has(name)) {
      flags.add(name);
    } else {
      throw new UsageError(`unknown argument "${raw}" for codex-linux-sandbox; see docs/cli.md`, { source: { argIndex: i }, value: raw });
    }
  }
  const command = argv.slice(i + 1);
  if (i >= argv.length || command.length === 0) throw new UsageError('No command specified to execute.');
  if (!values.has('--sandbox-policy-cwd')) throw new UsageError('missing required argument --sandbox-policy-cwd <PATH>', { source: { flag: '--sandbox-policy-cwd' } });
  return { values, flags, command };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The effective policy from the flags, by the reference's resolution rules (docs/reference.md#helper-flags). */
export function resolveLinuxSandboxPolicy(args: LinuxSandboxArgs, cwd: string, host: Host): { policy: SandboxPolicy; fromProfile: boolean } {
  const profileText = args.values.get('--permission-profile');
  const legacyText = args.values.get('--sandbox-policy');
  const fsText = args.values.get('--file-system-sandbox-policy');
  const netText = args.values.get('--network-sandbox-policy');
  if (profileText !== undefined) {
    if (legacyText !== undefined || fsText !== undefined || netText !== undefined) {
      throw new UsageError('--permission-profile replaces --sandbox-policy, --file-system-sandbox-policy and --network-sandbox-policy; give one form', {
        source: { flag: '--permission-profile' },
      });
    }
    const parsed = parseStrictJson(profileText);
    if (!parsed.ok) {
      // A duplicated key is refused: JSON.parse would keep the last one silently (issue #20).
      if ('duplicate' in parsed) throw duplicateKeyError(parsed.duplicate, profileText, 'permission profile JSON', { flag: '--permission-profile' });
      throw new PolicyInvalidError(`invalid permission profile JSON: ${messageOf(parsed.error)}`, { source: { flag: '--permission-profile' }, value: profileText });
    }
    const value = parsed.value;
    try {
      return { policy: permissionProfileToPolicy(parsePermissionProfile(value, { flag: '--permission-profile' })), fromProfile: true };
    } catch (err) {
      throw new PolicyInvalidError(`invalid permission profile JSON: ${messageOf(err)}`, { source: { flag: '--permission-profile' }, value: profileText, cause: err });
    }
  }
  if ((fsText === undefined) !== (netText === undefined)) {
    throw new PolicyInvalidError('file-system and network sandbox policies must be provided together');
  }
  const parseJson = (text: string, flag: string): unknown => {
    const parsed = parseStrictJson(text);
    if (parsed.ok) return parsed.value;
    if ('duplicate' in parsed) throw duplicateKeyError(parsed.duplicate, text, `value for ${flag}`, { flag });
    throw new UsageError(`invalid value for ${flag}: ${messageOf(parsed.error)}`, { source: { flag }, value: text });
  };
  const legacy = legacyText === undefined ? undefined : parseLegacySandboxPolicy(parseJson(legacyText, '--sandbox-policy'), { flag: '--sandbox-policy' });
  if (fsText === undefined || netText === undefined) {
    if (legacy === undefined) throw new PolicyInvalidError('missing permission profile configuration; pass --permission-profile <JSON>');
    return { policy: fromLegacySandboxPolicy(legacy, cwd, host), fromProfile: false };
  }
  const split: SandboxPolicy = {
    fileSystem: parseFileSystemSandboxPolicy(parseJson(fsText, '--file-system-sandbox-policy'), { flag: '--file-system-sandbox-policy' }),
    network: parseNetworkSandboxPolicy(parseJson(netText, '--network-sandbox-policy'), { flag: '--network-sandbox-policy' }),
  };
  if (legacy === undefined) {
    try {
      toLegacySandboxPolicy(split, cwd, host);
    } catch (err) {
      throw new PolicyInvalidError(`failed to derive legacy sandbox policy from split policies: ${messageOf(err)}`, { cause: err });
    }
    return { policy: split, fromProfile: false };
  }
  if (needsDirectRuntimeEnforcement(split, cwd, host)) return { policy: split, fromProfile: false };
  let derived;
  try {
    derived = toLegacySandboxPolicy(split, cwd, host);
  } catch (err) {
    throw new PolicyInvalidError(`split sandbox policies require direct runtime enforcement and cannot be paired with legacy sandbox policy: ${messageOf(err)}`, { cause: err });
  }
  if (!legacyPoliciesMatch(legacy, derived, cwd, host)) {
    throw new PolicyInvalidError(
      `legacy sandbox policy must match split sandbox policies: provided=${JSON.stringify(legacySandboxPolicyToWire(legacy))}, derived=${JSON.stringify(legacySandboxPolicyToWire(derived))}`,
    );
  }
  return { policy: split, fromProfile: false };
}

/**
 * The backend the reference would use for these flags: it never falls back silently. Where it
 * runs bubblewrap (the system's, else its bundled one), this runs the helper's own namespaces,
 * our bundled executor of the same mount plan, else the system's bubblewrap: `mount`.
 */
export function linuxSandboxBackend(args: LinuxSandboxArgs, policy: SandboxPolicy, fromProfile: boolean, cwd: string, fullWrite: boolean, host: Host): BackendChoice | 'mount' {
  if (args.flags.has('--allow-network-for-proxy') || args.values.has('--managed-network') || args.values.has('--proxy-route-spec')) {
    throw new UnsupportedPolicyError(
      'managed network proxy mode is not supported by codex-sandbox; run without --managed-network/--allow-network-for-proxy and restrict the network instead',
    );
  }
  const legacy = args.flags.has('--use-legacy-landlock');
  if (legacy && args.flags.has('--apply-seccomp-then-exec')) throw new UsageError('--apply-seccomp-then-exec is incompatible with --use-legacy-landlock');
  if (args.flags.has('--apply-seccomp-then-exec')) {
    // The reference's inner stage trusts that an outer stage built the namespaces. Our bwrap runs
    // our helper directly, so nothing legitimate sends this; running only seccomp would be weaker.
    throw new UnsupportedPolicyError("--apply-seccomp-then-exec is the reference helper's internal inner stage; codex-sandbox builds both stages itself: drop the flag");
  }
  // The reference runs seccomp alone here (docs/reference.md#linux-backend-choice). With a restricted network that leaves the
  // user's other processes in reach (issue #20), so the planner's own choice decides: seccomp
  // with the network enabled, Landlock or bubblewrap with it restricted.
  if (fullWrite) return 'auto';
  if (!legacy) return 'mount';
  if (needsDirectRuntimeEnforcement(policy, cwd, host)) {
    throw new UnsupportedPolicyError(
      fromProfile
        ? 'permission profiles requiring direct runtime enforcement are incompatible with --use-legacy-landlock'
        : 'split sandbox policies requiring direct runtime enforcement are incompatible with --use-legacy-landlock',
    );
  }
  return 'landlock';
}

/**
 * The plan the flags describe, on this machine's capabilities unless `capabilities` is given
 * (tests). The planner decides /proc for the backend it picks (`auto` included), unless
 * --no-proc says none.
 */
export function linuxSandboxPlan(args: LinuxSandboxArgs, capabilities?: Capabilities): LinuxPlan {
  const policyCwd = args.values.get('--sandbox-policy-cwd') as string;
  const commandCwd = args.values.get('--command-cwd') ?? policyCwd;
  const host = nodeHost();
  const { policy, fromProfile } = resolveLinuxSandboxPolicy(args, policyCwd, host);
  const resolved = resolvePolicy(policy, { cwd: policyCwd, host });
  const fullWrite = policy.fileSystem.kind !== 'restricted' || resolved.fullDiskWrite;
  const choice = linuxSandboxBackend(args, policy, fromProfile, policyCwd, fullWrite && resolved.unreadableGlobs.length === 0, host);
  if (choice === 'landlock' && !resolved.fullDiskRead) {
    throw new UnsupportedPolicyError('Restricted read-only access is not supported by the legacy Linux Landlock filesystem backend.');
  }
  return prepareLaunch(
    { resolved },
    {
      platform: 'linux',
      cwd: policyCwd,
      commandCwd,
      command: args.command,
      backend: choice,
      ...(capabilities === undefined ? {} : { capabilities }),
      ...(args.flags.has('--no-proc') ? { noProc: true as const } : {}),
    },
  ).plan;
}

export async function linuxSandboxCommand(argv: string[], ctx: CommandContext): Promise<number> {
  let args: LinuxSandboxArgs;
  try {
    args = parseLinuxSandboxArgs(argv);
  } catch (err) {
    // The reference's flag parser (clap) exits 2 on usage errors.
    if (!isSandboxError(err) || err.code !== 'E_USAGE') throw err;
    ctx.stderr(`codex-linux-sandbox: ${err.message}\n`);
    return 2;
  }
  const commandCwd = args.values.get('--command-cwd') ?? (args.values.get('--sandbox-policy-cwd') as string);
  const plan = linuxSandboxPlan(args);
  // The drop-in runs no network proxy (it may exec in place), so the relay would have nothing
  // behind it: refused rather than started with a socket directory that does not exist.
  if (plan.enforcement.network === 'proxied') {
    throw new UnsupportedPolicyError(
      'codex-linux-sandbox does not run the network proxy a proxied network (domain rules) needs; run the command with `codex-sandbox run` or runSandboxed',
      {
        details: { network: 'proxied' },
      },
    );
  }
  if (canExecInPlace(plan)) {
    // spawnPlan's trackHostPrep prunes dead runs; exec in place skips it, so prune here.
    pruneDeadHostPrep();
    execPlan(plan, commandCwd, ctx.env);
  }
  return waitForeground(() => spawnPlan(plan, { cwd: commandCwd, env: ctx.env, stdio: 'inherit' }));
}
