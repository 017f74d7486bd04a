// policy/explain: the decision for one path and one access, and what decided it. This is the
// oracle every enforcement backend is tested against, so it reads only the ResolvedPolicy:
//   1. an unrestricted or external-sandbox file system allows everything;
//   2. a matching deny glob denies (reads and writes), whatever entries say; a malformed glob
//      denies every path (fail closed);
//   3. otherwise the most specific entry covering the path decides (deny > write > read at equal
//      depth); nothing covering it is a deny;
//   3a. where that deny is only the default (no entry, or just a deny of the file-system root,
//      which enforcers never materialise), the platform defaults of a readable `:minimal` are
//      readable. They never override an explicit deny of another path (bwrap masks unreadable
//      roots after binding the defaults) and never take write access away;
//   4. a write that the entries allow is still refused at or under `<writable root>/<protected
//      name>` (or a protected gitdir target) unless a write entry at or below that path covers it.

import { PolicyInvalidError } from '../errors';
import { type AccessIndex, buildAccessIndex, deepestEntry, protectedWriteBlock } from './access-index';
import { compileGlob, type GlobMatcher } from './glob/to-regexp';
import { ancestors, filesystemRoot, isWithin, joinPath, relativeSuffix, resolveAgainstBase } from './paths';
import type { Decision, FileSystemEntry, Host, ResolvedEntry, ResolvedPolicy } from './types';
import { checkResolvedPolicy } from './typed-schema';

interface Compiled {
  index: AccessIndex;
  globs: GlobMatcher[];
  /** The platform default read roots, as read entries of the `:minimal` entry. */
  platformDefaults: ResolvedEntry[];
}

// ResolvedPolicy is plain data; the index is derived once per object (and per host for the
// canonical spelling) and kept beside it.
const lexicalCache = new WeakMap<ResolvedPolicy, Compiled>();
const canonicalCache = new WeakMap<ResolvedPolicy, WeakMap<Host, Compiled>>();

function platformDefaultEntries(resolved: ResolvedPolicy): ResolvedEntry[] {
  const fs = resolved.policy.fileSystem;
  if (fs.kind !== 'restricted' || !resolved.includePlatformDefaults) return [];
  const minimalIndex = fs.entries.findIndex((e) => e.access !== 'deny' && e.path.type === 'special' && e.path.value.kind === 'minimal');
  const minimal: FileSystemEntry | undefined = fs.entries[minimalIndex];
  if (minimal === undefined) return [];
  return (resolved.platformDefaultReadRoots ?? []).map((path) => ({
    path,
    access: 'read',
    origin: { kind: 'entry', index: minimalIndex, entry: minimal, label: ':minimal' },
  }));
}

function compile(resolved: ResolvedPolicy): Compiled {
  const cached = lexicalCache.get(resolved);
  if (cached !== undefined) return cached;
  const out: Compiled = {
    index: buildAccessIndex(resolved.entries, resolved.protectedPaths ?? []),
    globs: resolved.unreadableGlobs.map((p) => compileGlob(p)),
    platformDefaults: platformDefaultEntries(resolved),
  };
  lexicalCache.set(resolved, out);
  return out;
}

/**
 * The same rules with every entry and protected path spelled canonically on this host, so a
 * canonical candidate is compared with canonical rules (on macOS `/tmp` entries become
 * `/private/tmp`, as the enforcers see them).
 */
function compileCanonical(resolved: ResolvedPolicy, host: Host): Compiled {
  let perHost = canonicalCache.get(resolved);
  if (perHost === undefined) {
    perHost = new WeakMap();
    canonicalCache.set(resolved, perHost);
  }
  const cached = perHost.get(host);
  if (cached !== undefined) return cached;
  const canonical = <T extends { path: string }>(item: T): T => ({ ...item, path: canonicalExisting(item.path, host) });
  const out: Compiled = {
    index: buildAccessIndex(resolved.entries.map(canonical), (resolved.protectedPaths ?? []).map(canonical)),
    globs: compile(resolved).globs,
    platformDefaults: platformDefaultEntries(resolved).map(canonical),
  };
  perHost.set(host, out);
  return out;
}

/** Absolutizes and lexically normalises a candidate path against the policy's cwd. */
export function candidatePath(resolved: ResolvedPolicy, path: string): string {
  if (typeof path !== 'string' || path === '' || path.includes('\0')) {
    throw new PolicyInvalidError(`invalid path to explain ${JSON.stringify(path)}; pass a non-empty path without NUL bytes`, {
      value: path,
    });
  }
  return resolveAgainstBase(path, resolved.cwd, undefined);
}

export interface ExplainOptions {
  /**
   * The host whose symlinks are followed (the public entry defaults it to this machine). The candidate's
   * canonical spelling (symlinks followed, as the kernel does) is decided too, against the
   * canonical spelling of the rules, and access is allowed only if both allow it: a symlink
   * inside a writable root that points at a read-only or denied path is refused, as enforcement
   * refuses it (the reference's read-deny matcher compares both spellings as well). `null`
   * decides the spelling as given only (a policy about another machine).
   */
  host: Host | null;
}

export function explain(resolved: ResolvedPolicy, path: string, access: 'read' | 'write', opts: ExplainOptions): Decision {
  checkResolvedPolicy(resolved);
  if (access !== 'read' && access !== 'write') {
    throw new PolicyInvalidError(`invalid access ${JSON.stringify(access)}; use "read" or "write"`, { value: access });
  }
  const lexical = decide(resolved, compile(resolved), candidatePath(resolved, path), access);
  const { host } = opts;
  if (host === null || !lexical.allowed) return lexical;
  const real = canonicalExisting(lexical.path, host);
  if (real === lexical.path) return lexical;
  // An entry that names a symlink grants its target under the link's name (bwrap and the
  // helper bind the target there), so a path reached through that link is the entry's to decide.
  const by = lexical.decidedBy;
  if (by.kind === 'entry' && isWithin(lexical.path, by.path) && host.lstat(by.path) === 'symlink') return lexical;
  const viaTarget = decide(resolved, compileCanonical(resolved, host), real, access);
  if (viaTarget.allowed) return lexical;
  return { ...viaTarget, path: lexical.path, reason: `${viaTarget.reason} (${lexical.path} resolves to ${real})` };
}

/** The realpath of the longest existing ancestor, with the missing rest re-appended. */
function canonicalExisting(path: string, host: Host): string {
  for (const ancestor of ancestors(path)) {
    const real = host.realpath(ancestor);
    if (real === undefined) continue;
    const rest = relativeSuffix(path, ancestor)!;
    return rest === '' ? real : joinPath(real, rest);
  }
  return path;
}

function decide(resolved: ResolvedPolicy, compiled: Compiled, candidate: string, access: 'read' | 'write'): Decision {
  const base = { path: candidate, requested: access };
  const fs = resolved.policy.fileSystem;
  if (fs.kind !== 'restricted') {
    return {
      ...base,
      allowed: true,
      effective: 'write',
      decidedBy: { kind: 'unrestricted' },
      reason: `${access} allowed: the file system is ${fs.kind === 'unrestricted' ? 'unrestricted' : 'sandboxed externally'}`,
    };
  }
  const { index, globs } = compiled;
  const glob = globs.find((g) => g.matches(candidate));
  if (glob !== undefined) {
    const why = glob.valid ? `${candidate} matches deny glob ${glob.pattern}` : `deny glob ${glob.pattern} is malformed, so every path is denied (fail closed)`;
    return { ...base, allowed: false, effective: 'deny', decidedBy: { kind: 'glob', pattern: glob.pattern }, reason: `${access} denied: ${why}` };
  }
  let entry = deepestEntry(index, candidate);
  if (entry === undefined || (entry.access === 'deny' && entry.path === filesystemRoot(entry.path))) {
    entry = compiled.platformDefaults.find((d) => isWithin(candidate, d.path)) ?? entry;
  }
  if (entry === undefined || entry.origin.kind !== 'entry') {
    return {
      ...base,
      allowed: false,
      effective: 'deny',
      decidedBy: { kind: 'default-deny' },
      reason: `${access} denied: no entry covers ${candidate}, and a restricted policy denies by default`,
    };
  }
  const decidedBy = {
    kind: 'entry' as const,
    index: entry.origin.index,
    label: entry.origin.label,
    path: entry.path,
    access: entry.access,
  };
  const rule = `entries[${entry.origin.index}] ${entry.origin.label} = ${entry.access}${entry.origin.label === entry.path ? '' : ` (${entry.path})`}`;
  if (access === 'read') {
    const allowed = entry.access !== 'deny';
    return { ...base, allowed, effective: entry.access, decidedBy, reason: `read ${allowed ? 'allowed' : 'denied'}: ${rule}` };
  }
  if (entry.access !== 'write') {
    return { ...base, allowed: false, effective: entry.access, decidedBy, reason: `write denied: ${rule}` };
  }
  if (!resolved.fullDiskWrite) {
    const block = protectedWriteBlock(index, candidate);
    if (block !== undefined) {
      return {
        ...base,
        allowed: false,
        effective: 'write',
        decidedBy: { kind: 'protected', name: block.name, root: block.root, path: block.path },
        reason: `write denied: ${block.path} is protected metadata (${block.name}) under writable root ${block.root}; add a write entry at or below it to allow`,
      };
    }
  }
  return { ...base, allowed: true, effective: 'write', decidedBy, reason: `write allowed: ${rule}` };
}
