// apply-patch/os-error-text: renders a Node fs error the way Rust's io::Error displays it
// ("No such file or directory (os error 2)"), because the reference embeds that text in
// `Failed to read file to update <path>: <os error>` and tools compare the whole line.

import { constants } from 'node:os';

// strerror(3) texts (glibc) for the errors a file read or write can realistically produce.
const STRERROR: Record<string, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'Input/output error',
  EACCES: 'Permission denied',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  EMFILE: 'Too many open files',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ENAMETOOLONG: 'File name too long',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  EBUSY: 'Device or resource busy',
  ETXTBSY: 'Text file busy',
  EDQUOT: 'Disk quota exceeded',
};

export function osErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') {
    const errno = (constants.errno as Record<string, number>)[code];
    const text = STRERROR[code] ?? code;
    return errno === undefined ? text : `${text} (os error ${errno})`;
  }
  return err instanceof Error ? err.message : String(err);
}
