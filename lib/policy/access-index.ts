// policy/access-index: the precedence engine (docs/reference.md#precedence) and the Era C metadata write
// guard, over resolved entries indexed by path so that a lookup costs one probe per ancestor of
// the candidate, not one per entry (policies may hold 10,000 entries).

import { PROTECTED_METADATA_NAMES } from './protected-metadata';
import { ancestors, isWithin, joinPath, parentPath, pathDepth, relativeSuffix } from './paths';
import type { FileSystemAccessMode, ResolvedEntry } from './types';

/** Conflict order at equal depth: deny beats write beats read. */
export const ACCESS_RANK: Record<FileSystemAccessMode, number> = { read: 0, write: 1, deny: 2 };

export interface ProtectedPath {
  path: string;
  root: string;
  name: string;
}

export interface AccessIndex {
  /** For each entry path, the entry that wins there (highest access; first in input order on ties). */
  byPath: Map<string, ResolvedEntry>;
  /** Paths of write entries whose own path resolves to write: the lexical writable roots. */
  writableRoots: Set<string>;
  /** Extra protected paths (gitdir targets), checked with the same rule as protected names. */
  protectedPaths: ProtectedPath[];
}

export function buildAccessIndex(entries: readonly ResolvedEntry[], protectedPaths: ProtectedPath[] = []): AccessIndex {
  const byPath = new Map<string, ResolvedEntry>();
  for (const entry of entries) {
    const current = byPath.get(entry.path);
    if (current === undefined || ACCESS_RANK[entry.access] > ACCESS_RANK[current.access]) byPath.set(entry.path, entry);
  }
  const writableRoots = new Set<string>();
  for (const [path, entry] of byPath) if (entry.access === 'write') writableRoots.add(path);
  return { byPath, writableRoots, protectedPaths };
}

/** The most specific entry covering `path` (a normalised absolute path), or undefined. */
export function deepestEntry(index: AccessIndex, path: string): ResolvedEntry | undefined {
  let candidate: string | undefined = path;
  while (candidate !== undefined) {
    const hit = index.byPath.get(candidate);
    if (hit !== undefined) return hit;
    candidate = parentPath(candidate);
  }
  return undefined;
}

/** The reference's resolve_access_with_cwd for a restricted policy: deny when nothing covers. */
export function resolveAccess(index: AccessIndex, path: string): FileSystemAccessMode {
  return deepestEntry(index, path)?.access ?? 'deny';
}

/**
 * The Era C write guard: a write at or under `<writable root>/<protected name>` (or under a
 * protected gitdir target) is refused unless a write entry at or below that protected path covers
 * the candidate. Returns the protected path that refuses, or undefined.
 */
export function protectedWriteBlock(index: AccessIndex, path: string): ProtectedPath | undefined {
  const chain = ancestors(path);
  let deepestWriteDepth = 0;
  for (const candidate of chain) {
    if (index.writableRoots.has(candidate)) {
      deepestWriteDepth = pathDepth(candidate);
      break;
    }
  }
  // Walk from the shallowest root down so the outermost protected name is the one reported.
  for (let i = chain.length - 1; i >= 1; i--) {
    const root = chain[i]!;
    if (!index.writableRoots.has(root)) continue;
    const name = firstComponent(relativeSuffix(chain[i - 1]!, root)!);
    if (!PROTECTED_METADATA_NAMES.includes(name)) continue;
    const metadata = joinPath(root, name);
    if (deepestWriteDepth < pathDepth(metadata)) return { path: metadata, root, name };
  }
  for (const guarded of index.protectedPaths) {
    if (isWithin(path, guarded.path) && deepestWriteDepth < pathDepth(guarded.path)) return guarded;
  }
  return undefined;
}

function firstComponent(suffix: string): string {
  const cut = suffix.search(/[\\/]/);
  return cut < 0 ? suffix : suffix.slice(0, cut);
}

/** can_write_path with the metadata guard: the deepest entry is write and no protected path refuses. */
export function canWrite(index: AccessIndex, path: string): boolean {
  return resolveAccess(index, path) === 'write' && protectedWriteBlock(index, path) === undefined;
}
