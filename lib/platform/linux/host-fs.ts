// platform/linux/host-fs: the read-only view of the host filesystem that the Linux planner needs
// (existence, symlinks, directory listings for deny globs). Injected so planner tests can use a
// real temporary tree or a fake, and so the planner itself never mutates or spawns anything.
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';

export type HostKind = 'file' | 'dir' | 'symlink' | 'other';

export interface LinuxHostFs {
  /** Does not follow a final symlink; undefined when the path does not exist. */
  lstat(path: string): HostKind | undefined;
  /** Follows symlinks; undefined when the path (or its target) does not exist. */
  stat(path: string): Exclude<HostKind, 'symlink'> | undefined;
  realpath(path: string): string | undefined;
  /** Entries of a directory (no `.`/`..`) with their lstat kind; undefined when unreadable. */
  readdir(path: string): { name: string; kind: HostKind }[] | undefined;
  /** True when the path is an empty regular file or an empty directory. */
  isEmpty(path: string): boolean;
}

function kindOf(st: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): HostKind {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  return 'other';
}

/** The real host, through node:fs. */
export function nodeLinuxHostFs(): LinuxHostFs {
  return {
    lstat(path) {
      try {
        return kindOf(lstatSync(path));
      } catch {
        return undefined;
      }
    },
    stat(path) {
      try {
        const kind = kindOf(statSync(path));
        return kind === 'symlink' ? 'other' : kind;
      } catch {
        return undefined;
      }
    },
    realpath(path) {
      try {
        return realpathSync(path);
      } catch {
        return undefined;
      }
    },
    readdir(path) {
      try {
        return readdirSync(path, { withFileTypes: true }).map((d) => ({ name: d.name, kind: kindOf(d) }));
      } catch {
        return undefined;
      }
    },
    isEmpty(path) {
      try {
        const st = lstatSync(path);
        if (st.isFile()) return st.size === 0;
        if (st.isDirectory()) return readdirSync(path).length === 0;
        return false;
      } catch {
        return false;
      }
    },
  };
}
