// policy/paths: lexical path helpers shared by policy/, config/ and the platform planners.
//
// Everything here is pure string work: nothing touches the file system, symlinks are never
// resolved (docs/reference.md#absolute-paths, AbsolutePathBuf). POSIX paths are the main case; Windows drive and
// UNC paths are recognised and normalised with win32 rules so that they never break a caller, but
// Windows-specific semantics belong to the Windows planner.

import { posix, win32 } from 'node:path';
import { PolicyInvalidError } from '../errors';

const WINDOWS_ABSOLUTE = /^(?:[A-Za-z]:[\\/]|\\\\)/;

/** True for a Windows drive-absolute (`C:\x`, `C:/x`) or UNC (`\\server\share`) path. */
export function isWindowsAbsolutePath(path: string): boolean {
  return WINDOWS_ABSOLUTE.test(path);
}

/** True for `/x` and for Windows drive or UNC paths. `~` is not absolute: expand it first. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || isWindowsAbsolutePath(path);
}

/**
 * Removes `.` and `..` components, repeated and trailing separators. `..` at the root stays at the
 * root. Relative input is returned normalised but still relative; callers check isAbsolutePath.
 */
// Already-normal POSIX absolute paths are the common case (every resolved entry, every
// ancestor): recognising them avoids re-splitting on hot paths such as 10,000-entry policies.
const NEEDS_POSIX_NORMALISATION = /\/\/|\/\.\.?(?:\/|$)|.\/$/;

export function normalizeAbsolute(path: string): string {
  if (path.startsWith('/') && !NEEDS_POSIX_NORMALISATION.test(path)) return path;
  if (isWindowsAbsolutePath(path)) {
    const out = win32.normalize(path);
    // win32.normalize keeps a trailing separator; drop it except on a drive or share root.
    return out.length > 3 && /[\\]$/.test(out) && !/^\\\\[^\\]+\\[^\\]+\\$/.test(out) ? out.slice(0, -1) : out;
  }
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!absolute) parts.push('..');
      continue;
    }
    parts.push(part);
  }
  if (absolute) return `/${parts.join('/')}`;
  return parts.length === 0 ? '.' : parts.join('/');
}

/**
 * `~` is the home directory and `~/x` (or `~\x`) is home joined with x; extra separators after the
 * tilde are trimmed (`~//code` is `home/code`). Other paths, including `~user`, are returned as is,
 * and so is everything when `home` is unknown.
 */
export function expandHome(path: string, home: string | undefined): string {
  if (home === undefined || home === '') return path;
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith('~\\')) {
    const rest = path.slice(2).replace(/^[\\/]+/, '');
    return rest === '' ? home : joinPath(home, rest);
  }
  return path;
}

/** Joins a relative suffix onto an absolute base and normalises the result. */
export function joinPath(base: string, relative: string): string {
  if (base.startsWith('/')) return normalizeAbsolute(base === '/' ? `/${relative}` : `${base}/${relative}`);
  if (isWindowsAbsolutePath(base)) return normalizeAbsolute(win32.join(base, relative));
  return normalizeAbsolute(posix.join(base, relative));
}

/**
 * Expands `~`, keeps an absolute path (normalised), and joins a relative one onto `base`
 * (`./nested/../file.txt` against `/b` is `/b/file.txt`). A relative base is a programming error in
 * the caller, reported as the reference does: `path base must be absolute`.
 */
export function resolveAgainstBase(path: string, base: string, home: string | undefined): string {
  const expanded = expandHome(path, home);
  if (isAbsolutePath(expanded)) return normalizeAbsolute(expanded);
  if (!isAbsolutePath(base)) {
    throw new PolicyInvalidError(`path base must be absolute: "${base}"; pass an absolute directory`, {
      value: base,
    });
  }
  return joinPath(base, expanded);
}

function separatorOf(path: string): '/' | '\\' {
  return !path.startsWith('/') && isWindowsAbsolutePath(path) ? '\\' : '/';
}

/** The root of an absolute path: `/`, `C:\` or `\\server\share\`. */
export function filesystemRoot(path: string): string {
  if (path.startsWith('/') || !isWindowsAbsolutePath(path)) return '/';
  return win32.parse(normalizeAbsolute(path)).root;
}

/**
 * Component-wise prefix test on normalised absolute paths: `/a/b/c` is within `/a/b` and `/a/b`
 * is within itself, but `/a/bc` is not within `/a/b`.
 */
export function isWithin(child: string, parent: string): boolean {
  if (child === parent) return true;
  const sep = separatorOf(parent);
  const prefix = parent.endsWith(sep) ? parent : parent + sep;
  return child.startsWith(prefix);
}

/** Number of components, counting the root: `/` is 1, `/a` is 2 (docs/reference.md#precedence). */
export function pathDepth(path: string): number {
  const root = filesystemRoot(path);
  if (path === root) return 1;
  const rest = path.slice(root.length);
  let depth = 2;
  const sep = separatorOf(path);
  for (let i = 0; i < rest.length; i++) if (rest[i] === sep) depth++;
  return depth;
}

/** The parent of a normalised absolute path, or undefined for a filesystem root. */
export function parentPath(path: string): string | undefined {
  const root = filesystemRoot(path);
  if (path === root) return undefined;
  const sep = separatorOf(path);
  const cut = path.lastIndexOf(sep);
  return cut < root.length ? root : path.slice(0, cut);
}

/** The path itself, then each ancestor up to the root: `/a/b` gives `/a/b`, `/a`, `/`. */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  let current: string | undefined = path;
  while (current !== undefined) {
    out.push(current);
    current = parentPath(current);
  }
  return out;
}

/** The part of `child` below `parent` (`''` when equal); undefined when child is not within it. */
export function relativeSuffix(child: string, parent: string): string | undefined {
  if (child === parent) return '';
  if (!isWithin(child, parent)) return undefined;
  const sep = separatorOf(parent);
  return child.slice(parent.endsWith(sep) ? parent.length : parent.length + 1);
}

/** The last component (`/a/b` gives `b`; a root gives itself). */
export function baseName(path: string): string {
  const sep = separatorOf(path);
  const cut = path.lastIndexOf(sep);
  return cut < 0 || path === filesystemRoot(path) ? path : path.slice(cut + 1);
}
