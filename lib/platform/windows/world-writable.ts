// platform/windows/world-writable: the world-writable audit of the restricted-token backend
// (docs/reference.md#windows-restricted-token, `apply_world_writable_scan_and_denies`).
//
// The token's restricting SIDs include Everyone and the logon SID (docs/reference.md#windows-restricted-token), so a directory whose
// DACL lets Everyone write stays writable to the sandbox. Before each run the runner looks at the
// directories listed here and adds a deny-write ACE for the token's capability SIDs on each one
// that Everyone may write, outside the writable roots. Which directories, limits and exclusions
// is decided here; the runner only reads DACLs and applies the ACE. Best effort, as in the
// reference: a directory the user may not change the DACL of stays writable, and the runner says
// so on stderr. May import policy and this folder.

import { getWindowsEnv } from './child-env';
import { formatWindowsPath, isWindowsPathWithin, tryParseWindowsPath, type WindowsPath } from '../../policy/windows-paths';
import { MASK_DENY_WRITE } from './security-ids';

export interface AuditScan {
  path: string;
  /** Check the directory itself. */
  self: boolean;
  /** Check each direct child directory. */
  children: boolean;
}

export interface WorldWritableAudit {
  scan: AuditScan[];
  /** Path suffixes (after the volume root, lower case) never examined. */
  skipSuffixes: string[];
  /**
   * Writable roots: nothing at, below or above them is denied, since an inherited deny would
   * beat their allow; a flagged directory above a writable root stays writable and is reported.
   */
  exclude: string[];
  principals: string[];
  mask: number;
  /** The reference's budget: 2 s, 50,000 checks, 1,000 entries per directory. */
  maxMillis: number;
  maxChecks: number;
  maxEntriesPerDir: number;
}

const SKIP_SUFFIXES = ['\\windows\\installer', '\\windows\\registration', '\\programdata'];

/**
 * The audit for one plan: the cwd's children, TEMP, TMP, USERPROFILE, PUBLIC, each PATH entry
 * (split on `;`, not on the host's path delimiter: the reference once split on `:` and missed
 * entries), the system drive root and SystemRoot, each with one level below.
 */
export function planWorldWritableAudit(cwd: WindowsPath, env: Record<string, string>, writableRoots: WindowsPath[], principals: string[]): WorldWritableAudit {
  const scan: AuditScan[] = [];
  const add = (p: WindowsPath | null, self: boolean): void => {
    if (p === null) return;
    const path = formatWindowsPath(p);
    const existing = scan.find((s) => s.path.toUpperCase() === path.toUpperCase());
    if (existing !== undefined) existing.self = existing.self || self;
    else scan.push({ path, self, children: true });
  };
  add(cwd, false);
  for (const name of ['TEMP', 'TMP', 'USERPROFILE', 'PUBLIC']) add(tryParseWindowsPath(getWindowsEnv(env, name) ?? ''), true);
  for (const entry of (getWindowsEnv(env, 'PATH') ?? '').split(';')) add(tryParseWindowsPath(entry.trim()), true);
  add(tryParseWindowsPath(`${getWindowsEnv(env, 'SystemDrive') ?? 'C:'}\\`), true);
  add(tryParseWindowsPath(getWindowsEnv(env, 'SystemRoot') ?? 'C:\\Windows'), true);
  // A scanned directory inside a writable root is writable on purpose: leave it out entirely.
  const kept = scan.filter((s) => {
    const p = tryParseWindowsPath(s.path) as WindowsPath;
    return !writableRoots.some((r) => isWindowsPathWithin(p, r));
  });
  return {
    scan: kept,
    skipSuffixes: SKIP_SUFFIXES,
    exclude: writableRoots.map(formatWindowsPath),
    principals,
    mask: MASK_DENY_WRITE,
    maxMillis: 2000,
    maxChecks: 50_000,
    maxEntriesPerDir: 1000,
  };
}
