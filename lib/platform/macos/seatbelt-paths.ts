// seatbelt-paths: the spellings Seatbelt needs. Seatbelt matches the kernel's resolved path, so
// every root and carve-out is emitted canonical (docs/reference.md#seatbelt-paths); writable roots get the stricter newest
// treatment (docs/reference.md#seatbelt-paths): only a top-level alias such as /tmp -> /private/tmp is followed.
import { UnsupportedPolicyError } from '../../errors';
import { ancestors, isWithin, joinPath, relativeSuffix } from '../../policy/paths';
import type { Host } from '../../policy/types';

/** `path` moved from below `oldRoot` to below `newRoot` (path must be within oldRoot). */
export function rebase(path: string, oldRoot: string, newRoot: string): string {
  const rest = relativeSuffix(path, oldRoot);
  if (rest === undefined) throw new RangeError(`${path} is not within ${oldRoot}`);
  return rest === '' ? newRoot : joinPath(newRoot, rest);
}

/**
 * The canonical spelling of `path`: its deepest existing ancestor resolved with realpath, and the
 * missing rest appended. The reference falls back to the raw path when the path itself is missing
 * (docs/reference.md#seatbelt-paths); resolving the existing part instead keeps a carve-out such as /tmp/w/secret effective
 * before it is created (Seatbelt would see /private/tmp/w/secret), which only narrows access.
 */
export function canonicalPath(host: Host, path: string): string {
  for (const ancestor of ancestors(path)) {
    const real = host.realpath(ancestor);
    if (real !== undefined) return rebase(path, ancestor, real);
  }
  return path;
}

/**
 * The spelling of a writable root: its top-level component resolved when it is an alias, nothing
 * deeper followed. A symlink below the top level is refused: a sandboxed process could retarget
 * it while the profile still names the old spelling (docs/reference.md#seatbelt-paths, newest hardening).
 */
export function writableRootSpelling(host: Host, root: string): string {
  const chain = ancestors(root).reverse();
  // chain[0] is `/`, chain[1] the top-level component; everything deeper must not be a symlink.
  for (const prefix of chain.slice(2)) {
    const kind = host.lstat(prefix);
    if (kind === undefined) break;
    if (kind === 'symlink') {
      const target = host.realpath(root);
      throw new UnsupportedPolicyError(
        `writable root ${root} contains symlink component ${prefix}; symlinked writable roots are not supported` +
          (target === undefined ? '' : `; name the real directory (${target}) instead`),
        { value: root, details: { root, component: prefix } },
      );
    }
  }
  const top = chain[1];
  if (top === undefined || host.lstat(top) !== 'symlink') return root;
  const realTop = host.realpath(top);
  return realTop === undefined ? root : rebase(root, top, realTop);
}

/** Directories strictly between `root` and `path` (both excluded), outermost first. */
export function ancestorsBetween(root: string, path: string): string[] {
  return ancestors(path)
    .slice(1)
    .filter((a) => a !== root && isWithin(a, root))
    .reverse();
}
