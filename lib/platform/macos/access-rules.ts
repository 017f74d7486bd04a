// access-rules: the file sections of the profile (docs/reference.md#seatbelt-profile, #seatbelt-paths, #seatbelt-globs) and their -D parameters.
// Roots are allowed with `require-not` holes for their carve-outs; deny globs and the rename
// guards are separate deny rules that the planner places last, where no allow can reopen them.
import { isWithin } from '../../policy/paths';
import type { Host, ResolvedPolicy } from '../../policy/types';
import { escapeSbplRegex, globAncestors, globToExactSbplRegex, globToSbplRegex, splitStaticPrefix } from '../../policy/glob/to-sbpl';
import { ancestorsBetween, canonicalPath, rebase, writableRootSpelling } from './seatbelt-paths';
import { comment, literal, param, regex, requireAll, requireNot, rule, subpath, vnode } from './sbpl-build';
import type { SbplFilter, SbplItem } from './sbpl-types';

export interface AccessSections {
  read: SbplItem[];
  write: SbplItem[];
  /** Deny-glob rules and their ancestors' rename guards (placed near the end). */
  globDenies: SbplItem[];
  /** Rename guards for ancestors of read-only subpaths (placed last). */
  ancestorDenies: SbplItem[];
  readParams: [string, string][];
  writeParams: [string, string][];
  ancestorParams: [string, string][];
}

interface Block {
  key: string;
  value: string;
  /** `literal` for a writable root that exists and is not a directory. */
  match: 'subpath' | 'literal';
  exclusions: [string, string][];
  /** `<root>/<protected name>` paths, each denied with its subtree by regex (names need no param). */
  protectedPaths: string[];
}

function dedupe(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** One alternative of an access block (docs/reference.md#seatbelt-profile): the root, minus each carve-out and protected name. */
function blockFilter(block: Block): SbplFilter {
  const root: SbplFilter = block.match === 'literal' ? literal(param(block.key)) : subpath(param(block.key));
  if (block.exclusions.length === 0 && block.protectedPaths.length === 0) return root;
  const parts: SbplFilter[] = [root];
  for (const [key] of block.exclusions) {
    // The literal form closes first-time creation (`mkdir .codex`), the subpath form the tree.
    parts.push(requireNot(literal(param(key))), requireNot(subpath(param(key))));
  }
  for (const path of block.protectedPaths) parts.push(requireNot(regex(`^${escapeSbplRegex(path)}(/.*)?$`)));
  return requireAll(...parts);
}

function blockParams(blocks: readonly Block[]): [string, string][] {
  return blocks.flatMap((b) => [[b.key, b.value] as [string, string], ...b.exclusions]);
}

function readBlocks(resolved: ResolvedPolicy, host: Host, unreadable: readonly string[]): Block[] {
  const roots = resolved.fullDiskRead ? ['/'] : dedupe(resolved.readableRoots.map((r) => canonicalPath(host, r)));
  return roots.map((root, i) => {
    const key = `READABLE_ROOT_${i}`;
    const under = unreadable.filter((u) => isWithin(u, root));
    return {
      key,
      value: root,
      match: 'subpath',
      exclusions: under.map((u, j) => [`${key}_EXCLUDED_${j}`, u] as [string, string]),
      protectedPaths: [],
    };
  });
}

interface WriteRoot {
  spelling: string;
  match: 'subpath' | 'literal';
  /** Carve-outs, each with its canonical twin when that differs. */
  exclusions: { logical: string; resolved: string }[];
  protectedPaths: string[];
}

function writeRoots(resolved: ResolvedPolicy, host: Host, unreadable: readonly string[]): WriteRoot[] {
  if (resolved.fullDiskWrite) {
    return [{ spelling: '/', match: 'subpath', exclusions: unreadable.map((u) => ({ logical: u, resolved: u })), protectedPaths: [] }];
  }
  const bySpelling = new Map<string, WriteRoot>();
  for (const root of resolved.writableRoots) {
    const spelling = writableRootSpelling(host, root.root);
    const kind = host.stat(spelling);
    const entry = bySpelling.get(spelling) ?? {
      spelling,
      match: kind !== undefined && kind !== 'dir' ? 'literal' : 'subpath',
      exclusions: [],
      protectedPaths: [],
    };
    for (const sub of root.readOnlySubpaths) {
      const logical = isWithin(sub, root.root) ? rebase(sub, root.root, spelling) : canonicalPath(host, sub);
      if (entry.exclusions.some((e) => e.logical === logical)) continue;
      entry.exclusions.push({ logical, resolved: canonicalPath(host, logical) });
    }
    // Two roots that meet at one spelling keep the union of their carve-outs: only narrower.
    const names = root.protectedMetadataNames.map((name) => (spelling === '/' ? `/${name}` : `${spelling}/${name}`));
    entry.protectedPaths = dedupe([...entry.protectedPaths, ...names]);
    bySpelling.set(spelling, entry);
  }
  const roots = [...bySpelling.values()];
  // Allow rules are a union, so every root must also carry the carve-outs and protected names of
  // the other roots that fall inside it: explain() refuses `/u/.git/x` under writable `/u` even
  // when `/` is writable too, and a worktree's gitdir inside another writable root stays
  // protected. The reference's per-root blocks alone would let the outer root's allow cover
  // them. Inherited carve-outs only narrow access.
  return roots.map((outer) => {
    const exclusions = [...outer.exclusions];
    const protectedPaths = [...outer.protectedPaths];
    for (const other of roots) {
      if (other === outer) continue;
      for (const ex of other.exclusions) {
        const inside = isWithin(ex.logical, outer.spelling) || isWithin(ex.resolved, outer.spelling);
        if (inside && !exclusions.some((e) => e.logical === ex.logical)) exclusions.push(ex);
      }
      for (const p of other.protectedPaths) {
        if (isWithin(p, outer.spelling) && !protectedPaths.includes(p)) protectedPaths.push(p);
      }
    }
    return { ...outer, exclusions, protectedPaths };
  });
}

export function accessSections(resolved: ResolvedPolicy, host: Host): AccessSections {
  const unreadable = dedupe(resolved.unreadableRoots.map((u) => canonicalPath(host, u)));

  const read: SbplItem[] = [];
  let readBlocksList: Block[] = [];
  if (resolved.fullDiskRead && unreadable.length === 0) {
    read.push(comment('allow read-only file operations'), rule('allow', 'file-read*'));
  } else {
    readBlocksList = readBlocks(resolved, host, unreadable);
    if (readBlocksList.length > 0) {
      read.push(comment('allow read-only file operations'), rule('allow', 'file-read*', readBlocksList.map(blockFilter), 'block'));
    }
  }

  const write: SbplItem[] = [];
  const writeBlocksList: Block[] = [];
  const ancestors: string[] = [];
  if (resolved.fullDiskWrite && unreadable.length === 0) {
    // A regex on `^/` rather than a bare (allow file-write*): the reference keeps write grants
    // path-scoped so they never cover non-path write operations.
    write.push(rule('allow', 'file-write*', [regex('^/')]));
  } else {
    writeRoots(resolved, host, unreadable).forEach((root, i) => {
      const key = `WRITABLE_ROOT_${i}`;
      const exclusions: [string, string][] = [];
      root.exclusions.forEach((ex, j) => {
        exclusions.push([`${key}_EXCLUDED_${j}`, ex.logical]);
        if (ex.resolved !== ex.logical) exclusions.push([`${key}_EXCLUDED_${j}_RESOLVED`, ex.resolved]);
        for (const p of [ex.logical, ex.resolved]) {
          if (isWithin(p, root.spelling) && p !== root.spelling) ancestors.push(...ancestorsBetween(root.spelling, p));
        }
      });
      writeBlocksList.push({ key, value: root.spelling, match: root.match, exclusions, protectedPaths: root.protectedPaths });
    });
    if (writeBlocksList.length > 0) {
      write.push(rule('allow', 'file-write*', writeBlocksList.map(blockFilter), 'block'));
      // The next command's policy reuses these roots: the sandbox may not delete or rename them.
      for (const block of writeBlocksList) {
        write.push(rule('deny', 'file-write-unlink', [requireAll(literal(param(block.key)), vnode('DIRECTORY'))]));
      }
    }
  }

  const ancestorParams: [string, string][] = dedupe(ancestors).map((a, k) => [`PROTECTED_ANCESTOR_${k}`, a]);
  const ancestorDenies: SbplItem[] = ancestorParams.map(([key]) => rule('deny', 'file-write-unlink', [requireAll(vnode('DIRECTORY'), literal(param(key)))]));
  if (ancestorDenies.length > 0) {
    ancestorDenies.unshift(comment('protected carve-outs cannot be moved away by renaming an ancestor'));
  }

  return {
    read,
    write,
    globDenies: globDenies(resolved.unreadableGlobs, host),
    ancestorDenies,
    readParams: blockParams(readBlocksList),
    writeParams: blockParams(writeBlocksList),
    ancestorParams,
  };
}

/** The pattern again with its static prefix canonicalized, when that changes it. */
function canonicalSpellings(pattern: string, host: Host): string[] {
  const { prefix, rest } = splitStaticPrefix(pattern);
  if (prefix === '') return [pattern];
  const canonical = canonicalPath(host, prefix);
  return canonical === prefix ? [pattern] : [pattern, (canonical === '/' && rest.startsWith('/') ? '' : canonical) + rest];
}

function globDenies(globs: readonly string[], host: Host): SbplItem[] {
  const spellings = dedupe(globs.flatMap((g) => canonicalSpellings(g, host)));
  const denyRegexes: string[] = [];
  const ancestorRegexes: string[] = [];
  for (const spelling of spellings) {
    const deny = globToSbplRegex(spelling);
    if (deny.kind === 'never') continue;
    // explain() treats a malformed deny glob as denying every path; so does the profile.
    denyRegexes.push(deny.kind === 'malformed' ? '^/' : deny.source);
    for (const ancestor of globAncestors(spelling)) {
      const exact = globToExactSbplRegex(ancestor);
      if (exact.kind === 'regex') ancestorRegexes.push(exact.source);
    }
  }
  if (denyRegexes.length === 0) return [];
  return [
    comment('deny-read globs: no reads, no writes'),
    ...dedupe(denyRegexes).flatMap((r) => [rule('deny', 'file-read*', [regex(r)]), rule('deny', 'file-write*', [regex(r)])]),
    ...dedupe(ancestorRegexes).map((r) => rule('deny', 'file-write-unlink', [requireAll(vnode('DIRECTORY'), regex(r))])),
  ];
}
