// platform/linux/probe: what enforcement this Linux machine offers, as Capabilities data for the
// planners. The only platform file that starts processes; may import native, errors, platform/common
// and platform/linux. Probed once per process and cached; the helper's namespaces probe once per
// boot (probe-cache.ts), and bwrap (two runs) only when a plan could use it.
//
// Synchronous on purpose: the planner's callers need the answer before they can build a plan.
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

import { helperPath, loadAddon, nativeBuildProblem } from '../../native';
import type { LandlockAbiResult, SeccompAvailableResult } from '../../native';
import type { BackendChoice, BwrapCapability, Capabilities, LandlockCapability, NamespacesCapability } from '../common/types';
import { effectiveLandlockAbi } from './landlock-abi';
import { namespacesProbeOnce } from './probe-cache';

const ENOSYS = 38;
const PROBE_TIMEOUT_MS = 5_000;

export interface ProbeOptions {
  /** The PATH searched for bwrap (default: process.env.PATH). */
  path?: string;
  /** The working directory bwrap candidates must lie outside of (default: process.cwd()). */
  cwd?: string;
  /**
   * Directories the sandbox about to run could write (the policy cwd and writable roots): a bwrap
   * inside one is skipped like one inside the cwd (issue #20; see findBwrapOnPath).
   */
  untrustedDirs?: readonly string[];
}

/**
 * WSL detection from /proc/version text (docs/reference.md#wsl): the first `wsl`
 * followed by digits decides (1 is WSL1, anything else WSL2); without a numbered one, `microsoft`
 * means WSL1 unless `microsoft-standard` (the WSL2 kernel's name) is present.
 */
export function detectWsl(procVersion: string): Capabilities['wsl'] {
  const text = procVersion.toLowerCase();
  for (let at = text.indexOf('wsl'); at !== -1; at = text.indexOf('wsl', at + 1)) {
    const digits = /^\d+/.exec(text.slice(at + 3));
    if (digits !== null) return Number(digits[0]) === 1 ? 'wsl1' : 'wsl2';
  }
  if (!text.includes('microsoft')) return 'none';
  return text.includes('microsoft-standard') ? 'wsl2' : 'wsl1';
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isInside(path: string, dir: string): boolean {
  if (dir === sep) return true;
  return path === dir || path.startsWith(dir + sep);
}

function canonicalOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The first executable `bwrap` on `pathVar`, canonicalized, skipping any candidate inside the
 * canonical cwd so a `bwrap` planted in the workspace is never run (docs/reference.md#bwrap-discovery). Relative
 * and empty PATH entries resolve against cwd, as which(1) does.
 *
 * The reference skips only the process cwd; a CLI started elsewhere with `--cwd <workspace>`, or
 * a writable root such as `~` with `~/.local/bin` on PATH, let a bwrap the previous sandbox wrote
 * run unsandboxed (its `--help` probe already runs it). So candidates inside `untrustedDirs` are
 * skipped too, and the search goes on, as the reference does for the cwd: the planted file is
 * never run, and a real bwrap later on PATH still serves (issue #20).
 */
export function findBwrapOnPath(pathVar: string | undefined, cwd: string, untrustedDirs: readonly string[] = []): string | null {
  if (pathVar === undefined) return null;
  const skipped = [canonicalOrResolved(cwd), ...untrustedDirs.map(canonicalOrResolved)];
  for (const entry of pathVar.split(':')) {
    const dir = entry === '' ? cwd : isAbsolute(entry) ? entry : resolve(cwd, entry);
    const candidate = join(dir, 'bwrap');
    if (!isExecutableFile(candidate)) continue;
    let canonical: string;
    try {
      canonical = realpathSync(candidate);
    } catch {
      continue;
    }
    if (skipped.some((dir) => isInside(canonical, dir))) continue;
    return canonical;
  }
  return null;
}

/** "bubblewrap 0.8.0" -> "0.8.0"; anything else is kept as printed. */
export function parseBwrapVersion(text: string): string {
  const trimmed = text.trim();
  const match = /^bubblewrap\s+(\S+)/.exec(trimmed);
  return match !== null ? match[1] : trimmed;
}

function runQuiet(file: string, args: string[]): { status: number | null; output: string; spawned: boolean } {
  // Required here, not imported: a launch whose probes are all cached (probe-cache.ts) and that
  // replaces itself with the sandbox never needs child_process, about 4 ms to load.
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    status: result.status,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`,
    spawned: result.error === undefined,
  };
}

/** bwrap features come from its --help text (docs/reference.md#bwrap-discovery); a bwrap that cannot run counts as absent. */
function probeBwrap(opts: ProbeOptions): BwrapCapability | null {
  const path = findBwrapOnPath(opts.path ?? process.env.PATH, opts.cwd ?? process.cwd(), opts.untrustedDirs);
  return path === null ? null : probeBwrapAt(path);
}

function probeBwrapAt(path: string): BwrapCapability | null {
  const help = runQuiet(path, ['--help']);
  if (!help.spawned) return null;
  const version = runQuiet(path, ['--version']);
  return {
    path,
    version: version.spawned ? parseBwrapVersion(version.output) : 'unknown',
    hasArgv0: help.output.includes('--argv0'),
    hasPerms: help.output.includes('--perms'),
    hasAsPid1: help.output.includes('--as-pid-1'),
  };
}

function findHelper(): string | null {
  try {
    return helperPath();
  } catch {
    return null;
  }
}

/**
 * Landlock as the kernel reported it to the addon. ENOSYS: the kernel lacks Landlock
 * (`not-implemented`). Any other errno (EOPNOTSUPP: built in but not enabled at boot; EPERM from a
 * container's seccomp profile) means this process cannot use it: `not-enabled`.
 */
export function landlockCapabilityFrom(result: LandlockAbiResult): LandlockCapability {
  if (!result.ok) return { status: result.errno === ENOSYS ? 'not-implemented' : 'not-enabled', abi: 0 };
  return { status: 'available', ...effectiveLandlockAbi(result.abi) };
}

/** Usable when filters can be installed with the actions the helper's filter returns. */
export function seccompUsableFrom(result: SeccompAvailableResult): boolean {
  return result.ok && result.filter && result.errnoAction && result.killProcessAction;
}

/**
 * Without the addon nothing in this package can use Landlock or seccomp, so both are reported
 * unusable (Landlock as `not-implemented`); doctor shows the loader's own error.
 */
function probeLandlock(): LandlockCapability {
  try {
    return landlockCapabilityFrom(loadAddon().landlockAbi());
  } catch {
    return { status: 'not-implemented', abi: 0 };
  }
}

function probeSeccomp(): boolean {
  try {
    return seccompUsableFrom(loadAddon().seccompAvailable());
  } catch {
    return false;
  }
}

const APPARMOR_USERNS = '/proc/sys/kernel/apparmor_restrict_unprivileged_userns';

function apparmorRestrictsUserns(): boolean {
  try {
    return readFileSync(APPARMOR_USERNS, 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

/** The exit statuses of `codex-sandbox-helper --probe namespaces` (helper-probe.cc). */
const NAMESPACES_OK = 0;
const NAMESPACES_NO_MOUNT = 2;
const NAMESPACES_NO_PROC = 3;

/**
 * One helper run answers both: whether a user namespace can be made with the caller's uid mapped
 * (what bwrap --unshare-user needs too) and whether the helper can build a whole sandbox in it.
 * unshare(CLONE_NEWUSER) needs a single-threaded process, hence the helper rather than the addon.
 */
export function namespacesFromProbe(status: number | null, output: string, apparmorRestricted: boolean): { userns: boolean; namespaces: NamespacesCapability } {
  const usable = status === NAMESPACES_OK || status === NAMESPACES_NO_PROC;
  const line = output.trim().split('\n')[0] ?? '';
  const reason = usable ? null : line.replace(/^codex-sandbox-helper: /, '') || `the probe exited with status ${status}`;
  return {
    userns: usable || status === NAMESPACES_NO_MOUNT,
    namespaces: { usable, procMount: status === NAMESPACES_OK, reason, apparmorRestricted },
  };
}

function probeNamespaces(helper: string | null, fresh: boolean): { userns: boolean; namespaces: NamespacesCapability } {
  const apparmorRestricted = apparmorRestrictsUserns();
  if (helper === null) return { userns: false, namespaces: { usable: false, procMount: false, reason: 'the helper is not built', apparmorRestricted } };
  const run = namespacesProbeOnce(
    helper,
    () => {
      const ran = runQuiet(helper, ['--probe', 'namespaces']);
      return { status: ran.spawned ? ran.status : null, output: ran.output };
    },
    { fresh },
  );
  return namespacesFromProbe(run.status, run.output, apparmorRestricted);
}

function probeWsl(): Capabilities['wsl'] {
  try {
    return detectWsl(readFileSync('/proc/version', 'utf8'));
  } catch {
    return 'none';
  }
}

function probeNativeBuild(): Pick<Capabilities, 'nativeBuild'> {
  const problem = nativeBuildProblem();
  if (problem === null) return {};
  return { nativeBuild: { reason: String(problem.details?.reason ?? 'not-built'), message: problem.message } };
}

function probeBase(fresh: boolean): Omit<Capabilities, 'bwrap'> {
  const helper = findHelper();
  return { landlock: probeLandlock(), seccomp: probeSeccomp(), ...probeNamespaces(helper, fresh), wsl: probeWsl(), helperPath: helper, ...probeNativeBuild() };
}

/**
 * Probes everything now, ignoring the caches (and renewing this boot's namespaces answer,
 * probe-cache.ts). Tests pass a PATH or cwd of their own.
 */
export function probeCapabilitiesFresh(opts: ProbeOptions = {}): Capabilities {
  return { ...probeBase(true), bwrap: probeBwrap(opts) };
}

/** Everything but bwrap, which depends on the directories a run must not take it from. */
let baseCache: Omit<Capabilities, 'bwrap'> | undefined;
/** Per canonical bwrap path: its probed features (null: it could not run). */
const bwrapFeatureCache = new Map<string, BwrapCapability | null>();
/** Per set of untrusted directories: the frozen Capabilities handed out for it. */
const capsCache = new Map<string, Capabilities>();
const CAPS_CACHE_LIMIT = 64;

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child as object);
  }
  return Object.freeze(value);
}

/**
 * This machine's capabilities, probed on first use and then cached for the process. A launcher
 * passes `untrustedDirs` (sandboxWritableDirs of the policy it is about to run), so that bwrap
 * discovery never picks, let alone runs, a bwrap that sandbox could have written; as a function,
 * it is called only when bwrap is looked for.
 *
 * `backend`: the choice the caller will plan with. For `auto` and `namespaces` on a machine where
 * the helper makes its own namespaces, no plan can use bubblewrap (the planner prefers the
 * namespaces backend whenever it is usable), so bwrap is not looked for at all: its two probe
 * runs were most of a launch's start-up (docs/benchmarks.md#start-up), and `bwrap` is then null.
 */
export function probeCapabilities(opts: { untrustedDirs?: readonly string[] | (() => readonly string[]); backend?: BackendChoice } = {}): Capabilities {
  baseCache ??= probeBase(false);
  if ((opts.backend === 'auto' || opts.backend === 'namespaces') && baseCache.namespaces.usable) {
    withoutBwrap ??= deepFreeze({ ...baseCache, bwrap: null });
    return withoutBwrap;
  }
  const given = typeof opts.untrustedDirs === 'function' ? opts.untrustedDirs() : opts.untrustedDirs;
  // Keyed by the directories as given: findBwrapOnPath canonicalizes them on a miss, so a hit (every
  // launch after the first of a policy) costs no syscall.
  const untrusted = [...new Set(given ?? [])].sort();
  const key = untrusted.join('\0');
  const hit = capsCache.get(key);
  if (hit !== undefined) return hit;
  const path = findBwrapOnPath(process.env.PATH, process.cwd(), untrusted);
  let bwrap: BwrapCapability | null = null;
  if (path !== null) {
    if (!bwrapFeatureCache.has(path)) bwrapFeatureCache.set(path, probeBwrapAt(path));
    bwrap = bwrapFeatureCache.get(path) ?? null;
  }
  // Frozen: every caller shares this one object.
  const caps = deepFreeze({ ...baseCache, bwrap: bwrap === null ? null : { ...bwrap } });
  if (capsCache.size >= CAPS_CACHE_LIMIT) capsCache.delete(capsCache.keys().next().value as string);
  capsCache.set(key, caps);
  return caps;
}

/** The capabilities handed out when bwrap was not looked for (see probeCapabilities). */
let withoutBwrap: Capabilities | undefined;

/** Forgets the cached probe (tests that change the machine, e.g. PATH). */
export function resetCapabilityCache(): void {
  baseCache = undefined;
  withoutBwrap = undefined;
  bwrapFeatureCache.clear();
  capsCache.clear();
}
