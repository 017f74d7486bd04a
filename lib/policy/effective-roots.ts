// policy/effective-roots: the roots enforcers consume (docs/reference.md#effective-roots): readable roots,
// writable roots with their read-only subpaths and protected names, unreadable roots and globs.

import { type AccessIndex, type ProtectedPath, resolveAccess } from './access-index';
import { normalizeEffective } from './effective-normalize';
import { defaultReadOnlySubpaths, PROTECTED_METADATA_NAMES } from './protected-metadata';
import { filesystemRoot, isWithin, joinPath, relativeSuffix } from './paths';
import type { ResolvedGlob } from './resolve-entries';
import type { Host, ResolvedEntry, WritableRoot } from './types';

export interface RootContext {
  cwd: string;
  host: Host;
  entries: ResolvedEntry[];
  index: AccessIndex;
  warnings: string[];
  /** Memo of normalizeEffective for this resolution. */
  normalized: Map<string, string>;
}

function dedup(paths: Iterable<string>): string[] {
  return [...new Set(paths)];
}

function norm(ctx: RootContext, path: string): string {
  return normalizeEffective(path, ctx.host, ctx.normalized);
}

export function readableRoots(ctx: RootContext): string[] {
  const out: string[] = [];
  for (const entry of ctx.entries) {
    if (entry.access === 'deny' || resolveAccess(ctx.index, entry.path) === 'deny') continue;
    out.push(norm(ctx, entry.path));
  }
  return dedup(out);
}

export function unreadableRoots(ctx: RootContext): string[] {
  const out: string[] = [];
  for (const entry of ctx.entries) {
    if (entry.access !== 'deny' || resolveAccess(ctx.index, entry.path) !== 'deny') continue;
    // A restricted policy already denies by default; materialising `/` would hide every
    // narrower allow from the enforcers (root_deny_does_not_materialize_as_unreadable_root).
    if (entry.path === filesystemRoot(entry.path)) continue;
    out.push(norm(ctx, entry.path));
  }
  return dedup(out);
}

export function unreadableGlobs(globs: ResolvedGlob[]): string[] {
  return dedup(globs.map((g) => g.pattern)).sort();
}

/** Sorted paths with a range lookup for "everything at or under P". */
class PathRange {
  private readonly sorted: { path: string; order: number; value: string }[];
  constructor(items: { path: string; order: number; value: string }[]) {
    this.sorted = items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.order - b.order));
  }
  /** Items whose path is within `prefix` (strictly below it when `strict`). */
  within(prefix: string, strict: boolean): { path: string; order: number; value: string }[] {
    const out: { path: string; order: number; value: string }[] = [];
    if (!strict) {
      for (let i = this.lowerBound(prefix); i < this.sorted.length && this.sorted[i]!.path === prefix; i++) out.push(this.sorted[i]!);
    }
    const lead = prefix.endsWith('/') ? prefix : `${prefix}/`;
    for (let i = this.lowerBound(lead); i < this.sorted.length && this.sorted[i]!.path.startsWith(lead); i++) out.push(this.sorted[i]!);
    return out;
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.path < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Writable roots (docs/reference.md#effective-roots): each normalised writable entry is its own root (so a nested write reopens
 * as a root of its own), with the default protected subpaths (minus those an explicit entry names
 * exactly), the carve-outs of non-writable entries inside it (kept raw so a symlink inode can be
 * masked), and the protected metadata names that are not re-granted by an explicit write.
 * Also returns the gitdir targets, which explain() guards like protected names.
 */
export function writableRoots(ctx: RootContext): { roots: WritableRoot[]; protectedPaths: ProtectedPath[] } {
  const cwdNormalized = norm(ctx, ctx.cwd);
  const rawByRoot = new Map<string, string[]>();
  for (const entry of ctx.entries) {
    if (entry.access !== 'write' || resolveAccess(ctx.index, entry.path) !== 'write') continue;
    const root = norm(ctx, entry.path);
    const raws = rawByRoot.get(root);
    if (raws === undefined) rawByRoot.set(root, [entry.path]);
    else if (!raws.includes(entry.path)) raws.push(entry.path);
  }

  const explicitPaths = new Set<string>();
  const carveItems: { path: string; order: number; value: string }[] = [];
  const carveNormalized: { path: string; order: number; value: string }[] = [];
  ctx.entries.forEach((entry, order) => {
    explicitPaths.add(entry.path);
    explicitPaths.add(norm(ctx, entry.path));
    if (entry.access === 'write' || resolveAccess(ctx.index, entry.path) === 'write') return;
    carveItems.push({ path: entry.path, order, value: entry.path });
    const normalized = norm(ctx, entry.path);
    carveNormalized.push({ path: normalized, order, value: normalized });
  });
  const rawRange = new PathRange(carveItems);
  const normalizedRange = new PathRange(carveNormalized);

  const roots: WritableRoot[] = [];
  const protectedPaths: ProtectedPath[] = [];
  for (const [root, raws] of rawByRoot) {
    const subpaths: string[] = [];
    for (const item of defaultReadOnlySubpaths(root, root === cwdNormalized, ctx.host, ctx.warnings)) {
      // An explicit rule at exactly this path overrides the default (B3+).
      if (explicitPaths.has(item.path)) continue;
      subpaths.push(item.path);
      if (item.kind === 'gitdir') protectedPaths.push({ path: item.path, root, name: item.name });
    }

    const found = new Map<number, string>();
    if (root !== filesystemRoot(root)) {
      for (const item of rawRange.within(root, false)) found.set(item.order, item.value);
      for (const alias of raws) {
        if (alias === root) continue;
        for (const item of rawRange.within(alias, false)) {
          if (!found.has(item.order)) found.set(item.order, joinPath(root, relativeSuffix(item.path, alias)!));
        }
      }
    }
    for (const item of normalizedRange.within(root, true)) if (!found.has(item.order)) found.set(item.order, item.value);
    for (const order of [...found.keys()].sort((a, b) => a - b)) subpaths.push(found.get(order)!);

    // Judged on the entries' own (raw) spellings, as explain() judges writes, not on the
    // normalised root (/private/v for an entry /v). `<raw>/<name>` is writable only through a
    // write entry exactly there: one above it is refused by the metadata guard for that very
    // path (access-index.ts), so this equals canWrite(<raw>/<name>) without walking ancestors.
    const protectedNames = PROTECTED_METADATA_NAMES.filter((name) => !raws.some((r) => ctx.index.writableRoots.has(joinPath(r, name))));
    roots.push({ root, readOnlySubpaths: dedup(subpaths), protectedMetadataNames: protectedNames });
  }
  return { roots, protectedPaths };
}

/**
 * WritableRoot::is_path_writable (Era C): under the root, under none of its read-only subpaths,
 * and the first component below the root is not one of its protected names. This looks at one
 * root only; explain() is the whole-policy answer.
 */
export function isPathWritableInRoot(root: WritableRoot, path: string): boolean {
  const suffix = relativeSuffix(path, root.root);
  if (suffix === undefined) return false;
  if (root.readOnlySubpaths.some((sub) => isWithin(path, sub))) return false;
  const first = suffix.split(/[\\/]/)[0]!;
  return !root.protectedMetadataNames.includes(first);
}
