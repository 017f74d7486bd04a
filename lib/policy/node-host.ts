// policy/node-host: the real Host, backed by read-only node:fs and node:os calls. The only file
// in lib/ that answers Host questions from the live machine; everything else receives a Host.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';

import type { Host, HostKind } from './types';

function kindOf(st: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): HostKind {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  return 'other';
}

/** A Host over the live file system and the given environment (default: this process's). */
export function nodeHost(env: NodeJS.ProcessEnv = process.env): Host {
  return {
    processCwd: () => process.cwd(),
    homeDir: () => {
      const fromEnv = env.HOME;
      if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
      try {
        return homedir();
      } catch {
        return undefined;
      }
    },
    env: (name) => env[name],
    lstat: (path) => {
      try {
        const stats = lstatSync(path, { throwIfNoEntry: false });
        return stats === undefined ? undefined : kindOf(stats);
      } catch {
        return undefined;
      }
    },
    stat: (path) => {
      try {
        const stats = statSync(path, { throwIfNoEntry: false });
        if (stats === undefined) return undefined;
        const kind = kindOf(stats);
        return kind === 'symlink' ? 'other' : kind;
      } catch {
        // ELOOP, EACCES, ENOTDIR: the path cannot be reached, which policy treats as missing.
        return undefined;
      }
    },
    realpath: (path) => {
      try {
        return realpathSync.native(path);
      } catch {
        return undefined;
      }
    },
    readFile: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    readdir: (path) => {
      try {
        return readdirSync(path, { withFileTypes: true }).map((d) => ({ name: d.name, kind: kindOf(d) }));
      } catch {
        return undefined;
      }
    },
    isEmpty: (path) => {
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
