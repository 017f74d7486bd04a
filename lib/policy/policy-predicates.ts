// policy/policy-predicates: whole-policy questions answered from the symbolic entries
// (docs/reference.md#whole-policy-predicates): full disk read, full disk write, platform defaults.

import { normalizeAbsolute } from './paths';
import type { FileSystemEntry, FileSystemPolicy } from './types';

/**
 * A key such that two entries have the same key iff they are the "same target" of docs/reference.md#whole-policy-predicates: equal
 * paths, the same special, project roots with equal subpaths, equal unknown tokens, `:root` and
 * `/`, `:slash_tmp` and `/tmp`.
 */
export function targetKey(entry: FileSystemEntry): string | undefined {
  const p = entry.path;
  if (p.type === 'glob_pattern') return undefined;
  if (p.type === 'path') {
    const path = normalizeAbsolute(p.path);
    if (path === '/') return 'special:root';
    if (path === '/tmp') return 'special:slash_tmp';
    return `path:${path}`;
  }
  const v = p.value;
  switch (v.kind) {
    case 'project_roots':
      return `special:project_roots:${v.subpath ?? ''}`;
    case 'unknown':
      return `special:unknown:${v.path}:${v.subpath ?? ''}`;
    default:
      return `special:${v.kind}`;
  }
}

export function hasFullDiskRead(fs: FileSystemPolicy): boolean {
  if (fs.kind !== 'restricted') return true;
  let rootReadable = false;
  for (const entry of fs.entries) {
    if (entry.access === 'deny') return false;
    if (entry.path.type === 'special' && entry.path.value.kind === 'root') rootReadable = true;
  }
  return rootReadable;
}

export function hasFullDiskWrite(fs: FileSystemPolicy): boolean {
  if (fs.kind !== 'restricted') return true;
  const isRootWrite = (e: FileSystemEntry): boolean => e.access === 'write' && e.path.type === 'special' && e.path.value.kind === 'root';
  if (!fs.entries.some(isRootWrite)) return false;
  const writeTargets = new Set<string>();
  for (const entry of fs.entries) {
    const key = entry.access === 'write' ? targetKey(entry) : undefined;
    if (key !== undefined) writeTargets.add(key);
  }
  return !fs.entries.some((entry) => isWriteNarrowing(entry, writeTargets));
}

function isWriteNarrowing(entry: FileSystemEntry, writeTargets: Set<string>): boolean {
  if (entry.access === 'write') return false;
  const p = entry.path;
  if (p.type === 'glob_pattern') return true;
  if (p.type === 'special') {
    if (p.value.kind === 'minimal' || p.value.kind === 'unknown') return false;
    if (p.value.kind === 'root') return entry.access === 'deny';
  }
  // Only a same-target write of strictly higher access shadows it, so a deny always narrows.
  return entry.access === 'deny' || !writeTargets.has(targetKey(entry)!);
}

/** `fullDiskRead` may be passed when the caller knows more than the entries say (resolve.ts). */
export function includesPlatformDefaults(fs: FileSystemPolicy, fullDiskRead = hasFullDiskRead(fs)): boolean {
  if (fs.kind !== 'restricted' || fullDiskRead) return false;
  return fs.entries.some((e) => e.access !== 'deny' && e.path.type === 'special' && e.path.value.kind === 'minimal');
}
