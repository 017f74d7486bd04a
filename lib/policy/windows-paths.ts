// policy/windows-paths: Windows path syntax for the Windows resolution and planners, on any host.
//
// paths.ts is POSIX-oriented, so everything Windows-specific about a path lives here:
// drive letters, UNC shares, the `\\?\` verbatim prefixes, forward slashes, case-insensitive
// comparison, 8.3 short names and the Win32 trailing-dot rule. Pure: reading the real file
// system (junctions, short-name expansion) goes through the WindowsHostView in windows-host.ts.

import { PolicyInvalidError, type ErrorSource } from '../errors';

/** An absolute Windows path split into its root and its normal components. */
export interface WindowsPath {
  /** 'drive' for `C:\...`, 'unc' for `\\server\share\...`. */
  kind: 'drive' | 'unc';
  /** `C:` for a drive (letter upper-cased), `\\server\share` for a share. */
  root: string;
  parts: string[];
}

// Win32 refuses these in file names; a policy path containing one names no file.
const INVALID_NAME_CHARS = /[<>"|?*\u0000-\u001f]/;

/** True when `text` is an absolute Windows path this module can represent. */
export function isWindowsAbsolute(text: string): boolean {
  return tryParseWindowsPath(text) !== null;
}

/**
 * Parses an absolute Windows path, or returns null for anything else: relative paths,
 * drive-relative `C:x`, root-relative `\x`, device paths (`\\.\`, `\\?\GLOBALROOT`), volume GUID
 * paths and names with characters Win32 refuses.
 */
export function tryParseWindowsPath(text: string): WindowsPath | null {
  let rest = text.replace(/\//g, '\\');
  // `\\?\` and `\??\` skip Win32 normalization; the reference strips the supported forms
  // (`\\?\D:\x` is `D:\x`, `\\?\UNC\s\sh` is `\\s\sh`) and refuses the rest (docs/reference.md#absolute-paths).
  const verbatim = /^\\(?:\\\?|\?\?)\\/.exec(rest);
  if (verbatim !== null) {
    rest = rest.slice(verbatim[0].length);
    if (/^UNC\\/i.test(rest)) rest = `\\\\${rest.slice(4)}`;
    else if (!/^[A-Za-z]:(\\|$)/.test(rest)) return null;
  }
  let kind: WindowsPath['kind'];
  let root: string;
  let tail: string;
  const drive = /^([A-Za-z]):(\\|$)/.exec(rest);
  if (drive !== null) {
    kind = 'drive';
    root = `${drive[1].toUpperCase()}:`;
    tail = rest.slice(drive[0].length);
  } else if (rest.startsWith('\\\\')) {
    const segs = rest.slice(2).split('\\');
    const server = segs[0];
    const share = segs[1];
    // `\\.\` is the device namespace and `\\?\` was handled above: neither names a share.
    if (server === undefined || share === undefined || server === '' || share === '') return null;
    if (server === '.' || server === '?') return null;
    kind = 'unc';
    root = `\\\\${server}\\${share}`;
    tail = segs.slice(2).join('\\');
  } else {
    return null;
  }
  const parts: string[] = [];
  for (const raw of tail.split('\\')) {
    if (raw === '' || raw === '.') continue;
    if (raw === '..') {
      // Win32 clamps `..` at the root: `C:\..\x` is `C:\x`.
      parts.pop();
      continue;
    }
    // Win32 drops trailing dots and spaces from each component, so `secret.` and `secret `
    // open `secret`: keep one spelling so a deny on one is a deny on all.
    const name = raw.replace(/[. ]+$/, '');
    if (name === '') continue;
    if (INVALID_NAME_CHARS.test(name)) return null;
    // A colon after the root selects an alternate data stream, never a directory.
    if (name.includes(':')) return null;
    parts.push(name);
  }
  return { kind, root, parts };
}

/** Parses an absolute Windows path or throws E_POLICY_INVALID naming the value and its source. */
export function parseWindowsPath(text: string, source: ErrorSource, path: (string | number)[] = []): WindowsPath {
  const parsed = tryParseWindowsPath(text);
  if (parsed === null) {
    throw new PolicyInvalidError(`"${text}" is not an absolute Windows path; use a drive path such as C:\\work or a share such as \\\\server\\share`, {
      source,
      path,
      value: text,
    });
  }
  return parsed;
}

/** Renders a parsed path: `C:\`, `C:\a\b`, `\\server\share\`, `\\server\share\a`. */
export function formatWindowsPath(p: WindowsPath): string {
  if (p.parts.length === 0) return `${p.root}\\`;
  return `${p.root}\\${p.parts.join('\\')}`;
}

/** Normalizes an absolute Windows path to its one spelling, or returns null if it is not one. */
export function normalizeWindowsPath(text: string): string | null {
  const parsed = tryParseWindowsPath(text);
  return parsed === null ? null : formatWindowsPath(parsed);
}

// NTFS compares names through its upcase table; Unicode upper-casing is the closest pure model.
function foldName(name: string): string {
  return name.toUpperCase();
}

/** True when two absolute paths name the same location, ignoring case. */
export function windowsPathsEqual(a: WindowsPath, b: WindowsPath): boolean {
  return a.parts.length === b.parts.length && isWindowsPathWithin(a, b);
}

/** Component-wise, case-insensitive prefix test: is `child` equal to or below `parent`? */
export function isWindowsPathWithin(child: WindowsPath, parent: WindowsPath): boolean {
  if (foldName(child.root) !== foldName(parent.root)) return false;
  if (parent.parts.length > child.parts.length) return false;
  return parent.parts.every((part, i) => foldName(part) === foldName(child.parts[i]));
}

/**
 * The key the reference uses for per-root state (cap_sid map): lower-cased, forward slashes,
 * no trailing slash. Two spellings of one directory share a key.
 */
export function windowsPathKey(p: WindowsPath): string {
  return formatWindowsPath(p).toLowerCase().replace(/\\/g, '/').replace(/\/$/, '');
}

/** The root of the path's volume: `C:\` or `\\server\share\`. */
export function windowsVolumeRoot(p: WindowsPath): WindowsPath {
  return { kind: p.kind, root: p.root, parts: [] };
}

/**
 * Joins a relative subpath below an absolute path. Returns null when the subpath is absolute,
 * drive-qualified, or climbs out of `base`, since such a subpath names something else.
 */
export function joinWindowsSubpath(base: WindowsPath, subpath: string): WindowsPath | null {
  const segs = subpath.replace(/\//g, '\\').split('\\');
  if (subpath.startsWith('\\') || subpath.startsWith('/') || subpath.includes(':')) return null;
  const parts = [...base.parts];
  for (const raw of segs) {
    if (raw === '' || raw === '.') continue;
    if (raw === '..') return null;
    const name = raw.replace(/[. ]+$/, '');
    if (name === '' || INVALID_NAME_CHARS.test(name)) return null;
    parts.push(name);
  }
  return { kind: base.kind, root: base.root, parts };
}

/** The path's components below `parent`, or null if it is not below it. */
export function relativeWindowsParts(child: WindowsPath, parent: WindowsPath): string[] | null {
  return isWindowsPathWithin(child, parent) ? child.parts.slice(parent.parts.length) : null;
}

// 8.3 aliases look like `PROGRA~1` or `RUNNER~1.TXT`: up to six characters, `~`, digits,
// an optional extension of up to three. Long names can look like this too; a match means
// "may be an alias", so callers canonicalize before trusting a comparison.
const SHORT_NAME = /^[^~.\\]{1,6}~\d{1,6}(\.[^.\\]{0,3})?$/;

/** True when some component may be an 8.3 short alias (e.g. `C:\PROGRA~1`, `RUNNER~1`). */
export function hasShortNameComponent(p: WindowsPath): boolean {
  return p.parts.some((part) => SHORT_NAME.test(part));
}
