// A Host over an in-memory tree, for policy tests that do not need a real file system.
import { ancestors, isAbsolutePath, joinPath, normalizeAbsolute } from '../../../lib/policy/paths';
import type { Host } from '../../../lib/policy/types';

export interface FakeTree {
  dirs?: string[];
  files?: Record<string, string>;
  /** Symlink path -> target (absolute, or relative to the link's directory). */
  symlinks?: Record<string, string>;
  env?: Record<string, string>;
  home?: string;
  cwd?: string;
}

export function fakeHost(tree: FakeTree = {}): Host {
  const dirs = new Set<string>(['/']);
  for (const d of tree.dirs ?? []) for (const a of ancestors(d)) dirs.add(a);
  const files = new Map(Object.entries(tree.files ?? {}));
  for (const f of files.keys()) for (const a of ancestors(f).slice(1)) dirs.add(a);
  const links = new Map(Object.entries(tree.symlinks ?? {}));
  for (const l of links.keys()) for (const a of ancestors(l).slice(1)) dirs.add(a);

  const resolve = (path: string, depth = 0): string | undefined => {
    if (depth > 40) return undefined;
    const parts = path.split('/').filter((p) => p !== '');
    let current = '/';
    for (const part of parts) {
      const next = joinPath(current, part);
      const target = links.get(next);
      if (target !== undefined) {
        const abs = isAbsolutePath(target) ? normalizeAbsolute(target) : joinPath(current, target);
        const real = resolve(abs, depth + 1);
        if (real === undefined) return undefined;
        current = real;
      } else if (dirs.has(next) || files.has(next)) {
        current = next;
      } else {
        return undefined;
      }
    }
    return current;
  };
  const kind = (real: string): 'file' | 'dir' => (files.has(real) ? 'file' : 'dir');
  return {
    processCwd: () => tree.cwd ?? '/proc-cwd',
    homeDir: () => tree.home,
    env: (name) => tree.env?.[name],
    lstat: (path) => {
      if (links.has(path)) {
        const parent = resolve(ancestors(path)[1] ?? '/');
        return parent === undefined ? undefined : 'symlink';
      }
      const real = resolve(path);
      if (real === undefined) return undefined;
      return kind(real);
    },
    stat: (path) => {
      const real = resolve(path);
      return real === undefined ? undefined : kind(real);
    },
    realpath: (path) => resolve(path),
    readFile: (path) => {
      const real = resolve(path);
      return real === undefined ? undefined : files.get(real);
    },
    readdir: () => undefined,
    isEmpty: () => false,
  };
}
