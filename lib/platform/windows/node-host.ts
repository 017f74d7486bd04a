// platform/windows/node-host: the WindowsHostView backed by node:fs, for planning on Windows.
//
// On Windows, fs.realpathSync.native is GetFinalPathNameByHandleW: it resolves junctions and
// symlinks and expands 8.3 short names, which is what the planner needs for canonical roots. On
// other hosts the same calls answer for local paths, and Windows paths simply do not exist.
// May import this folder only; reads the file system, never writes it.

import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import type { WindowsHostView } from './host';

const MAX_POINTER_BYTES = 64 * 1024;

export function nodeWindowsHostView(): WindowsHostView {
  return {
    finalPath: (path) => {
      try {
        return realpathSync.native(path);
      } catch {
        return undefined;
      }
    },
    kind: (path) => {
      try {
        const st = statSync(path);
        return st.isDirectory() ? 'dir' : 'file';
      } catch {
        return undefined;
      }
    },
    listDir: (path) => {
      try {
        return readdirSync(path);
      } catch {
        return undefined;
      }
    },
    readText: (path) => {
      try {
        const st = statSync(path);
        return st.isFile() && st.size <= MAX_POINTER_BYTES ? readFileSync(path, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
