// cli/policy-options: the policy options every command shares (DESIGN.md, "Policy options"),
// parsed once: argv -> PolicyOptions -> the SandboxPolicy to enforce, its cwd and where it came
// from. Conflicting options are UsageErrors naming both flags.

import { PolicyInvalidError, UsageError } from '../errors';
import type { BackendChoice } from '../platform/common/types';
import { BUILTIN_POLICY_NAMES, type BuiltinPolicyName, builtinPolicy, BUILTIN_PROFILE_NAMES, type BuiltinProfileName, builtinProfilePolicy } from '../policy/builtin';
import { nodeHostView } from '../policy/node-host-view';
import { parsePolicyInput } from '../policy/parse-policy';
import { resolveAgainstBase } from '../policy/paths';
import type { NetworkPolicy, SandboxPolicy } from '../policy/types';

export const BACKEND_CHOICES: readonly BackendChoice[] = [
  'auto',
  'bwrap',
  'landlock',
  'seccomp',
  'seatbelt',
  'windows-token',
  'windows-elevated',
];

export interface PolicyOptions {
  cwd?: string;
  sandbox?: BuiltinPolicyName;
  /** The raw `--permission-profile` JSON text. */
  permissionProfile?: string;
  permissions?: string;
  writableRoots: string[];
  network?: boolean;
  /** Raw `-c key=value` overrides, in order. */
  configOverrides: string[];
  backend?: BackendChoice;
  codexHome?: string;
  /** The flag spelling that set each option, for conflict messages (`--no-network`, `-c`). */
  flags: Record<string, string>;
}

/** Flags a command owns besides the policy options, so their values stay with them in `rest`. */
export interface CommandFlags {
  /** Flags that take a value (`--access read`, `--access=read`). */
  valueFlags?: readonly string[];
}

const VALUE_OPTIONS = new Set([
  '--cwd',
  '--sandbox',
  '--permission-profile',
  '--permissions',
  '--writable-root',
  '-c',
  '--backend',
  '--codex-home',
]);
const REPEATABLE = new Set(['--writable-root', '-c']);

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`invalid value "${value}" for ${flag}; use one of ${allowed.join(', ')}`, { source: { flag }, value });
}

/**
 * Takes the policy options out of argv. Everything else (positionals, the command's own flags
 * with their values, unknown flags for the command to reject, and `--` with all that follows) is
 * returned in `rest`, in order.
 */
export function parsePolicyOptions(argv: readonly string[], own: CommandFlags = {}): { options: PolicyOptions; rest: string[] } {
  const options: PolicyOptions = { writableRoots: [], configOverrides: [], flags: {} };
  const rest: string[] = [];
  const ownValueFlags = new Set(own.valueFlags ?? []);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (ownValueFlags.has(flag)) {
      rest.push(arg);
      if (eq < 0 && i + 1 < argv.length) rest.push(argv[++i]!);
      continue;
    }
    if (flag === '--network' || flag === '--no-network') {
      if (eq > 0) throw new UsageError(`${flag} takes no value; drop "${arg.slice(eq)}"`, { source: { argIndex: i }, value: arg });
      const previous = options.flags.network;
      if (previous !== undefined && previous !== flag) {
        throw new UsageError(`${previous} and ${flag} conflict; pass one of them`, { source: { flag } });
      }
      options.network = flag === '--network';
      options.flags.network = flag;
      continue;
    }
    if (!VALUE_OPTIONS.has(flag)) {
      rest.push(arg);
      continue;
    }
    let value: string;
    if (eq > 0) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`, { source: { flag } });
      value = argv[++i]!;
    }
    if (!REPEATABLE.has(flag) && options.flags[flag] !== undefined) {
      throw new UsageError(`${flag} was given twice; pass it once`, { source: { flag }, value });
    }
    options.flags[flag] = flag;
    switch (flag) {
      case '--cwd':
        options.cwd = value;
        break;
      case '--sandbox':
        options.sandbox = oneOf(value, BUILTIN_POLICY_NAMES, flag);
        break;
      case '--permission-profile':
        options.permissionProfile = value;
        break;
      case '--permissions':
        options.permissions = value;
        break;
      case '--writable-root':
        options.writableRoots.push(value);
        break;
      case '-c':
        if (!value.includes('=')) {
          throw new UsageError(`-c expects key=value, got "${value}"`, { source: { flag }, value });
        }
        options.configOverrides.push(value);
        break;
      case '--backend':
        options.backend = oneOf(value, BACKEND_CHOICES, flag);
        break;
      case '--codex-home':
        options.codexHome = value;
        break;
    }
  }
  return { options, rest };
}

export interface PolicyContext {
  processCwd: string;
  env: Record<string, string | undefined>;
}

export interface PolicyFromOptions {
  policy: SandboxPolicy;
  cwd: string;
  /** Where the policy came from, for people: `--sandbox workspace-write`, `default (read-only)`. */
  origin: string;
}

function conflict(a: string, b: string): UsageError {
  return new UsageError(`${a} and ${b} conflict: each chooses the whole policy; pass only one`, { source: { flag: b } });
}

/**
 * The policy the options ask for. With no policy option it is read-only with a restricted
 * network. `--permissions` with a name other than a built-in, and `-c`, need the config files,
 * which are not read here.
 */
export function policyFromOptions(options: PolicyOptions, ctx: PolicyContext): PolicyFromOptions {
  const home = ctx.env.HOME;
  const cwd = resolveAgainstBase(options.cwd ?? ctx.processCwd, ctx.processCwd, home);
  const choosers = (['--sandbox', '--permission-profile', '--permissions'] as const).filter((f) => options.flags[f] !== undefined);
  if (choosers.length > 1) throw conflict(choosers[0]!, choosers[1]!);
  if (options.configOverrides.length > 0) {
    throw new UsageError(
      `-c ${options.configOverrides[0]}: config overrides need config profiles, which are not available yet; use --sandbox or --permission-profile`,
      { source: { flag: '-c' }, value: options.configOverrides[0] },
    );
  }
  const network: NetworkPolicy | undefined = options.network === undefined ? undefined : options.network ? 'enabled' : 'restricted';
  if (options.writableRoots.length > 0 && options.sandbox !== 'workspace-write') {
    throw new UsageError(
      `--writable-root needs --sandbox workspace-write${choosers[0] === undefined ? '' : `, not ${choosers[0]}`}`,
      { source: { flag: '--writable-root' }, value: options.writableRoots[0] },
    );
  }

  if (options.permissionProfile !== undefined) {
    if (options.flags.network !== undefined) throw conflict('--permission-profile', options.flags.network);
    const policy = parsePolicyInput(options.permissionProfile, { flag: '--permission-profile' }, { cwd, host: nodeHostView(ctx.env) });
    return { policy, cwd, origin: '--permission-profile' };
  }
  if (options.permissions !== undefined) {
    const name = options.permissions;
    if ((BUILTIN_PROFILE_NAMES as readonly string[]).includes(name)) {
      const policy = builtinProfilePolicy(name as BuiltinProfileName, network);
      if (name === ':danger-full-access' && network !== undefined) policy.network = network;
      return { policy, cwd, origin: `--permissions ${name}` };
    }
    if (name.startsWith(':')) {
      throw new UsageError(`--permissions refers to unknown built-in profile \`${name}\`; use one of ${BUILTIN_PROFILE_NAMES.join(', ')}`, {
        source: { flag: '--permissions' },
        value: name,
      });
    }
    throw new UsageError(
      `--permissions ${name}: named [permissions] profiles need config profiles, which are not available yet; use a built-in profile (${BUILTIN_PROFILE_NAMES.join(', ')})`,
      { source: { flag: '--permissions' }, value: name },
    );
  }
  const mode = options.sandbox ?? 'read-only';
  let writableRoots: string[];
  try {
    writableRoots = options.writableRoots.map((root) => resolveAgainstBase(root, cwd, home));
  } catch (err) {
    if (err instanceof PolicyInvalidError) throw new UsageError(err.message, { source: { flag: '--writable-root' }, cause: err });
    throw err;
  }
  const policy = builtinPolicy(mode, { writableRoots, ...(network === undefined ? {} : { network }) });
  return { policy, cwd, origin: options.sandbox === undefined ? 'default (read-only)' : `--sandbox ${mode}` };
}

/** The help text lines for the policy options, shared by every command's --help. */
export const POLICY_OPTIONS_HELP = [
  '  --cwd DIR                     directory the policy is resolved against (default: current directory)',
  '  --sandbox MODE                read-only | workspace-write | danger-full-access (default: read-only)',
  '  --permission-profile JSON     a PermissionProfile (or legacy SandboxPolicy) as JSON',
  '  --permissions NAME            a built-in profile: :read-only, :workspace, :danger-full-access',
  '  --writable-root DIR           extra writable root for workspace-write (repeatable)',
  '  --network | --no-network      allow or block network access (default: blocked)',
  '  -c key=value                  config override (needs config profiles; not available yet)',
  '  --backend NAME                auto | bwrap | landlock | seccomp | seatbelt | windows-token | windows-elevated',
  '  --codex-home DIR              the Codex home directory (config files)',
].join('\n');
