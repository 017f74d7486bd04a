// spawn/host-prep: mount targets bwrap creates on the host (empty files and directories that
// mask protected or denied paths which do not exist yet) are removed after the run, but only
// when no other live sandbox still relies on them and they are still empty, so a real path is
// never deleted and a concurrent run's mask is never pulled away (reference linux-sandbox.md
// §8.2). Runs in different processes coordinate through a per-user registry in the temp dir:
// one marker file per run and target, changed only under a lock file.
import { createHash } from 'node:crypto';
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SpawnError } from '../errors';
import type { HostPrepTarget } from '../platform/common/types';

const LOCK_TIMEOUT_MS = 5_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
let sequence = 0;

/**
 * The registry directory, `<temp>/codex-sandbox-mount-targets-<euid>`, created if needed so that
 * bwrap plans can mask it from the first run on.
 */
export function hostPrepRegistryDir(): string {
  const dir = registryPath();
  // Checked once per process and path; trackHostPrep checks again before relying on it.
  if (!ensured.has(dir)) {
    ensureRegistry(dir);
    ensured.add(dir);
  }
  return dir;
}

const ensured = new Set<string>();

/** The last registry path worked out, and the temp dir and euid it was worked out for. */
let lastRegistry: { tmp: string; uid: number; path: string } | undefined;

function registryPath(): string {
  const uid = typeof process.geteuid === 'function' ? process.geteuid() : 0;
  const tmp = tmpdir();
  // Resolving the temp dir's symlinks costs three syscalls per launch; the answer changes only
  // with TMPDIR or the euid (ensureRegistry and trackHostPrep re-check the directory itself).
  if (lastRegistry !== undefined && lastRegistry.tmp === tmp && lastRegistry.uid === uid) return lastRegistry.path;
  let base = tmp;
  try {
    base = realpathSync(base);
  } catch {
    // A missing temp dir fails below with a clear message.
  }
  const path = join(base, `codex-sandbox-mount-targets-${uid}`);
  lastRegistry = { tmp, uid, path };
  return path;
}

function ensureRegistry(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new SpawnError(`cannot create the mount-target registry ${dir}: ${(err as Error).message}; check the temp directory`, { value: dir, cause: err });
    }
  }
  const st = lstatSync(dir);
  // Another user's or a planted registry could make us delete or keep the wrong paths.
  if (!st.isDirectory() || st.isSymbolicLink() || (typeof process.geteuid === 'function' && st.uid !== process.geteuid())) {
    throw new SpawnError(`mount-target registry ${dir} is not a directory owned by this user; remove it and retry`, { value: dir });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or undefined
 * when it is gone. With the pid it names one process for good: a pid alone is reused, and a dead
 * run's markers then looked alive for as long as the new owner of its pid lived (R13).
 */
function startTimeOf(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself contain ") ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

let ownStartTime: string | undefined;

/** This process's marker prefix, `<pid>-<start time>`. */
function ownerId(): string {
  ownStartTime ??= startTimeOf(process.pid) ?? '0';
  return `${process.pid}-${ownStartTime}`;
}

/** Whether the run that wrote marker `name` (`<pid>-<start time>-<n>`) is still running. */
function markerAlive(name: string): boolean {
  const [pid, start, seq] = name.split('-');
  if (seq === undefined) return alive(Number(pid)); // written before start times were recorded
  return startTimeOf(Number(pid)) === start;
}

function withLock<T>(dir: string, fn: () => T): T {
  const lock = join(dir, 'lock');
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new SpawnError(`cannot lock ${lock}: ${(err as Error).message}`, { value: lock, cause: err });
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(lock, 'utf8'));
      } catch {
        // Released between open and read: retry.
      }
      if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
        try {
          unlinkSync(lock);
        } catch {
          // Someone else cleared it first.
        }
        continue;
      }
      if (Date.now() > deadline) throw new SpawnError(`timed out waiting for ${lock} (held by pid ${holder}); remove it if that process is gone`, { value: lock });
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // Already removed as stale by another process: nothing to release.
    }
  }
}

function markerDirOf(dir: string, path: string): string {
  return join(dir, createHash('sha256').update(path).digest('hex').slice(0, 16));
}

/**
 * Finishes the clean-up of runs that died (Node killed with SIGKILL): a marker directory whose
 * markers all belong to dead processes is removed, with its target if that is still an empty
 * stub. Bounded, so a registry full of garbage never slows a run down much.
 */
function pruneDeadRuns(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  // A window that moves on each pass, so entries of long-lived runs at the front cannot keep the
  // rest from ever being looked at.
  const start = names.length > JANITOR_LIMIT ? janitorCursor % names.length : 0;
  janitorCursor += JANITOR_LIMIT;
  const window = [...names.slice(start), ...names.slice(0, start)].slice(0, JANITOR_LIMIT);
  for (const name of window) {
    if (name === 'lock') continue;
    const markerDir = join(dir, name);
    let markers: string[];
    try {
      markers = readdirSync(markerDir);
    } catch {
      continue;
    }
    if (markers.some(markerAlive)) continue;
    for (const marker of markers) {
      try {
        const target = parseMarker(readFileSync(join(markerDir, marker), 'utf8'));
        if (target !== undefined) removeIfEmptyStub(target);
        unlinkSync(join(markerDir, marker));
      } catch {
        // Half-written or already pruned: the directory stays for the next pass.
      }
    }
    try {
      rmdirSync(markerDir);
    } catch {
      // A marker could not be read: keep the directory.
    }
  }
}

const JANITOR_LIMIT = 64;
let janitorCursor = 0;

/**
 * A marker's text is the JSON of its target. The format used to be `kind<TAB>path`, and a TAB in
 * a path cut the path short, so pruning removed the shorter, unrelated path (docs/security.md
 * R14). Anything that does not parse to exactly one target is never acted on.
 */
function markerText(target: HostPrepTarget): string {
  return JSON.stringify({ kind: target.kind, path: target.path });
}

function parseMarker(text: string): HostPrepTarget | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { kind, path, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || (kind !== 'dir' && kind !== 'file') || typeof path !== 'string' || !path.startsWith('/')) return undefined;
  return { kind, path };
}

/** Live markers of a target, after pruning those of dead processes. */
function liveMarkers(markerDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(markerDir);
  } catch {
    return [];
  }
  return names.filter((name) => {
    if (markerAlive(name)) return true;
    try {
      unlinkSync(join(markerDir, name));
    } catch {
      // Pruned concurrently.
    }
    return false;
  });
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function removeIfEmptyStub(target: HostPrepTarget): void {
  try {
    const st = lstatSync(target.path);
    if (target.kind === 'dir' && st.isDirectory() && readdirSync(target.path).length === 0) rmdirSync(target.path);
    else if (target.kind === 'file' && st.isFile() && st.size === 0) unlinkSync(target.path);
  } catch {
    // Gone already, or replaced by something that is not ours: leave it.
  }
}

/** When this process last pruned from a launch without targets of its own. */
let lastIdlePrune = Number.NEGATIVE_INFINITY;
const IDLE_PRUNE_INTERVAL_MS = 1_000;

/**
 * Launches without targets finish dead runs' clean-up too, at most once a second per process: a
 * SIGKILLed parent's stubs used to stay until some later run happened to need targets itself
 * (R13). An empty registry costs one readdir.
 */
function pruneDueRegistry(registry: string): void {
  const now = Date.now();
  if (now - lastIdlePrune < IDLE_PRUNE_INTERVAL_MS) return;
  lastIdlePrune = now;
  let names: string[];
  try {
    names = readdirSync(registry);
  } catch {
    return;
  }
  if (names.every((name) => name === 'lock')) return;
  pruneHostPrepRegistry(registry);
}

/** Removes what dead runs left (their markers and still-empty stubs); `codex-sandbox doctor` calls it too. */
export function pruneHostPrepRegistry(registry: string = registryPath()): void {
  try {
    ensureRegistry(registry);
  } catch {
    // No usable registry: nothing of ours to prune.
    return;
  }
  withLock(registry, () => pruneDeadRuns(registry));
}

interface Registration {
  target: HostPrepTarget;
  marker: string;
}

/**
 * Registers this run's targets and returns the clean-up to call once the sandbox has exited
 * (idempotent). A target that exists with no live registration belongs to the user (or to a
 * crashed run) and is never removed; one created by this or a concurrent run is removed by the
 * last run that used it.
 */
export function trackHostPrep(targets: readonly HostPrepTarget[], registryDir?: string): () => void {
  const registry = registryDir ?? registryPath();
  if (targets.length === 0) {
    pruneDueRegistry(registry);
    return () => undefined;
  }
  ensureRegistry(registry);
  const ours: Registration[] = withLock(registry, () => {
    pruneDeadRuns(registry);
    return targets.flatMap((target) => {
      const markerDir = markerDirOf(registry, target.path);
      const shared = liveMarkers(markerDir).length > 0;
      if (exists(target.path) && !shared) return [];
      mkdirSync(markerDir, { recursive: true, mode: 0o700 });
      const marker = join(markerDir, `${ownerId()}-${++sequence}`);
      writeFileSync(marker, markerText(target), { mode: 0o600 });
      return [{ target, marker }];
    });
  });
  if (ours.length === 0) return () => undefined;
  let done = false;
  const cleanup = (): void => {
    if (done) return;
    done = true;
    process.off('exit', cleanup);
    withLock(registry, () => {
      // Deepest first, so a stub directory is empty by the time its turn comes.
      for (const { target, marker } of [...ours].sort((a, b) => b.target.path.length - a.target.path.length)) {
        try {
          unlinkSync(marker);
        } catch {
          // Pruned as stale: still ours to finish.
        }
        const markerDir = markerDirOf(registry, target.path);
        if (liveMarkers(markerDir).length > 0) continue;
        try {
          rmdirSync(markerDir);
        } catch {
          // Not empty or gone: another run registered meanwhile, or pruned it.
        }
        removeIfEmptyStub(target);
      }
    });
  };
  // If Node exits while the sandbox runs (the sandbox dies with it), clean up on the way out.
  process.once('exit', cleanup);
  return cleanup;
}
