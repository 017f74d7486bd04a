// cli/policy-options: the policy options every command shares (docs/cli.md#policy-options),
// parsed once: argv -> PolicyOptions -> the SandboxPolicy to enforce, its cwd and where it came
// from. Conflicting options are UsageErrors naming both flags.

import { PolicyInvalidError, UsageError } from '../errors';
import type { BackendChoice } from '../platform/common/types';
import { assertEnforceable, loadConfig, type EffectiveConfig, type LoadConfigOptions } from '../config/load-config';
import type { PolicySource } from '../config/resolve-sandbox';
import { BUILTIN_POLICY_NAMES, type BuiltinPolicyName, BUILTIN_PROFILE_NAMES } from '../policy/builtin';
import { nodeHost } from '../policy/node-host';
import { parsePolicyInput } from '../policy/parse-policy';
import { resolveAgainstBase } from '../policy/paths';
import type { NetworkPolicy, SandboxPolicy } from '../policy/types';
import { constrainNetwork } from '../config/network-requirements';
import { parseDomainPattern } from '../policy/domain-pattern';
import { isProxiedNetwork } from '../policy/network-predicates';
import { macosMdmReader } from './macos-mdm';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'namespaces', 'bwrap', 'landlock', 'seccomp', 'seatbelt', 'windows-token', 'windows-elevated'];

export interface PolicyOptions {
  cwd?: string;
  sandbox?: BuiltinPolicyName;
  /** The raw `--permission-profile` JSON text. */
  permissionProfile?: string;
  permissions?: string;
  writableRoots: string[];
  network?: boolean;
  /** `--allow-domain` / `--deny-domain` patterns, in order: any of these (or --allow-local-binding) makes the network proxied. */
  allowDomains: string[];
  denyDomains: string[];
  allowLocalBinding?: boolean;
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
  '--allow-domain',
  '--deny-domain',
]);
const REPEATABLE = new Set(['--writable-root', '-c', '--allow-domain', '--deny-domain']);

/** Every policy flag, for "did you mean" when a command meets one it does not know. */
export const POLICY_FLAGS: readonly string[] = [...VALUE_OPTIONS, '--network', '--no-network', '--allow-local-binding'];

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
  const options: PolicyOptions = { writableRoots: [], allowDomains: [], denyDomains: [], configOverrides: [], flags: {} };
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
    if (flag === '--allow-local-binding') {
      if (eq > 0) throw new UsageError(`${flag} takes no value; drop "${arg.slice(eq)}"`, { source: { argIndex: i }, value: arg });
      options.allowLocalBinding = true;
      options.flags[flag] = flag;
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
      case '--allow-domain':
      case '--deny-domain': {
        const parsed = parseDomainPattern(value, flag === '--allow-domain' ? 'allow' : 'deny');
        if (typeof parsed === 'string') throw new PolicyInvalidError(`invalid domain pattern \`${value}\`: ${parsed} (${flag})`, { source: { flag }, value });
        (flag === '--allow-domain' ? options.allowDomains : options.denyDomains).push(value);
        break;
      }
    }
  }
  return { options, rest };
}

export interface PolicyContext {
  processCwd: string;
  env: Record<string, string | undefined>;
  /** Config loading overrides (reader, system paths, MDM) for tests and embedders. */
  config?: Partial<Omit<LoadConfigOptions, 'cwd'>>;
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
 * The policy the options ask for, taken from the config layers and requirements (loadConfig):
 * `--sandbox`, `--permissions` and `--permission-profile` override the configured choice but stay
 * subject to requirements, `-c` is a config layer, `--codex-home` points at the user config.
 * With no config and no option it is read-only with a restricted network.
 */
export function policyFromOptions(options: PolicyOptions, ctx: PolicyContext): PolicyFromOptions {
  const { config: _config, ...out } = resolveOptionsPolicy(options, ctx);
  return out;
}

/** policyFromOptions plus the load it came from, for commands that report the deciding layers. */
export function resolveOptionsPolicy(options: PolicyOptions, ctx: PolicyContext): PolicyFromOptions & { config: EffectiveConfig } {
  const home = ctx.env.HOME;
  const cwd = resolveAgainstBase(options.cwd ?? ctx.processCwd, ctx.processCwd, home);
  const choosers = (['--sandbox', '--permission-profile', '--permissions'] as const).filter((f) => options.flags[f] !== undefined);
  if (choosers.length > 1) throw conflict(choosers[0]!, choosers[1]!);
  const network: NetworkPolicy | undefined = options.network === undefined ? undefined : options.network ? 'enabled' : 'restricted';
  const domainFlag = (['--allow-domain', '--deny-domain', '--allow-local-binding'] as const).find((f) => options.flags[f] !== undefined);
  if (domainFlag !== undefined && options.flags.network !== undefined) {
    throw new UsageError(`${options.flags.network} and ${domainFlag} conflict: ${domainFlag} makes the network proxied; pass one of them`, { source: { flag: domainFlag } });
  }
  // An extra writable root only means something in workspace-write, so asking for one without
  // choosing a policy chooses it (the README's `run --writable-root ~/scratch -- make`).
  const sandbox = options.sandbox ?? (options.writableRoots.length > 0 && choosers.length === 0 ? 'workspace-write' : undefined);
  if (options.writableRoots.length > 0 && sandbox !== 'workspace-write') {
    throw new UsageError(`--writable-root needs --sandbox workspace-write, not ${choosers[0]}`, {
      source: { flag: '--writable-root' },
      value: options.writableRoots[0],
    });
  }
  let policyOverride: SandboxPolicy | undefined;
  if (options.permissionProfile !== undefined) {
    if (options.flags.network !== undefined) throw conflict('--permission-profile', options.flags.network);
    if (domainFlag !== undefined) throw conflict('--permission-profile', domainFlag);
    policyOverride = parsePolicyInput(options.permissionProfile, { flag: '--permission-profile' }, { cwd, host: nodeHost(ctx.env) });
  }
  const name = options.permissions;
  if (name !== undefined && name.startsWith(':') && !(BUILTIN_PROFILE_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`--permissions refers to unknown built-in profile \`${name}\`; use one of ${BUILTIN_PROFILE_NAMES.join(', ')}`, {
      source: { flag: '--permissions' },
      value: name,
    });
  }
  // An invalid UTF-8 byte in argv arrives as U+FFFD and would name another directory (issue #20).
  const garbled = options.writableRoots.find((root) => root.includes('\uFFFD'));
  if (garbled !== undefined) {
    throw new PolicyInvalidError(
      `--writable-root ${JSON.stringify(garbled)} contains U+FFFD, so it cannot be named exactly (invalid UTF-8 decodes to U+FFFD); name it in valid UTF-8`,
      {
        source: { flag: '--writable-root' },
        value: garbled,
      },
    );
  }
  let writableRoots: string[];
  try {
    writableRoots = options.writableRoots.map((root) => resolveAgainstBase(root, cwd, home));
  } catch (err) {
    if (err instanceof PolicyInvalidError) throw new UsageError(err.message, { source: { flag: '--writable-root' }, cause: err });
    throw err;
  }
  const mdm = ctx.config?.mdm ?? macosMdmReader();
  const config = loadConfig({
    ...ctx.config,
    cwd,
    env: ctx.env,
    cliOverrides: options.configOverrides,
    extraWritableRoots: writableRoots,
    ...(home === undefined ? {} : { homeDir: home }),
    ...(mdm === undefined ? {} : { mdm }),
    ...(options.codexHome === undefined ? {} : { codexHome: resolveAgainstBase(options.codexHome, ctx.processCwd, home) }),
    ...(sandbox === undefined ? {} : { sandboxModeOverride: sandbox }),
    ...(name === undefined ? {} : { permissionsOverride: name }),
    ...(policyOverride === undefined ? {} : { policyOverride }),
  });
  // A setting the config asks for but no backend here can enforce refuses now (fail closed).
  assertEnforceable(config);
  // The flags' network stays held to the administrator's managed network, as the config's is.
  const managed = config.requirements.network;
  let policy = config.policy;
  if (network !== undefined) policy = { ...policy, network: constrainNetwork(network, managed) };
  else if (domainFlag !== undefined) policy = { ...policy, network: constrainNetwork(withDomainFlags(policy.network, options), managed) };
  return { policy, cwd, origin: describePolicySource(config.source), config };
}

/** The flags' rules added to a proxied network, or a proxied network of the flags alone. */
function withDomainFlags(base: NetworkPolicy, options: PolicyOptions): NetworkPolicy {
  const own = isProxiedNetwork(base) ? base : undefined;
  return {
    mode: 'proxied',
    allowedDomains: [...(own?.allowedDomains ?? []), ...options.allowDomains],
    deniedDomains: [...(own?.deniedDomains ?? []), ...options.denyDomains],
    allowLocalBinding: options.allowLocalBinding === true || own?.allowLocalBinding === true,
    unixSockets: [...(own?.unixSockets ?? [])],
  };
}

/** `--sandbox workspace-write`, `default (read-only)`, `sandbox_mode = workspace-write in user (…)`. */
function describePolicySource(source: PolicySource): string {
  const base =
    source.kind === 'override'
      ? source.key === '--permission-profile'
        ? source.key
        : `${source.key} ${source.value}`
      : source.kind === 'default'
        ? `default (${source.value})`
        : `${source.key} = ${source.value} in ${source.kind === 'requirements' ? `requirements (${source.layer ?? 'managed'})` : (source.layer ?? 'config')}`;
  return source.fallbackFrom === undefined ? base : `${base}; requirements replaced ${source.fallbackFrom}`;
}

/** The help text lines for the policy options, shared by every command's --help; `defaultMode` is the command's fallback. */
export function policyOptionsHelp(defaultMode: BuiltinPolicyName = 'read-only'): string {
  return [
    '  --cwd DIR                     directory the policy is resolved against (default: current directory)',
    `  --sandbox MODE                read-only | workspace-write | danger-full-access (default: the configured sandbox_mode, else ${defaultMode})`,
    '  --permission-profile JSON     a PermissionProfile (or legacy SandboxPolicy) as JSON',
    '  --permissions NAME            a [permissions.NAME] profile or :read-only, :workspace, :danger-full-access',
    '  --writable-root DIR           extra writable root (repeatable); alone it means --sandbox workspace-write',
    '  --network | --no-network      allow or block network access (default: blocked)',
    '  --allow-domain PATTERN        proxied network: allow host, *.sub, **.apex, * (optionally :port) (repeatable)',
    '  --deny-domain PATTERN         proxied network: deny a pattern; a deny always wins (repeatable)',
    '  --allow-local-binding         proxied network: allow loopback, link-local and private destinations',
    '  -c key=value                  config override, as in config.toml (repeatable; later wins)',
    '  --backend NAME                auto | namespaces | bwrap | landlock | seccomp | seatbelt | windows-token | windows-elevated',
    '  --codex-home DIR              the Codex home directory (config files)',
  ].join('\n');
}
