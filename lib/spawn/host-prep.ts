// spawn/host-prep: mount targets bwrap creates on the host (empty files and directories that
// mask protected or denied paths which do not exist yet) are removed after the run, but only
// when no other live sandbox still relies on them and they are still empty, so a real path is
// never deleted and a concurrent run's mask is never pulled away
// (docs/reference.md#linux-lifecycle). Runs in different processes coordinate through a per-user
// registry in the temp dir: one marker file per run and target, `<hash of the target>.<run>-<n>`,
// changed only under a lock file. Markers are files in one directory, never directories of their
// own: on the ext4 /tmp here a mkdir and rmdir pair costs about 0.75 ms, a file about 0.02 ms, and
// a workspace-write launch registers three targets (docs/benchmarks.md).
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { SpawnError } from '../errors';
import type { HostPrepTarget } from '../platform/common/types';
import { userStateDir } from '../platform/linux/user-state-dir';
import { sha256Hex } from '../sha256';

const LOCK_TIMEOUT_MS = 5_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
let sequence = 0;

/**
 * The registry directory, `<temp>/codex-sandbox-mount-targets-<euid>` (user-state-dir.ts), created
 * if needed so that bwrap plans can mask it from the first run on.
 */
export function hostPrepRegistryDir(): string {
  const dir = userStateDir();
  // Checked once per process and path; trackHostPrep checks again before relying on it.
  if (!ensured.has(dir)) {
    ensureRegistry(dir);
    ensured.add(dir);
  }
  return dir;
}

const ensured = new Set<string>();

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

/** A process as the registry names it: the pid and its start time, so a reused pid is another run. */
interface RunId {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot); undefined where /proc is missing. */
  start: string | undefined;
}

/** The start time of `pid`, null when no such process exists, undefined when /proc cannot say. */
function startTimeOf(pid: number): string | null | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH' ? null : undefined;
  }
  // The command name (field 2) may hold spaces and parentheses; the fields after it cannot.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

let self: { pid: number; name: string } | undefined;

/** This process's name in the registry, `<pid>-<start time>`. */
function selfName(): string {
  if (self === undefined || self.pid !== process.pid) {
    self = { pid: process.pid, name: `${process.pid}-${startTimeOf(process.pid) ?? 0}` };
  }
  return self.name;
}

function parseRunId(text: string): RunId | undefined {
  const m = /^([1-9][0-9]*)-([0-9]+)$/.exec(text);
  return m ? { pid: Number(m[1]), start: m[2] === '0' ? undefined : m[2] } : undefined;
}

function alive(run: RunId): boolean {
  const start = startTimeOf(run.pid);
  if (start === null) return false;
  if (start !== undefined && run.start !== undefined) return start === run.start;
  // No /proc to ask (or it hides the process): the pid alone decides, erring on alive.
  try {
    process.kill(run.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A marker is `<pid>-<start>-<sequence>`; one named otherwise is not ours to judge, so counts as live. */
function markerAlive(name: string): boolean {
  const m = /^(.*)-[0-9]+$/.exec(name);
  const run = m ? parseRunId(m[1]) : undefined;
  return run === undefined || alive(run);
}

function withLock<T>(dir: string, fn: () => T): T {
  const lock = join(dir, 'lock');
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, selfName());
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new SpawnError(`cannot lock ${lock}: ${(err as Error).message}`, { value: lock, cause: err });
      let holder = '';
      try {
        holder = readFileSync(lock, 'utf8');
      } catch {
        // Released between open and read: retry.
      }
      const run = parseRunId(holder);
      if (run !== undefined && !alive(run)) {
        try {
          unlinkSync(lock);
        } catch {
          // Someone else cleared it first.
        }
        continue;
      }
      if (Date.now() > deadline) throw new SpawnError(`timed out waiting for ${lock} (held by ${holder || 'a process'}); remove it if that process is gone`, { value: lock });
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

function hashOf(path: string): string {
  // Not node:crypto: loading it cost a workspace-write launch about 2 ms (sha256.ts).
  return sha256Hex(path).slice(0, 16);
}

/** A registry entry's name split: the target's hash and the run part (`<pid>-<start>-<n>`). */
function markerParts(name: string): { hash: string; run: string } | undefined {
  const m = /^([0-9a-f]{16})\.(.+)$/.exec(name);
  return m ? { hash: m[1], run: m[2] } : undefined;
}

/**
 * What a marker says, or undefined when it is not exactly a marker this code wrote for the target
 * its name is hashed from: a path is never cut at a separator or guessed, so an unreadable
 * marker is left alone rather than acted on.
 */
function parseMarker(text: string, hash: string): HostPrepTarget | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { kind, path, ...rest } = value as Record<string, unknown>;
  if ((kind !== 'dir' && kind !== 'file') || typeof path !== 'string' || !path.startsWith('/') || Object.keys(rest).length > 0) return undefined;
  if (hash !== hashOf(path)) return undefined;
  return { kind, path };
}

/**
 * Finishes the clean-up of runs that died (Node killed with SIGKILL): the markers of a target
 * whose markers all belong to dead processes are removed, with the target if that is still an
 * empty stub, deepest target first. At most JANITOR_LIMIT targets per pass, starting at a random
 * one, so a registry full of garbage never slows a run down much and no entry is never visited.
 */
function pruneDeadRuns(dir: string, names: string[]): void {
  const byHash = new Map<string, { name: string; run: string }[]>();
  for (const name of names) {
    const parts = markerParts(name);
    if (parts === undefined) continue;
    const group = byHash.get(parts.hash);
    if (group === undefined) byHash.set(parts.hash, [{ name, run: parts.run }]);
    else group.push({ name, run: parts.run });
  }
  const hashes = [...byHash.keys()];
  const first = hashes.length > JANITOR_LIMIT ? Math.floor(Math.random() * hashes.length) : 0;
  const dead: { marker: string; target: HostPrepTarget }[] = [];
  for (let i = 0; i < Math.min(hashes.length, JANITOR_LIMIT); i++) {
    const hash = hashes[(first + i) % hashes.length];
    const markers = byHash.get(hash) ?? [];
    if (markers.some((m) => markerAlive(m.run))) continue;
    for (const { name: marker } of markers) {
      let target: HostPrepTarget | undefined;
      try {
        target = parseMarker(readFileSync(join(dir, marker), 'utf8'), hash);
      } catch {
        // Unreadable: left for a person to look at, like an unparsable one.
      }
      if (target !== undefined) dead.push({ marker, target });
    }
  }
  // Deepest first, so a stub directory is empty by the time its turn comes.
  for (const { marker, target } of dead.sort((a, b) => b.target.path.length - a.target.path.length)) {
    removeIfEmptyStub(target);
    try {
      unlinkSync(join(dir, marker));
    } catch {
      // Pruned concurrently.
    }
  }
}

const JANITOR_LIMIT = 64;

/**
 * Removes what runs that died left behind (their stubs and markers). Every Linux launch and
 * `codex-sandbox doctor` call it; with no registry entries it costs one readdir.
 */
export function pruneDeadHostPrep(registryDir?: string): void {
  const registry = registryDir ?? userStateDir();
  let names: string[];
  try {
    names = readdirSync(registry);
  } catch {
    return;
  }
  // Only markers are pruned: the lock and the probe cache (probe-cache.ts) alone cost no lock.
  if (!names.some((n) => markerParts(n) !== undefined)) return;
  try {
    const st = lstatSync(registry);
    if (!st.isDirectory() || (typeof process.geteuid === 'function' && st.uid !== process.geteuid())) return;
  } catch {
    return;
  }
  withLock(registry, () => pruneDeadRuns(registry, readdirSync(registry)));
}

/** Whether a live run still has a marker for the target hashed `hash`; dead ones are unlinked. */
function liveMarkerFor(dir: string, names: readonly string[], hash: string): boolean {
  let live = false;
  for (const name of names) {
    const parts = markerParts(name);
    if (parts?.hash !== hash) continue;
    if (markerAlive(parts.run)) {
      live = true;
      continue;
    }
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Pruned concurrently.
    }
  }
  return live;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function makeDir(path: string): void {
  try {
    mkdirSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new SpawnError(`cannot create writable root ${path} for the run: ${(err as Error).message}`, { value: path, cause: err });
    }
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

interface Registration {
  target: HostPrepTarget;
  marker: string;
  hash: string;
}

/**
 * The clean-ups of sandboxes still running when Node exits. One 'exit' listener serves them all:
 * one per run would pass ten concurrent runs and warn (MaxListenersExceededWarning).
 */
const pendingCleanups = new Set<() => void>();
let exitListenerInstalled = false;

function onProcessExit(cleanup: () => void): void {
  if (!exitListenerInstalled) {
    exitListenerInstalled = true;
    process.once('exit', () => {
      for (const pending of [...pendingCleanups]) pending();
    });
  }
  pendingCleanups.add(cleanup);
}

/**
 * Registers this run's targets and returns the clean-up to call once the sandbox has exited
 * (idempotent). A target that exists with no live registration belongs to the user (or to a
 * crashed run) and is never removed; one created by this or a concurrent run is removed by the
 * last run that used it.
 */
export function trackHostPrep(targets: readonly HostPrepTarget[], registryDir?: string): () => void {
  const registry = registryDir ?? userStateDir();
  if (targets.length === 0) {
    // A launch with targets prunes under the lock below; one without still finishes dead runs.
    pruneDeadHostPrep(registry);
    return () => undefined;
  }
  ensureRegistry(registry);
  const ours: Registration[] = withLock(registry, () => {
    // One listing serves both: a marker pruned here is dead, and liveMarkerFor judges it so too.
    const names = readdirSync(registry);
    pruneDeadRuns(registry, names);
    return targets.flatMap((target) => {
      const hash = hashOf(target.path);
      const shared = liveMarkerFor(registry, names, hash);
      if (exists(target.path) && !shared) return [];
      const marker = join(registry, `${hash}.${selfName()}-${++sequence}`);
      writeFileSync(marker, JSON.stringify({ kind: target.kind, path: target.path }), { mode: 0o600 });
      // Registered first, so a crash right after leaves a marker that the next launch prunes.
      if (target.create === true) makeDir(target.path);
      return [{ target, marker, hash }];
    });
  });
  if (ours.length === 0) return () => undefined;
  let done = false;
  const cleanup = (): void => {
    if (done) return;
    done = true;
    pendingCleanups.delete(cleanup);
    withLock(registry, () => {
      for (const { marker } of ours) {
        try {
          unlinkSync(marker);
        } catch {
          // Pruned as stale: still ours to finish.
        }
      }
      const names = readdirSync(registry);
      // Deepest first, so a stub directory is empty by the time its turn comes.
      for (const { target, hash } of [...ours].sort((a, b) => b.target.path.length - a.target.path.length)) {
        if (!liveMarkerFor(registry, names, hash)) removeIfEmptyStub(target);
      }
    });
  };
  // If Node exits while the sandbox runs (the sandbox dies with it), clean up on the way out.
  onProcessExit(cleanup);
  return cleanup;
}
