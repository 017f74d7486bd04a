// platform/linux/probe: what enforcement this Linux machine offers, as Capabilities data for the
// planners. The only platform file that does I/O; may import native, errors, platform/common and
// platform/linux. Probed once per process (a few ms: two bwrap runs and one helper run) and cached.
//
// Synchronous on purpose: the planner's callers need the answer before they can build a plan.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

import { helperPath, loadAddon } from '../../native';
import type { LandlockAbiResult, SeccompAvailableResult } from '../../native';
import type { BwrapCapability, Capabilities, LandlockCapability } from '../common/types';
import { effectiveLandlockAbi } from './landlock-abi';

const ENOSYS = 38;
const PROBE_TIMEOUT_MS = 5_000;

export interface ProbeOptions {
  /** The PATH searched for bwrap (default: process.env.PATH). */
  path?: string;
  /** The working directory bwrap candidates must lie outside of (default: process.cwd()). */
  cwd?: string;
}

/**
 * WSL detection from /proc/version text (reference linux-sandbox.md §3.6): the first `wsl`
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

/**
 * The first executable `bwrap` on `pathVar`, canonicalized, skipping any candidate inside the
 * canonical cwd so a `bwrap` planted in the workspace is never run (reference §3.2). Relative
 * and empty PATH entries resolve against cwd, as which(1) does.
 */
export function findBwrapOnPath(pathVar: string | undefined, cwd: string): string | null {
  if (pathVar === undefined) return null;
  let canonicalCwd: string;
  try {
    canonicalCwd = realpathSync(cwd);
  } catch {
    canonicalCwd = resolve(cwd);
  }
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
    if (isInside(canonical, canonicalCwd)) continue;
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
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    status: result.status,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`,
    spawned: result.error === undefined,
  };
}

/** bwrap features come from its --help text (§3.3); a bwrap that cannot run counts as absent. */
function probeBwrap(opts: ProbeOptions): BwrapCapability | null {
  const path = findBwrapOnPath(opts.path ?? process.env.PATH, opts.cwd ?? process.cwd());
  if (path === null) return null;
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

/** unshare(CLONE_NEWUSER) needs a single-threaded process: the helper tries it. */
function probeUserns(helper: string | null): boolean {
  if (helper === null) return false;
  return runQuiet(helper, ['--probe', 'userns']).status === 0;
}

function probeWsl(): Capabilities['wsl'] {
  try {
    return detectWsl(readFileSync('/proc/version', 'utf8'));
  } catch {
    return 'none';
  }
}

/** Probes everything now, ignoring the cache. Tests pass a PATH or cwd of their own. */
export function probeCapabilitiesFresh(opts: ProbeOptions = {}): Capabilities {
  const helper = findHelper();
  return {
    landlock: probeLandlock(),
    seccomp: probeSeccomp(),
    userns: probeUserns(helper),
    bwrap: probeBwrap(opts),
    wsl: probeWsl(),
    helperPath: helper,
  };
}

let cache: Capabilities | undefined;

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child as object);
  }
  return Object.freeze(value);
}

/** This machine's capabilities, probed on first use and then cached for the process. */
export function probeCapabilities(): Capabilities {
  // Frozen: every caller shares this one object.
  cache ??= deepFreeze(probeCapabilitiesFresh());
  return cache;
}

/** Forgets the cached probe (tests that change the machine, e.g. PATH). */
export function resetCapabilityCache(): void {
  cache = undefined;
}
