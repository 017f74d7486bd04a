// platform/linux/path-order: the lexical path relations the mount planner orders by. Paths here
// are absolute and already normalized by the policy resolver, so plain string work is exact.
import { posix } from 'node:path';

/** Number of components: `/` is 0, `/a/b` is 2. */
export function depthOf(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}

/** True when `path` is `root` or lies below it (component-wise, so `/ab` is not in `/a`). */
export function within(path: string, root: string): boolean {
  if (root === '/') return path.startsWith('/');
  return path === root || path.startsWith(`${root}/`);
}

/** `path` rewritten from below `from` to below `to` (for carve-outs of a symlinked root). */
export function rebase(path: string, from: string, to: string): string {
  if (path === from) return to;
  return posix.join(to, path.slice(from.length));
}

/** Every ancestor strictly below `top` down to and including `path`, shallow first. */
export function chainBelow(top: string, path: string): string[] {
  const out: string[] = [];
  let current = path;
  while (current !== top && within(current, top) && current !== '/') {
    out.push(current);
    current = posix.dirname(current);
  }
  return out.reverse();
}

/** Depth ascending, then by path, so plans are deterministic. */
export function byDepth(a: string, b: string): number {
  return depthOf(a) - depthOf(b) || (a < b ? -1 : a > b ? 1 : 0);
}
