// policy/resolve-windows: the Windows path flavour's stage of the one resolve pipeline
// (resolve.ts): a parsed SandboxPolicy resolved against a Windows cwd, for the Windows planner.
//
// The POSIX stage (resolve-entries.ts, effective-roots.ts) answers its questions for POSIX paths
// on the machine it runs on; the Windows backends need them answered for drive and UNC paths,
// case-insensitively, on a Windows host that planning may not be running on. This is
// deliberately the small subset the Windows gate and plans need (docs/reference.md#entry-resolution,
// #windows-resolution-and-gate), not a second policy core: entry resolution, the
// most-specific-entry decision, root readability, full-disk write, the effective writable roots
// with their carve-outs, unreadable roots and deny globs, and the legacy writable-root projection
// the unelevated backend is limited to.

import { PolicyInvalidError } from '../errors';
import type { FileSystemAccessMode, FileSystemEntry, Host, SandboxPolicy } from './types';
import { compileWindowsGlob } from './glob/compile-windows';
import type { WindowsHostView } from './windows-host';
import {
  formatWindowsPath,
  hasShortNameComponent,
  isWindowsPathWithin,
  joinWindowsSubpath,
  parseWindowsPath,
  tryParseWindowsPath,
  windowsPathKey,
  windowsPathsEqual,
  windowsVolumeRoot,
  type WindowsPath,
} from './windows-paths';

/** resolvePolicy's options for the Windows path flavour. */
export interface WindowsResolveOptions {
  flavour: 'windows';
  /** An absolute Windows path (drive or UNC). */
  cwd: string;
  /** The child's environment as given (TEMP, TMP, USERPROFILE are read from it). */
  env: Record<string, string>;
  /** This machine, for parsing: a legacy policy is projected at cwd, as in the POSIX flavour. */
  host: Host;
  /** The Windows host the paths name (final paths, `.git` pointers); the lexical view off Windows. */
  windowsHost: WindowsHostView;
}

/** What the Windows stage reads besides the policy. */
export interface WindowsStageOptions {
  cwd: string;
  env: Record<string, string>;
  host: WindowsHostView;
}

export interface WindowsEntry {
  /** Index in the policy's entry list. */
  index: number;
  path: WindowsPath;
  access: FileSystemAccessMode;
  /** How a person would name the entry: `:root`, `:project_roots/docs`, `C:\data`. */
  label: string;
  /** The special kind it came from, for same-target comparisons. */
  special: string | null;
}

export interface WindowsWritableRoot {
  /** Canonical (final path when the host knows it). */
  root: WindowsPath;
  /** Non-writable entries strictly below the root, canonical, in entry order. */
  readOnlySubpaths: WindowsPath[];
}

export interface WindowsResolvedPolicy {
  /** The parsed policy it was resolved from (the planner reads its network and kind). */
  policy: SandboxPolicy;
  cwd: WindowsPath;
  volumeRoot: WindowsPath;
  entries: WindowsEntry[];
  /** A `:minimal` entry can read: the policy asks for the platform defaults. */
  includePlatformDefaults: boolean;
  /** The cwd's volume root resolves to a readable access and no deny covers it (docs/reference.md#windows-resolution-and-gate). */
  rootReadable: boolean;
  fullDiskWrite: boolean;
  writableRoots: WindowsWritableRoot[];
  /** Writable roots as the legacy projection (cwd, TEMP/TMP, listed roots) would have them. */
  legacyWritableRoots: WindowsPath[] | null;
  /** Explicit readable entries (read or write) other than the volume root, canonical. */
  readableRoots: WindowsPath[];
  /** Deny entries whose own path is denied, except the volume root itself, canonical. */
  denyReadPaths: WindowsPath[];
  /** Absolute deny-read glob patterns. */
  denyReadGlobs: string[];
  warnings: string[];
}

const ACCESS_RANK: Record<FileSystemAccessMode, number> = { read: 0, write: 1, deny: 2 };

function envAbsolute(env: Record<string, string>, name: string): WindowsPath | null {
  const value = env[name];
  if (value === undefined || value === '') return null;
  return tryParseWindowsPath(value);
}

/** TEMP then TMP, absolute and distinct: what `:tmpdir` means on Windows (docs/reference.md#windows-resolution-and-gate). */
export function windowsTempDirs(env: Record<string, string>): WindowsPath[] {
  const out: WindowsPath[] = [];
  for (const name of ['TEMP', 'TMP']) {
    const p = envAbsolute(env, name);
    if (p !== null && !out.some((q) => windowsPathsEqual(p, q))) out.push(p);
  }
  return out;
}

/** The final path of the longest existing ancestor, with the rest re-appended (docs/reference.md#effective-roots). */
export function canonicalizeWindowsPath(p: WindowsPath, host: WindowsHostView): WindowsPath {
  for (let n = p.parts.length; n >= 0; n -= 1) {
    const ancestor: WindowsPath = { ...p, parts: p.parts.slice(0, n) };
    const final = host.finalPath(formatWindowsPath(ancestor));
    if (final === undefined) continue;
    const parsed = tryParseWindowsPath(final);
    if (parsed === null) continue;
    return { ...parsed, parts: [...parsed.parts, ...p.parts.slice(n)] };
  }
  return p;
}

function dedupe(paths: WindowsPath[]): WindowsPath[] {
  const out: WindowsPath[] = [];
  for (const p of paths) if (!out.some((q) => windowsPathsEqual(p, q))) out.push(p);
  return out;
}

function resolveGlob(pattern: string, cwd: WindowsPath, env: Record<string, string>): string {
  const text = pattern.replace(/\//g, '\\');
  if (/^~\\/.test(text)) {
    const home = envAbsolute(env, 'USERPROFILE');
    if (home === null) {
      throw new PolicyInvalidError(`deny-read glob "${pattern}" starts with ~ but USERPROFILE is not an absolute path; set USERPROFILE or spell the glob out`, { value: pattern });
    }
    return `${formatWindowsPath(home).replace(/\\$/, '')}\\${text.slice(2)}`;
  }
  if (/^[A-Za-z]:\\/.test(text) || text.startsWith('\\\\')) return text;
  return `${formatWindowsPath(cwd).replace(/\\$/, '')}\\${text}`;
}

/**
 * Resolves a parsed policy's entries against a Windows cwd; resolvePolicy runs it for the Windows
 * flavour. A policy that does not restrict the file system resolves to no entries (the gate
 * refuses it before resolution).
 */
export function resolveWindowsPolicy(policy: SandboxPolicy, opts: WindowsStageOptions): WindowsResolvedPolicy {
  const cwd = parseWindowsPath(opts.cwd, { flag: '--cwd' }, ['cwd']);
  const volumeRoot = windowsVolumeRoot(cwd);
  const warnings: string[] = [];
  const entries: WindowsEntry[] = [];
  const globs: string[] = [];
  let includePlatformDefaults = false;
  const fsEntries: FileSystemEntry[] = policy.fileSystem.kind === 'restricted' ? policy.fileSystem.entries : [];
  const legacyWrites: WindowsPath[] = [];
  let legacyHasWorkspaceWrite = false;

  fsEntries.forEach((entry, index) => {
    // Skip-if-missing entries are the default metadata protections; on Windows the ACL plan
    // protects existing metadata itself and never materializes missing ones (docs/reference.md#windows-resolution-and-gate).
    if (entry.missingPathBehavior === 'skip') return;
    const add = (path: WindowsPath, label: string, special: string | null): void => {
      entries.push({ index, path, access: entry.access, label, special });
    };
    const p = entry.path;
    if (p.type === 'path') {
      const parsed = parseWindowsPath(p.path, { flag: '--permission-profile' }, ['file_system', 'entries', index, 'path', 'path']);
      add(parsed, formatWindowsPath(parsed), null);
      if (entry.access === 'write') legacyWrites.push(parsed);
      if (entry.access === 'write' && windowsPathsEqual(parsed, cwd)) legacyHasWorkspaceWrite = true;
      return;
    }
    if (p.type === 'glob_pattern') {
      if (entry.access === 'deny') globs.push(resolveGlob(p.pattern, cwd, opts.env));
      else warnings.push(`glob entry "${p.pattern}" with ${entry.access} access is ignored: globs only deny reads`);
      return;
    }
    const v = p.value;
    switch (v.kind) {
      case 'root':
        add(volumeRoot, ':root', 'root');
        if (entry.access === 'write') legacyWrites.push(volumeRoot);
        return;
      case 'minimal':
        if (entry.access !== 'deny') includePlatformDefaults = true;
        return;
      case 'project_roots': {
        if (v.subpath === undefined || v.subpath === '' || v.subpath === '.') {
          add(cwd, ':project_roots', 'project_roots');
          if (entry.access === 'write') {
            legacyWrites.push(cwd);
            legacyHasWorkspaceWrite = true;
          }
          return;
        }
        const joined = joinWindowsSubpath(cwd, v.subpath);
        if (joined === null) {
          // A subpath that escapes the root fails closed: a non-write entry denies the root
          // itself, a write entry is dropped (docs/reference.md#entry-resolution [C]).
          warnings.push(
            `:project_roots subpath "${v.subpath}" is not a descendant path; ${entry.access === 'write' ? 'the write entry is dropped' : 'the project root is denied'}`,
          );
          if (entry.access !== 'write') entries.push({ index, path: cwd, access: 'deny', label: `:project_roots/${v.subpath}`, special: 'project_roots' });
          return;
        }
        add(joined, `:project_roots/${v.subpath}`, null);
        if (entry.access === 'write') legacyWrites.push(joined);
        return;
      }
      case 'tmpdir': {
        const temps = windowsTempDirs(opts.env);
        if (temps.length === 0) warnings.push(':tmpdir does not resolve: neither TEMP nor TMP is an absolute path');
        for (const t of temps) add(t, ':tmpdir', 'tmpdir');
        if (entry.access === 'write') legacyWrites.push(...temps);
        return;
      }
      case 'slash_tmp':
        // `/tmp` exists only on Unix (docs/reference.md#entry-resolution [C]); on Windows the entry resolves to nothing.
        return;
      case 'unknown':
        warnings.push(`special path "${v.path}" is not recognized and is ignored`);
        return;
    }
  });

  const decide = (target: WindowsPath): FileSystemAccessMode => {
    let best: WindowsEntry | null = null;
    for (const e of entries) {
      if (!isWindowsPathWithin(target, e.path)) continue;
      if (best === null || e.path.parts.length > best.path.parts.length || (e.path.parts.length === best.path.parts.length && ACCESS_RANK[e.access] > ACCESS_RANK[best.access])) {
        best = e;
      }
    }
    return best === null ? 'deny' : best.access;
  };

  const globRes = globs.map((g) => compileWindowsGlob(g));
  const rootText = formatWindowsPath(volumeRoot);
  const rootReadable = decide(volumeRoot) !== 'deny' && !globRes.some((re) => re.test(rootText) || re.test(rootText.replace(/\\$/, '')));

  const sameTargetWrite = (e: WindowsEntry): boolean => entries.some((w) => w.access === 'write' && windowsPathsEqual(w.path, e.path));
  const fullDiskWrite =
    entries.some((e) => e.special === 'root' && e.access === 'write') &&
    globs.length === 0 &&
    !entries.some((e) => e.access !== 'write' && (e.access === 'deny' || !sameTargetWrite(e)));

  const canon = (p: WindowsPath): WindowsPath => {
    const c = canonicalizeWindowsPath(p, opts.host);
    if (hasShortNameComponent(c)) {
      warnings.push(`"${formatWindowsPath(c)}" may contain an 8.3 short name that could not be expanded on this host; comparisons use it as spelled`);
    }
    return c;
  };

  const rawRoots = dedupe(entries.filter((e) => e.access === 'write' && decide(e.path) === 'write').map((e) => e.path));
  const writableRoots: WindowsWritableRoot[] = [];
  for (const raw of rawRoots) {
    const root = canon(raw);
    if (writableRoots.some((r) => windowsPathsEqual(r.root, root))) continue;
    const carve = entries.filter((e) => e.access !== 'write' && isWindowsPathWithin(e.path, raw) && e.path.parts.length > raw.parts.length && decide(e.path) !== 'write');
    writableRoots.push({ root, readOnlySubpaths: dedupe(carve.map((e) => canon(e.path))) });
  }

  const readableRoots = dedupe(entries.filter((e) => e.access !== 'deny' && e.special !== 'root' && decide(e.path) !== 'deny').map((e) => canon(e.path)));
  const denyReadPaths = dedupe(entries.filter((e) => e.access === 'deny' && decide(e.path) === 'deny' && !windowsPathsEqual(e.path, volumeRoot)).map((e) => canon(e.path)));

  // The legacy projection only exists when the workspace (cwd) is writable or nothing is: writes
  // elsewhere without it cannot be expressed as a legacy policy (docs/reference.md#legacy-conversion).
  let legacyWritableRoots: WindowsPath[] | null = null;
  if (legacyHasWorkspaceWrite || legacyWrites.length === 0) legacyWritableRoots = dedupe(legacyWrites.map(canon));

  return {
    policy,
    cwd,
    volumeRoot,
    entries,
    includePlatformDefaults,
    rootReadable,
    fullDiskWrite,
    writableRoots,
    legacyWritableRoots,
    readableRoots,
    denyReadPaths,
    denyReadGlobs: [...new Set(globs)].sort(),
    warnings: [...new Set(warnings)],
  };
}

/** Whether two root lists hold the same locations, ignoring order and case. */
export function sameWindowsPathSet(a: WindowsPath[], b: WindowsPath[]): boolean {
  const ka = new Set(a.map(windowsPathKey));
  const kb = new Set(b.map(windowsPathKey));
  return ka.size === kb.size && [...ka].every((k) => kb.has(k));
}
