// A ConfigReader over an in-memory tree: files by absolute path, directories implied by the files
// plus any listed explicitly. `unreadable` paths throw EACCES, as a real unreadable file does.
import * as nodePath from 'node:path';
import type { ConfigReader } from '../../../lib/config/reader';

export interface FakeTree {
  files?: Record<string, string>;
  dirs?: string[];
  unreadable?: string[];
  /** Symlinks: alias → real path (used by realpath). */
  links?: Record<string, string>;
}

export function fakeReader(tree: FakeTree): ConfigReader & { reads: string[] } {
  const files = tree.files ?? {};
  const dirs = new Set<string>(tree.dirs ?? []);
  for (const file of Object.keys(files)) {
    for (let d = nodePath.dirname(file); ; d = nodePath.dirname(d)) {
      dirs.add(d);
      if (nodePath.dirname(d) === d) break;
    }
  }
  const real = (p: string): string => {
    for (const [alias, target] of Object.entries(tree.links ?? {})) {
      if (p === alias || p.startsWith(`${alias}/`)) return target + p.slice(alias.length);
    }
    return p;
  };
  const reads: string[] = [];
  return {
    reads,
    readFile(path) {
      reads.push(path);
      if ((tree.unreadable ?? []).includes(path)) {
        throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
      }
      return files[real(path)];
    },
    stat(path) {
      const p = real(path);
      if (p in files) return 'file';
      return dirs.has(p) ? 'dir' : undefined;
    },
    realpath(path) {
      const p = real(path);
      return p in files || dirs.has(p) ? p : undefined;
    },
  };
}
