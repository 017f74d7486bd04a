// policy/effective-normalize: how effective roots are spelled for enforcers (docs/reference.md#absolute-paths and
// docs/reference.md#effective-roots, Era B3+ and C): canonical where that is safe, logical where a symlink below the top level
// would otherwise be followed at resolution time rather than masked at run time.

import { ancestors, joinPath, pathDepth, relativeSuffix } from './paths';
import type { Host } from './types';

/**
 * canonicalize_preserving_symlinks: the canonical path, unless some component deeper than the top
 * level is a symlink, in which case the logical path is kept (so `<root>/.codex -> decoy` stays
 * the symlink the enforcer must mask). Top-level aliases such as macOS `/tmp -> /private/tmp` are
 * still canonicalised. A path that cannot be canonicalised stays logical.
 */
export function canonicalizePreservingSymlinks(path: string, host: Host): string {
  for (const ancestor of ancestors(path)) {
    if (pathDepth(ancestor) <= 2) break;
    if (host.lstat(ancestor) === 'symlink') return path;
  }
  return host.realpath(path) ?? path;
}

/**
 * normalize-effective: find the longest existing ancestor, canonicalise it (preserving symlinks)
 * and re-append the missing rest.
 */
export function normalizeEffective(path: string, host: Host, cache?: Map<string, string>): string {
  const hit = cache?.get(path);
  if (hit !== undefined) return hit;
  let out = path;
  for (const ancestor of ancestors(path)) {
    if (host.stat(ancestor) === undefined) continue;
    const canonical = canonicalizePreservingSymlinks(ancestor, host);
    const rest = relativeSuffix(path, ancestor)!;
    out = rest === '' ? canonical : joinPath(canonical, rest);
    break;
  }
  cache?.set(path, out);
  return out;
}
