// policy/node-host-view: the real HostView, backed by read-only node:fs and node:os calls.
// This is the only file in policy/ that touches the host; everything else receives a HostView.

import { lstatSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import type { HostView } from './types';

function kindOf(stats: Stats): 'file' | 'dir' | 'other' {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  return 'other';
}

/** A HostView over the live file system and environment of this process. */
export function nodeHostView(env: NodeJS.ProcessEnv = process.env): HostView {
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
        if (stats === undefined) return undefined;
        return { kind: stats.isSymbolicLink() ? 'symlink' : kindOf(stats) };
      } catch {
        return undefined;
      }
    },
    stat: (path) => {
      try {
        const stats = statSync(path, { throwIfNoEntry: false });
        return stats === undefined ? undefined : { kind: kindOf(stats) };
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
  };
}
