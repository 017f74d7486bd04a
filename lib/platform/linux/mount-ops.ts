// platform/linux/mount-ops: step one of mount planning. Turns a resolved policy into an ordered
// list of typed mount operations; bwrap-argv.ts renders them for bubblewrap, namespaces-argv.ts
// for the helper's own namespaces, and both executors give each op bubblewrap's meaning. Later mounts shadow
// earlier ones, so applying every policy path in ascending depth makes the most specific entry
// win (docs/reference.md#mount-order): a narrower writable child reopens a read-only or denied
// parent, and a narrower denied or read-only child wins over a writable parent.
import { posix } from 'node:path';

import { UnsupportedPolicyError } from '../../errors';
import { PLATFORM_DEFAULT_READ_ROOTS_LINUX } from '../../policy/platform-defaults';
import { PROTECTED_METADATA_NAMES } from '../../policy/protected-metadata';
import type { ResolvedPolicy } from '../../policy/types';
import type { HostPrepTarget } from '../common/types';
import { expandDenyGlobs } from './glob-expand';
import type { Host } from '../../policy/types';
import { byDepth, chainBelow, depthOf, rebase, within } from './path-order';

export type MountOp =
  | { op: 'ro-bind'; src: string; dest: string }
  | { op: 'bind'; src: string; dest: string }
  | { op: 'dev'; dest: string }
  | { op: 'tmpfs'; dest: string; perms: string | null }
  | { op: 'dir'; dest: string; perms: string | null }
  /**
   * An empty file inside a tmpfs, the mount point for a file carve-out; bwrap 0.8 consumes the
   * descriptor of `--file`, so each one reads its own /dev/null descriptor `fd`.
   */
  | { op: 'file'; dest: string; fd: number }
  | { op: 'remount-ro'; dest: string }
  /** An empty read-only file (contents of the shared /dev/null descriptor) at dest. */
  | { op: 'ro-bind-data'; dest: string; perms: string | null }
  /** A read-only bind skipped when src does not exist. */
  | { op: 'ro-bind-try'; src: string; dest: string }
  /** A fresh procfs of the sandbox's PID namespace. */
  | { op: 'proc'; dest: string };

/** What bubblewrap's --proc means to cover read-only (bubblewrap.c, cover_proc_dirs). */
const PROC_READ_ONLY = ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus'];

/**
 * The ops of a sandbox in execution order: the planned mounts, then /proc, then the last
 * read-only remount of a tmpfs root (it must come after the last mount point in it exists).
 *
 * bwrap's own cover of /proc/sys skips it when the directory itself is not writable (it never
 * is), but uid 0 mapped to the host's root owns the sysctl files under it, so root could open
 * /proc/sys/kernel/core_pattern for writing (issue #20). Whenever the sandbox has a /proc (its
 * own, or the host's under a bound root), the list bubblewrap meant to cover is bound read-only
 * (recursively: binfmt_misc too).
 */
export function sandboxMountOps(mounts: Pick<MountPlan, 'ops' | 'tmpfsRoot'>, mountProc: boolean, launchBinds: MountOp[] = []): MountOp[] {
  // launchBinds (the proxy's socket directory) come after the policy's ops, so no mask covers
  // them, and before the root's remount, so their mount points can still be made in it.
  const ops = [...mounts.ops, ...launchBinds];
  if (mountProc) ops.push({ op: 'proc', dest: '/proc' });
  if (mountProc || ops.some((op) => (op.op === 'bind' || op.op === 'ro-bind') && op.dest === '/')) {
    for (const path of PROC_READ_ONLY) ops.push({ op: 'ro-bind-try', src: path, dest: path });
  }
  if (mounts.tmpfsRoot) ops.push({ op: 'remount-ro', dest: '/' });
  return ops;
}

/** Whole-disk write: the host's root as it is, with a minimal /dev. */
export function fullWriteMountPlan(): MountPlan {
  return {
    ops: [
      { op: 'bind', src: '/', dest: '/' },
      { op: 'dev', dest: '/dev' },
    ],
    hostPrep: [],
    globMatches: [],
    tmpfsRoot: false,
  };
}

/** Protected names that are directories when they exist, so a missing one is masked as one. */
const METADATA_DIR_NAMES = new Set(PROTECTED_METADATA_NAMES);

export interface MountPlanInput {
  resolved: ResolvedPolicy;
  host: Host;
  /** Paths that must stay readable whatever the policy says (the helper's directory). */
  extraReadableRoots: string[];
  /** Paths the command must not see whatever the policy says (spawn/'s mount-target registry). */
  hiddenPaths?: string[];
}

export interface MountPlan {
  ops: MountOp[];
  hostPrep: HostPrepTarget[];
  /** Concrete paths that deny globs expanded to (a launch-time snapshot). */
  globMatches: string[];
  /**
   * The base is a tmpfs (restricted reads). The renderer remounts it read-only after the last
   * mount point in it exists (including /proc), so writes outside writable roots fail instead
   * of landing in a throw-away tmpfs.
   */
  tmpfsRoot: boolean;
}

type Access = 'read' | 'write' | 'deny';

interface Layer {
  path: string;
  access: Access;
  /** A protected metadata name (`.git`, `.codex`, ...) rather than an explicit entry. */
  protectedName: boolean;
}

// Equal paths: deny > write > read, the resolver's tie-break (docs/reference.md#precedence); a read-only
// carve-out never equals its own writable root, so write winning here widens nothing.
const RESTRICTIVENESS: Record<Access, number> = { read: 0, write: 1, deny: 2 };

function symlinkRefusal(kind: 'read-only' | 'deny-read', path: string, link: string): UnsupportedPolicyError {
  // Binding the link's current target would enforce a snapshot the sandbox itself can rewrite
  // (docs/reference.md#mount-order): fail closed instead.
  return new UnsupportedPolicyError(
    `cannot enforce sandbox ${kind} path ${path} because it crosses writable symlink ${link}; replace the symlink with a real directory or drop the carve-out`,
    { value: path, details: { symlink: link } },
  );
}

/** Which policy entry decides `path` by the most-specific rule, lexically. */
function policyAccessAt(resolved: ResolvedPolicy, host: Host, path: string): Access | 'none' {
  let best: { depth: number; access: Access } | undefined;
  const consider = (entry: string, access: Access): void => {
    if (!within(path, entry)) return;
    const depth = depthOf(entry);
    if (!best || depth > best.depth || (depth === best.depth && RESTRICTIVENESS[access] > RESTRICTIVENESS[best.access])) best = { depth, access };
  };
  for (const root of resolved.writableRoots) {
    if (host.stat(root.root) === undefined) continue;
    consider(root.root, 'write');
    for (const sub of root.readOnlySubpaths) consider(sub, 'read');
    for (const name of root.protectedMetadataNames) consider(posix.join(root.root, name), 'read');
  }
  for (const deny of resolved.unreadableRoots) consider(deny, 'deny');
  return best?.access ?? 'none';
}

/**
 * A writable root that does not exist yet but whose nearest existing ancestor is writable in the
 * sandbox could be made by the command, which would then own its protected names (`mkdir -p
 * build/.git/hooks`), though explain() protects them under every writable root. Such a root is
 * made on the host for the run (a host mount target, removed afterwards if still empty) so it is
 * bound and masked like an existing one. Returns the host as the planner then sees it and the
 * directories to make, parents first. An ancestor reached through a symlink is left as before:
 * the lexical check above cannot judge it.
 */
function withCreatableRoots(resolved: ResolvedPolicy, real: Host): { host: Host; created: string[] } {
  const created: string[] = [];
  for (const root of resolved.writableRoots) {
    if (real.lstat(root.root) !== undefined) continue;
    const chain: string[] = [root.root];
    let ancestor = posix.dirname(root.root);
    while (ancestor !== '/' && real.lstat(ancestor) === undefined) {
      chain.unshift(ancestor);
      ancestor = posix.dirname(ancestor);
    }
    if (real.lstat(ancestor) !== 'dir' || real.realpath(ancestor) !== ancestor) continue;
    if (policyAccessAt(resolved, real, ancestor) !== 'write') continue;
    for (const dir of chain) if (!created.includes(dir)) created.push(dir);
  }
  if (created.length === 0) return { host: real, created };
  const made = new Set(created);
  const host: Host = {
    ...real,
    lstat: (path) => (made.has(path) ? 'dir' : real.lstat(path)),
    stat: (path) => (made.has(path) ? 'dir' : real.stat(path)),
    realpath: (path) => (made.has(path) ? path : real.realpath(path)),
    readdir: (path) => (made.has(path) ? [] : real.readdir(path)),
    isEmpty: (path) => made.has(path) || real.isEmpty(path),
  };
  return { host, created };
}

/** Builds the ordered mount operations for a restricted filesystem policy. */
export function planMountOps(input: MountPlanInput): MountPlan {
  const { resolved } = input;
  const ops: MountOp[] = [];
  const hostPrep: HostPrepTarget[] = [];
  const { host, created } = withCreatableRoots(resolved, input.host);
  // Parents first: trackHostPrep makes them in this order, before bwrap binds them.
  for (const path of created) hostPrep.push({ path, kind: 'dir', create: true });

  const readable = new Set<string>();
  if (!resolved.fullDiskRead) {
    for (const root of resolved.readableRoots) readable.add(root);
    if (resolved.includePlatformDefaults) for (const root of PLATFORM_DEFAULT_READ_ROOTS_LINUX) readable.add(root);
  }
  // Always, even under a full-read base: a deny entry above the helper's directory would
  // otherwise make the sandbox fail to start. This exposes only our own executables, read-only.
  for (const root of input.extraReadableRoots) readable.add(root);
  const fullRead = resolved.fullDiskRead || readable.has('/');

  // Writable roots that cross a symlink are bound at their canonical target, and their
  // carve-outs move with them (docs/reference.md#mount-order); missing writable roots are skipped (docs/reference.md#mount-order)
  // unless the command could create them (withCreatableRoots).
  const writeTargets: { logical: string; target: string }[] = [];
  for (const root of resolved.writableRoots) {
    if (host.stat(root.root) === undefined) continue;
    const target = host.realpath(root.root) ?? root.root;
    writeTargets.push({ logical: root.root, target });
  }
  const remap = (path: string): string => {
    let best: { logical: string; target: string } | undefined;
    for (const w of writeTargets) {
      if (w.logical !== w.target && within(path, w.logical) && (!best || depthOf(w.logical) > depthOf(best.logical))) best = w;
    }
    return best ? rebase(path, best.logical, best.target) : path;
  };

  const layers = new Map<string, Layer>();
  const addLayer = (path: string, access: Access, protectedName: boolean): void => {
    const existing = layers.get(path);
    // One mount per path, by the precedence above; a protected name listed again as a plain
    // read-only subpath keeps its directory-shaped mask.
    if (existing && existing.access === access) {
      existing.protectedName ||= protectedName;
      return;
    }
    if (existing && RESTRICTIVENESS[existing.access] > RESTRICTIVENESS[access]) return;
    layers.set(path, { path, access, protectedName });
  };

  // Under a full-read base only readable roots below a deny entry emit anything (they reopen it).
  for (const root of readable) if (root !== '/' && host.stat(root) !== undefined) addLayer(root, 'read', false);
  for (const w of writeTargets) addLayer(w.target, 'write', false);
  for (const root of resolved.writableRoots) {
    for (const sub of root.readOnlySubpaths) addLayer(remap(sub), 'read', false);
    // Names below a file cannot exist; masking them would ask bwrap to mkdir through a file.
    if (host.stat(root.root) !== 'dir') continue;
    for (const name of root.protectedMetadataNames) addLayer(remap(posix.join(root.root, name)), 'read', true);
  }
  for (const path of resolved.unreadableRoots) addLayer(remap(path), 'deny', false);
  for (const path of input.hiddenPaths ?? []) if (host.stat(path) !== undefined) addLayer(path, 'deny', false);
  const globMatches = expandDenyGlobs(resolved.unreadableGlobs, resolved.globScanMaxDepth, host);
  for (const path of globMatches) addLayer(remap(path), 'deny', false);

  const ordered = [...layers.values()].sort((a, b) => byDepth(a.path, b.path));
  const writePaths = writeTargets.flatMap((w) => (w.logical === w.target ? [w.target] : [w.logical, w.target]));
  const inWritePath = (path: string): boolean => writePaths.some((w) => within(path, w));

  // Step 1, base layer: `--dev` comes before any bind so an explicit writable /dev/shm stays
  // visible (docs/reference.md#mount-order).
  if (fullRead) ops.push({ op: 'ro-bind', src: '/', dest: '/' }, { op: 'dev', dest: '/dev' });
  else ops.push({ op: 'tmpfs', dest: '/', perms: null }, { op: 'dev', dest: '/dev' });

  // What each path looks like inside the sandbox so far: the deepest layer applied above it.
  const applied: Layer[] = [];
  const effectiveAt = (path: string): Access | 'none' => {
    let best: Layer | undefined;
    for (const l of applied) if (within(path, l.path) && (!best || depthOf(l.path) >= depthOf(best.path))) best = l;
    if (best) return best.access;
    return fullRead ? 'read' : 'none';
  };
  const masked = new Set<string>();
  // Descriptors after the shared one (DEV_NULL_FD, 3), one per `--file`.
  let nextFileFd = 4;

  const firstMissing = (path: string): string => {
    let current = path;
    for (let parent = posix.dirname(current); parent !== current && host.lstat(parent) === undefined; parent = posix.dirname(parent)) {
      current = parent;
    }
    return current;
  };

  const checkSymlinks = (layer: Layer): void => {
    // Only links the sandbox could rewrite matter: those inside a writable path.
    let writeBase: string | undefined;
    for (const w of writePaths) if (within(layer.path, w) && (!writeBase || depthOf(w) > depthOf(writeBase))) writeBase = w;
    if (writeBase === undefined) return;
    for (const component of chainBelow(writeBase, layer.path)) {
      const kind = host.lstat(component);
      if (kind === undefined) return;
      if (kind === 'symlink') throw symlinkRefusal(layer.access === 'deny' ? 'deny-read' : 'read-only', layer.path, component);
    }
  };

  const maskMissing = (layer: Layer): void => {
    const target = firstMissing(layer.path);
    if (masked.has(target) || !inWritePath(target) || effectiveAt(target) !== 'write') return;
    masked.add(target);
    const existing = host.lstat(target);
    const dirName = layer.protectedName && target === layer.path && METADATA_DIR_NAMES.has(posix.basename(target));
    if (dirName && (existing === undefined || existing === 'dir')) {
      // An empty read-only directory: `mkdir .git` and writes below it fail (docs/reference.md#mount-order).
      ops.push({ op: 'tmpfs', dest: target, perms: '555' }, { op: 'remount-ro', dest: target });
      hostPrep.push({ path: target, kind: 'dir' });
    } else {
      ops.push({ op: 'ro-bind-data', dest: target, perms: target === layer.path && layer.access === 'deny' ? '000' : null });
      hostPrep.push({ path: target, kind: 'file' });
    }
  };

  // On a tmpfs root, bwrap would create the directories above each mount point readable; make
  // them traverse-only first, so listing a directory the policy does not grant fails as explain()
  // says (found by the property test: a readable file alone must not expose its parent's listing).
  const madeAncestors = new Set<string>();
  const traverseOnlyAncestors = (path: string): void => {
    if (fullRead) return;
    for (const dir of chainBelow('/', posix.dirname(path))) {
      if (madeAncestors.has(dir) || effectiveAt(dir) !== 'none') continue;
      madeAncestors.add(dir);
      ops.push({ op: 'dir', dest: dir, perms: '111' });
    }
  };

  for (let i = 0; i < ordered.length; i++) {
    const layer = ordered[i];
    const kind = host.stat(layer.path);
    const lkind = host.lstat(layer.path);
    const before = effectiveAt(layer.path);
    if (layer.access !== 'write') checkSymlinks(layer);
    if (kind !== undefined && !(layer.access === 'deny' && (before === 'deny' || before === 'none'))) traverseOnlyAncestors(layer.path);

    if (layer.access === 'write') {
      if (kind === undefined) continue;
      ops.push({ op: 'bind', src: layer.path, dest: layer.path });
    } else if (layer.access === 'read') {
      const emptyMetadata = layer.protectedName && lkind !== 'symlink' && host.isEmpty(layer.path);
      if (kind === undefined || emptyMetadata) {
        // A stub left by a concurrent run counts as missing: it gets the same synthetic mask.
        maskMissing(layer);
        continue;
      }
      if (before === 'read') continue;
      ops.push({ op: 'ro-bind', src: layer.path, dest: layer.path });
    } else {
      if (kind === undefined) {
        maskMissing(layer);
        continue;
      }
      if (before === 'deny' || before === 'none') continue;
      if (kind === 'dir') {
        // Paths reopened below a denied directory need mount points inside its tmpfs, made
        // before the tmpfs turns read-only (docs/reference.md#mount-order).
        const reopened = ordered
          .slice(i + 1)
          .filter((l) => l.access !== 'deny' && within(l.path, layer.path) && host.stat(l.path) !== undefined && !(l.protectedName && host.isEmpty(l.path)));
        ops.push({ op: 'tmpfs', dest: layer.path, perms: reopened.length > 0 ? '111' : '000' });
        const made = new Set<string>();
        for (const child of reopened) {
          const isDir = host.stat(child.path) === 'dir';
          const chain = chainBelow(layer.path, isDir ? child.path : posix.dirname(child.path));
          for (const dir of chain) {
            if (made.has(dir)) continue;
            made.add(dir);
            // Intermediate directories stay traverse-only: they are still inside the denied tree.
            ops.push({ op: 'dir', dest: dir, perms: dir === child.path ? null : '111' });
          }
          if (!isDir && !made.has(child.path)) {
            made.add(child.path);
            ops.push({ op: 'file', dest: child.path, fd: nextFileFd++ });
          }
        }
        ops.push({ op: 'remount-ro', dest: layer.path });
      } else {
        ops.push({ op: 'ro-bind-data', dest: layer.path, perms: '000' });
      }
    }
    applied.push(layer);
  }

  return { ops, hostPrep, globMatches, tmpfsRoot: !fullRead };
}
