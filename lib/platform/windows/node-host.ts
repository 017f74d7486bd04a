// platform/windows/node-host: the WindowsHostView backed by the live Host, for planning on Windows.
//
// On Windows, the Host's realpath is GetFinalPathNameByHandleW (fs.realpathSync.native): it
// resolves junctions and symlinks and expands 8.3 short names, which is what the planner needs
// for canonical roots. On other hosts the same calls answer for local paths, and Windows paths
// simply do not exist. Reads the file system, never writes it.

import { nodeHost } from '../../policy/node-host';
import type { WindowsHostView } from '../../policy/windows-host';

const MAX_POINTER_BYTES = 64 * 1024;

export function nodeWindowsHostView(): WindowsHostView {
  const host = nodeHost();
  return {
    finalPath: (path) => host.realpath(path),
    kind: (path) => {
      const kind = host.stat(path);
      if (kind === undefined) return undefined;
      return kind === 'dir' ? 'dir' : 'file';
    },
    listDir: (path) => host.readdir(path)?.map((entry) => entry.name),
    // A `.git` pointer is a small file; anything larger is not one. Read through the Host like
    // every other answer, so this view asks nothing the Host does not.
    readText: (path) => {
      if (host.stat(path) !== 'file') return undefined;
      const text = host.readFile(path);
      return text !== undefined && Buffer.byteLength(text, 'utf8') <= MAX_POINTER_BYTES ? text : undefined;
    },
  };
}
