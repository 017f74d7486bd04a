// platform/linux/glob-expand: turns deny-read globs into concrete paths before launch, because a
// mount namespace can only mask paths that exist (docs/reference.md#deny-glob-expansion). The walker is
// internal (no ripgrep dependency): dotfiles included, ignore files ignored, symlinked
// directories not followed. Matching is policy/glob's, the same matcher explain() uses.
import { posix } from 'node:path';

import { UnsupportedPolicyError } from '../../errors';
import { compileGlob, type GlobMatcher } from '../../policy/glob/to-regexp';
import { globLiteralDir } from '../../policy/glob/tokenize';
import type { Host } from '../../policy/types';

/** The reference's cap: more matches than this refuses the run instead of masking a subset. */
export const GLOB_MATCH_CAP = 8192;

/** The directory a pattern is searched from: its literal directory before the first wildcard. */
export function globSearchRoot(pattern: string): string | null {
  const root = globLiteralDir(pattern);
  // A root of `/` would mean scanning the whole disk: the reference skips such patterns.
  return root === null || root === '/' ? null : root;
}

/**
 * Concrete paths matching the deny globs, plus the canonical target of any match that crosses a
 * symlink. `maxDepth` counts directory levels below the search root; 0 disables scanning.
 */
export function expandDenyGlobs(patterns: readonly string[], maxDepth: number | undefined, host: Host): string[] {
  if (maxDepth === 0) return [];
  const byRoot = new Map<string, GlobMatcher[]>();
  for (const pattern of patterns) {
    const matcher = compileGlob(pattern);
    if (!matcher.valid) {
      // explain() treats a malformed glob as denying everything; no finite mask can do that.
      throw new UnsupportedPolicyError(`unreadable glob pattern is invalid: ${pattern}; fix the pattern (escape literal [ ] { } with \\)`, { value: pattern });
    }
    const root = globSearchRoot(pattern);
    if (root === null || host.stat(root) !== 'dir') continue;
    const list = byRoot.get(root) ?? [];
    list.push(matcher);
    byRoot.set(root, list);
  }
  const found = new Set<string>();
  for (const root of [...byRoot.keys()].sort()) {
    const matchers = byRoot.get(root) ?? [];
    let count = 0;
    const visit = (dir: string, depth: number): void => {
      const entries = host.readdir(dir);
      if (entries === undefined) return;
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const full = posix.join(dir, entry.name);
        if (matchers.some((m) => m.matches(full))) {
          count += 1;
          if (count > GLOB_MATCH_CAP) {
            throw new UnsupportedPolicyError(`unreadable glob expansion for ${root} matched more than ${GLOB_MATCH_CAP} paths; narrow the deny glob or set glob_scan_max_depth`, {
              value: root,
              details: { cap: GLOB_MATCH_CAP },
            });
          }
          found.add(full);
          const real = host.realpath(full);
          if (real !== undefined && real !== full) found.add(real);
        }
        if (entry.kind === 'dir' && (maxDepth === undefined || depth + 1 < maxDepth)) visit(full, depth + 1);
      }
    };
    visit(root, 0);
  }
  return [...found].sort();
}
