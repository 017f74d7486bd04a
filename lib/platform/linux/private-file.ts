// platform/linux/private-file: files whose contents decide what this package does next (the
// namespaces probe answer, the bins' code cache, which uses this on macOS too) are read only when
// their owner is the expected one and nobody else can write them, never through a symlink, and
// written whole or not at all. POSIX only.
import { closeSync, constants, fstatSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

/** The file's contents when it is a regular file of `ownerUid` without group or other write; else undefined. */
export function readPrivateFile(path: string, ownerUid: number, maxBytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.uid !== ownerUid || (st.mode & 0o022) !== 0 || st.size > maxBytes) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `data` to a new file beside `path` and renames it over `path`, so a concurrent reader sees
 * the old file or the new one. Best effort: false (and nothing left behind) when it cannot.
 */
export function replaceFile(path: string, data: string | Buffer, mode: number): boolean {
  const temp = `${path}.${process.pid}`;
  try {
    writeFileSync(temp, data, { mode, flag: 'wx' });
    renameSync(temp, path);
    return true;
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // Never written.
    }
    return false;
  }
}
