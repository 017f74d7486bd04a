// Property tests of explain(), the oracle every backend is checked against. Each property states
// the rule independently of the implementation and compares on generated policies and probes:
//   - agreement with the effective roots enforcers consume (readable / unreadable / writable roots
//     with read-only subpaths and protected names), for trees without symlinks;
//   - specificity and tie-breaks, against a brute-force scan of the entries;
//   - order independence; the protected-name write guard;
//   - round trips through the legacy form when needsDirectRuntimeEnforcement says none is needed.
// CSBX_PROPERTY_RUNS sets numRuns (default 200); CSBX_PROPERTY_SEED replays a run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  explain,
  fromLegacySandboxPolicy,
  legacyRuntimeFileSystemPolicy,
  needsDirectRuntimeEnforcement,
  resolvePolicy,
  toLegacySandboxPolicy,
} from '../../lib/policy/public-entry';
import { PROTECTED_METADATA_NAMES } from '../../lib/policy/protected-metadata';
import type { FileSystemAccessMode, FileSystemEntry, LegacySandboxPolicy, ResolvedPolicy, SandboxPolicy } from '../../lib/policy/types';
import { nodeHost } from '../../lib/policy/node-host';
import { makeTempDir } from '../helpers/temp';
import { fakeHost } from '../unit/policy/fake-host';
import { propertySettings } from '../helpers/property-settings';

const { numRuns, seed } = propertySettings('explain properties');
const params = { numRuns, seed };

const CWD = '/w';
const NAMES = ['a', 'b', '.git', '.codex', '.agents', '.aws'];

/** Independent prefix test, written here rather than imported, so the oracle is not checked against itself. */
function under(path: string, root: string): boolean {
  return path === root || root === '/' || path.startsWith(`${root}/`);
}

const relPath = fc.array(fc.constantFrom(...NAMES), { minLength: 0, maxLength: 3 }).map((parts) => parts.join('/'));
const absPath = relPath.map((rel) => (rel === '' ? CWD : `${CWD}/${rel}`));
const access = fc.constantFrom<FileSystemAccessMode>('read', 'write', 'deny');

const entry: fc.Arbitrary<FileSystemEntry> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ path: absPath.map((path) => ({ type: 'path' as const, path })), access }) },
  { weight: 1, arbitrary: access.map((a): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'root' } }, access: a })) },
  { weight: 1, arbitrary: access.map((a): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'minimal' } }, access: a })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom<'tmpdir' | 'slash_tmp'>('tmpdir', 'slash_tmp'), access)
      .map(([kind, a]): FileSystemEntry => ({ path: { type: 'special', value: { kind } }, access: a })),
  },
  { weight: 2, arbitrary: access.map((a): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'project_roots' } }, access: a })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        relPath.filter((r) => r !== ''),
        access,
      )
      .map(([subpath, a]): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'project_roots', subpath } }, access: a })),
  },
);
const policyArb = fc.array(entry, { minLength: 0, maxLength: 8 }).map((entries): SandboxPolicy => ({ fileSystem: { kind: 'restricted', entries }, network: 'restricted' }));
/**
 * What exists on the fake host: some directories (so existing metadata directories are exercised)
 * and maybe one `.git` pointer file whose gitdir target is protected wherever it lies.
 */
interface Tree {
  dirs: string[];
  files: Record<string, string>;
}
const existing: fc.Arbitrary<Tree> = fc.tuple(fc.array(absPath, { maxLength: 4 }), fc.option(fc.tuple(absPath, absPath))).map(([dirs, pointer]) => {
  const files: Record<string, string> = {};
  if (pointer !== null) {
    const gitFile = `${pointer[0]}/.git`;
    const clash = [...dirs, pointer[1]].some((d) => under(d, gitFile));
    if (!clash) {
      files[gitFile] = `gitdir: ${pointer[1]}\n`;
      dirs = [...dirs, pointer[1]];
    }
  }
  return { dirs, files };
});
const probes = fc.array(
  fc.oneof(
    absPath,
    fc.tuple(absPath, fc.constantFrom('f', '.git/config')).map(([d, f]) => `${d}/${f}`),
    fc.constantFrom('/', '/etc/passwd', '/usr/bin/env', '/tmp/x', '/tmp/.git/config'),
  ),
  { minLength: 1, maxLength: 12 },
);

function resolveOn(policy: SandboxPolicy, tree: Tree): ResolvedPolicy {
  // /usr exists so that a readable :minimal contributes a platform default read root; $TMPDIR
  // lies inside the cwd so that :tmpdir overlaps the other entries.
  const host = fakeHost({ dirs: [CWD, '/usr/bin', '/tmp', ...tree.dirs], files: tree.files, env: { TMPDIR: `${CWD}/a` } });
  return resolvePolicy(policy, { cwd: CWD, host });
}

/**
 * Readable from the effective roots: the deepest readable or unreadable root decides; where none
 * covers the path, the platform default read roots of a readable :minimal grant it.
 */
function readableFromRoots(r: ResolvedPolicy, p: string): boolean {
  if (r.fullDiskRead) return true;
  let best: { depth: number; readable: boolean } | undefined;
  const consider = (root: string, readable: boolean): void => {
    if (!under(p, root)) return;
    const depth = root === '/' ? 0 : root.split('/').length;
    if (best === undefined || depth > best.depth || (depth === best.depth && !readable)) best = { depth, readable };
  };
  for (const root of r.readableRoots) consider(root, true);
  for (const root of r.unreadableRoots) consider(root, false);
  if (best === undefined) return (r.platformDefaultReadRoots ?? []).some((root) => under(p, root));
  return best.readable;
}

/**
 * Writable from the effective roots: under some writable root, and every read-only subpath or
 * protected name that contains the path is reopened by a covering writable root at or below it.
 * Blockers of every root count, not only of covering ones: a gitdir target is a read-only
 * subpath of its root but may lie outside it.
 */
function writableFromRoots(r: ResolvedPolicy, p: string): boolean {
  if (r.fullDiskWrite) return true;
  const covering = r.writableRoots.filter((w) => under(p, w.root));
  if (covering.length === 0) return false;
  for (const w of r.writableRoots) {
    const blockers = [...w.readOnlySubpaths, ...w.protectedMetadataNames.map((n) => `${w.root === '/' ? '' : w.root}/${n}`)];
    for (const s of blockers) {
      if (under(p, s) && !covering.some((w2) => under(w2.root, s))) return false;
    }
  }
  return true;
}

/**
 * docs/reference.md#precedence by brute force: deepest covering entry paths, then the highest access among them; a
 * default deny (or a deny of `/` only) becomes read under a platform default read root.
 */
function bruteForceAccess(r: ResolvedPolicy, p: string): FileSystemAccessMode {
  const access = bruteForceEntries(r, p);
  if (access.access === 'deny' && (access.path === undefined || access.path === '/') && (r.platformDefaultReadRoots ?? []).some((d) => under(p, d))) {
    return 'read';
  }
  return access.access;
}

function bruteForceEntries(r: ResolvedPolicy, p: string): { access: FileSystemAccessMode; path?: string } {
  const rank = { read: 0, write: 1, deny: 2 };
  let best: { depth: number; access: FileSystemAccessMode; path: string } | undefined;
  for (const e of r.entries) {
    if (!under(p, e.path)) continue;
    const depth = e.path === '/' ? 1 : e.path.split('/').length;
    if (best === undefined || depth > best.depth || (depth === best.depth && rank[e.access] > rank[best.access])) best = { depth, access: e.access, path: e.path };
  }
  return best ?? { access: 'deny' };
}

describe('explain properties (fast-check)', () => {
  it('agrees with the effective roots for reads and writes (no symlinks)', () => {
    fc.assert(
      fc.property(policyArb, existing, probes, (policy, tree, ps) => {
        const r = resolveOn(policy, tree);
        for (const p of ps) {
          expect(explain(r, p, 'read').allowed, `read ${p}`).toBe(readableFromRoots(r, p));
          expect(explain(r, p, 'write').allowed, `write ${p}`).toBe(writableFromRoots(r, p));
        }
      }),
      params,
    );
  });

  it('agrees with the effective roots on a real temporary tree read through nodeHost', () => {
    fc.assert(
      fc.property(policyArb, existing, probes, (policy, tree, ps) => {
        const temp = makeTempDir('explain-prop');
        try {
          const move = (p: string): string => (p === CWD || p.startsWith(`${CWD}/`) ? temp.path + p.slice(CWD.length) : p);
          for (const d of tree.dirs) mkdirSync(move(d), { recursive: true });
          for (const [file, text] of Object.entries(tree.files)) {
            mkdirSync(dirname(move(file)), { recursive: true });
            writeFileSync(move(file), text.replace(`gitdir: ${CWD}`, `gitdir: ${temp.path}`));
          }
          const fs = policy.fileSystem as Extract<SandboxPolicy['fileSystem'], { kind: 'restricted' }>;
          const entries = fs.entries.map((e): FileSystemEntry => (e.path.type === 'path' ? { ...e, path: { type: 'path', path: move(e.path.path) } } : e));
          const host = nodeHost({ ...process.env, TMPDIR: `${temp.path}/a` });
          const r = resolvePolicy({ ...policy, fileSystem: { ...fs, entries } }, { cwd: temp.path, host });
          for (const p of ps.map(move)) {
            expect(explain(r, p, 'read').allowed, `read ${p}`).toBe(readableFromRoots(r, p));
            expect(explain(r, p, 'write').allowed, `write ${p}`).toBe(writableFromRoots(r, p));
          }
        } finally {
          temp.remove();
        }
      }),
      { ...params, numRuns: Math.min(numRuns, 100) },
    );
  });

  it('the most specific entry decides; at equal depth deny > write > read', () => {
    fc.assert(
      fc.property(policyArb, probes, (policy, ps) => {
        const r = resolveOn(policy, { dirs: [], files: {} });
        for (const p of ps) expect(explain(r, p, 'read').effective, p).toBe(bruteForceAccess(r, p));
      }),
      params,
    );
  });

  it('entry order never changes a decision', () => {
    fc.assert(
      fc.property(policyArb, existing, probes, fc.integer(), (policy, tree, ps, shift) => {
        const fs = policy.fileSystem as Extract<SandboxPolicy['fileSystem'], { kind: 'restricted' }>;
        const n = fs.entries.length;
        const k = n === 0 ? 0 : Math.abs(shift) % n;
        const rotated: SandboxPolicy = { ...policy, fileSystem: { ...fs, entries: [...fs.entries.slice(k), ...fs.entries.slice(0, k)].reverse() } };
        const a = resolveOn(policy, tree);
        const b = resolveOn(rotated, tree);
        for (const p of ps) {
          for (const acc of ['read', 'write'] as const) {
            const da = explain(a, p, acc);
            const db = explain(b, p, acc);
            expect([db.allowed, db.effective], `${acc} ${p}`).toEqual([da.allowed, da.effective]);
          }
        }
      }),
      params,
    );
  });

  it('a write at or under <writable root>/<protected name> is allowed only through a write entry at or below it', () => {
    fc.assert(
      fc.property(policyArb, existing, absPath, fc.constantFrom(...PROTECTED_METADATA_NAMES), relPath, (policy, tree, root, name, tail) => {
        const fs = policy.fileSystem as Extract<SandboxPolicy['fileSystem'], { kind: 'restricted' }>;
        const withRoot: SandboxPolicy = { ...policy, fileSystem: { ...fs, entries: [...fs.entries, { path: { type: 'path', path: root }, access: 'write' }] } };
        const r = resolveOn(withRoot, tree);
        if (r.fullDiskWrite) return;
        const metadata = `${root}/${name}`;
        const p = tail === '' ? metadata : `${metadata}/${tail}`;
        const rootIsWritable = bruteForceAccess(r, root) === 'write';
        const regranted = r.entries.some((e) => e.access === 'write' && under(e.path, metadata) && under(p, e.path));
        if (rootIsWritable && !regranted) expect(explain(r, p, 'write').allowed, p).toBe(false);
      }),
      params,
    );
  });

  it('legacy policies survive the split round trip, and a policy that needs no direct enforcement decides like its legacy projection', () => {
    const legacyArb: fc.Arbitrary<LegacySandboxPolicy> = fc.oneof(
      fc.boolean().map((net): LegacySandboxPolicy => ({ type: 'read-only', access: { type: 'full-access' }, networkAccess: net })),
      fc
        .record({
          writableRoots: fc.array(
            absPath.map((p) => p.replace(CWD, '/x')),
            { maxLength: 2 },
          ),
          networkAccess: fc.boolean(),
          excludeTmpdirEnvVar: fc.boolean(),
          excludeSlashTmp: fc.boolean(),
        })
        .map((w): LegacySandboxPolicy => ({ type: 'workspace-write', readOnlyAccess: { type: 'full-access' }, ...w })),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          legacyArb.map((l) => ({ legacy: l })),
          policyArb.map((p) => ({ policy: p })),
        ),
        existing,
        probes,
        (input, tree, ps) => {
          const host = fakeHost({ dirs: [CWD, '/tmp', '/x', ...tree.dirs], files: tree.files, env: { TMPDIR: '/tmp/t' } });
          const policy = 'legacy' in input ? fromLegacySandboxPolicy(input.legacy, CWD, host) : input.policy;
          if (needsDirectRuntimeEnforcement(policy, CWD, host)) return;
          const projected = legacyRuntimeFileSystemPolicy(toLegacySandboxPolicy(policy, CWD, host), CWD, host);
          const a = resolvePolicy(policy, { cwd: CWD, host });
          const b = resolvePolicy(projected, { cwd: CWD, host });
          for (const p of [...ps, '/tmp/t/f', '/x/a/f', '/x/.git/config']) {
            for (const acc of ['read', 'write'] as const) {
              expect(explain(b, p, acc).allowed, `${acc} ${p}`).toBe(explain(a, p, acc).allowed);
            }
          }
        },
      ),
      params,
    );
  });
});
