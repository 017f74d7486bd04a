// policy/env-policy: which environment variables reach a sandboxed command. Pure: an environment
// and a policy in, the environment out. The steps and their order are the reference's
// `shell_environment_policy` (config.toml): start from all, the core variables or none; drop the
// default secret patterns unless told not to; drop `exclude` matches; add `set`; then, when
// `includeOnly` is non-empty, keep only its matches (so it can drop a `set` variable too).
// Patterns are case-insensitive globs: `*` any run of characters, `?` one character.
import { PolicyInvalidError, type ErrorSource } from '../errors';

export type EnvInherit = 'all' | 'core' | 'none';

export interface EnvPolicy {
  /** Default 'all'. */
  inherit?: EnvInherit;
  /**
   * Keep variables whose names match `*KEY*`, `*SECRET*` or `*TOKEN*`. Default false for the
   * library (they are dropped); a `[shell_environment_policy]` table from config defaults it to
   * true, as the reference does.
   */
  ignoreDefaultExcludes?: boolean;
  exclude?: string[];
  includeOnly?: string[];
  /** Added (or replaced) after the excludes. */
  set?: Record<string, string>;
}

export const CORE_ENV_VARS: readonly string[] = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'USER', 'USERNAME', 'TMPDIR', 'TEMP', 'TMP'];
export const DEFAULT_ENV_EXCLUDES: readonly string[] = ['*KEY*', '*SECRET*', '*TOKEN*'];

/** The library's default: everything but names that look like secrets (docs/security.md). */
export const DEFAULT_ENV_POLICY: EnvPolicy = { inherit: 'all', ignoreDefaultExcludes: false };

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

const KEYS = ['inherit', 'ignoreDefaultExcludes', 'exclude', 'includeOnly', 'set'];

function invalid(message: string, path: (string | number)[], value: unknown, source?: ErrorSource): PolicyInvalidError {
  return new PolicyInvalidError(`invalid environment policy: ${message}`, { path, value, ...(source === undefined ? {} : { source }) });
}

function stringArray(value: unknown, key: string, source?: ErrorSource): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(`${key} must be an array of pattern strings`, [key], value, source);
  return value as string[];
}

/** Checks a caller's EnvPolicy strictly (unknown keys and wrong types are errors). */
export function parseEnvPolicy(value: unknown, source?: ErrorSource): EnvPolicy {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('expected an object', [], value, source);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KEYS.includes(key)) throw invalid(`unknown key "${key}"; expected one of ${KEYS.join(', ')}`, [key], record[key], source);
  }
  const out: EnvPolicy = {};
  if (record.inherit !== undefined) {
    if (record.inherit !== 'all' && record.inherit !== 'core' && record.inherit !== 'none')
      throw invalid('inherit must be "all", "core" or "none"', ['inherit'], record.inherit, source);
    out.inherit = record.inherit;
  }
  if (record.ignoreDefaultExcludes !== undefined) {
    if (typeof record.ignoreDefaultExcludes !== 'boolean')
      throw invalid('ignoreDefaultExcludes must be a boolean', ['ignoreDefaultExcludes'], record.ignoreDefaultExcludes, source);
    out.ignoreDefaultExcludes = record.ignoreDefaultExcludes;
  }
  const exclude = stringArray(record.exclude, 'exclude', source);
  if (exclude !== undefined) out.exclude = exclude;
  const includeOnly = stringArray(record.includeOnly, 'includeOnly', source);
  if (includeOnly !== undefined) out.includeOnly = includeOnly;
  if (record.set !== undefined) {
    const set = record.set;
    if (set === null || typeof set !== 'object' || Array.isArray(set) || Object.values(set).some((v) => typeof v !== 'string')) {
      throw invalid('set must map names to string values', ['set'], set, source);
    }
    out.set = { ...(set as Record<string, string>) };
  }
  return out;
}

/** The environment a command gets from `env` under `policy`. */
export function applyEnvPolicy(env: Readonly<Record<string, string | undefined>>, policy: EnvPolicy, platform: NodeJS.Platform = process.platform): Record<string, string> {
  const inherit = policy.inherit ?? 'all';
  const isCore = (name: string): boolean => (platform === 'win32' ? CORE_ENV_VARS.some((c) => c.toLowerCase() === name.toLowerCase()) : CORE_ENV_VARS.includes(name));
  const matchesAny = (name: string, patterns: RegExp[]): boolean => patterns.some((re) => re.test(name));
  const excludes = [...(policy.ignoreDefaultExcludes === true ? [] : DEFAULT_ENV_EXCLUDES), ...(policy.exclude ?? [])].map(globToRegExp);
  const out: Record<string, string> = {};
  if (inherit !== 'none') {
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined || (inherit === 'core' && !isCore(name)) || matchesAny(name, excludes)) continue;
      out[name] = value;
    }
  }
  Object.assign(out, policy.set ?? {});
  const includeOnly = (policy.includeOnly ?? []).map(globToRegExp);
  if (includeOnly.length > 0) {
    for (const name of Object.keys(out)) if (!matchesAny(name, includeOnly)) delete out[name];
  }
  return out;
}
