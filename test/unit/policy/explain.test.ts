// explain(): the decision and what decided it, for every kind of decider.
import { describe, expect, it } from 'vitest';
import { explain, resolvePolicy } from '../../../lib/policy/public-entry';
import { e, restricted } from './entries';
import { fakeHost } from './fake-host';

const host = fakeHost({ dirs: ['/w/src', '/usr/bin', '/etc'], files: { '/w/.git': 'gitdir: /repo/.git/worktrees/w\n' } });
const hostWithGitdir = fakeHost({
  dirs: ['/w/src', '/gitdirs/w'],
  files: { '/w/.git': 'gitdir: ../gitdirs/w\n' },
});

describe('explain', () => {
  it('unrestricted and external file systems allow everything', () => {
    const r = resolvePolicy({ fileSystem: { kind: 'unrestricted' }, network: 'restricted' }, { cwd: '/w', host });
    expect(explain(r, '/etc/shadow', 'write')).toMatchObject({ allowed: true, effective: 'write', decidedBy: { kind: 'unrestricted' } });
    const x = resolvePolicy({ fileSystem: { kind: 'external-sandbox' }, network: 'restricted' }, { cwd: '/w', host });
    expect(explain(x, '/etc', 'write').reason).toContain('sandboxed externally');
  });

  it('names the deciding entry with its index, label and resolved path', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.cwd('write')]), { cwd: '/w', host });
    const d = explain(r, 'src/main.rs', 'write');
    expect(d).toStrictEqual({
      path: '/w/src/main.rs',
      requested: 'write',
      allowed: true,
      effective: 'write',
      decidedBy: { kind: 'entry', index: 1, label: ':project_roots', path: '/w', access: 'write' },
      reason: 'write allowed: entries[1] :project_roots = write (/w)',
    });
    expect(explain(r, '/etc/passwd', 'write')).toMatchObject({
      allowed: false,
      effective: 'read',
      decidedBy: { kind: 'entry', index: 0, label: ':root' },
    });
  });

  it('a path nothing covers is a default deny', () => {
    const r = resolvePolicy(restricted([e.cwd('read')]), { cwd: '/w', host });
    expect(explain(r, '/etc', 'read')).toMatchObject({ allowed: false, effective: 'deny', decidedBy: { kind: 'default-deny' } });
  });

  it('at equal depth deny beats write beats read, whatever the input order', () => {
    const h = fakeHost({ dirs: ['/w/a'] });
    for (const entries of [
      [e.path('/w/a', 'read'), e.path('/w/a', 'write'), e.path('/w/a', 'deny')],
      [e.path('/w/a', 'deny'), e.path('/w/a', 'read'), e.path('/w/a', 'write')],
    ]) {
      expect(explain(resolvePolicy(restricted(entries), { cwd: '/w', host: h }), '/w/a/x', 'read').effective).toBe('deny');
    }
    const rw = resolvePolicy(restricted([e.path('/w/a', 'write'), e.path('/w/a', 'read')]), { cwd: '/w', host: h });
    expect(explain(rw, '/w/a/x', 'write').allowed).toBe(true);
  });

  it('a protected name blocks a write below a writable root, even when it does not exist, and names it', () => {
    const r = resolvePolicy(restricted([e.path('/w', 'write')]), { cwd: '/elsewhere', host: fakeHost({ dirs: ['/w', '/elsewhere'] }) });
    const d = explain(r, '/w/.aws/credentials', 'write');
    expect(d).toMatchObject({ allowed: false, effective: 'write', decidedBy: { kind: 'protected', name: '.aws', root: '/w', path: '/w/.aws' } });
    expect(d.reason).toBe('write denied: /w/.aws is protected metadata (.aws) under writable root /w; add a write entry at or below it to allow');
    expect(explain(r, '/w/.aws/credentials', 'read').allowed).toBe(true);
    expect(explain(r, '/w/.awsx', 'write').allowed).toBe(true);
    expect(explain(r, '/w/.aws', 'write').allowed).toBe(false);
  });

  it('a write entry at or below the metadata directory re-grants it; one above does not', () => {
    const h = fakeHost({ dirs: ['/w/.git/hooks'] });
    const r = resolvePolicy(restricted([e.path('/w', 'write'), e.path('/w/.git/hooks', 'write')]), { cwd: '/w', host: h });
    expect(explain(r, '/w/.git/hooks/pre-commit', 'write').allowed).toBe(true);
    expect(explain(r, '/w/.git/config', 'write').allowed).toBe(false);
    const nested = resolvePolicy(restricted([e.path('/w', 'write'), e.path('/w/a', 'write')]), { cwd: '/w', host: h });
    expect(explain(nested, '/w/a/.git/config', 'write').decidedBy).toMatchObject({ kind: 'protected', root: '/w/a' });
  });

  it('a full disk write has no protected names', () => {
    const r = resolvePolicy(restricted([e.root('write')]), { cwd: '/w', host });
    expect(explain(r, '/w/.git/config', 'write').allowed).toBe(true);
  });

  it('the gitdir target of a .git pointer file is protected like the name', () => {
    const rw = resolvePolicy(restricted([e.cwd('write'), e.path('/gitdirs', 'write')]), { cwd: '/w', host: hostWithGitdir });
    const root = rw.writableRoots.find((w) => w.root === '/w')!;
    expect(root.readOnlySubpaths).toStrictEqual(['/gitdirs/w', '/w/.git', '/w/.codex']);
    expect(explain(rw, '/gitdirs/w/HEAD', 'write').decidedBy).toStrictEqual({ kind: 'protected', name: '.git', root: '/w', path: '/gitdirs/w' });
    expect(explain(rw, '/gitdirs/other/HEAD', 'write').allowed).toBe(true);
  });

  it('a bad gitdir pointer is a warning, and only the pointer file is protected', () => {
    const h = fakeHost({ dirs: ['/w'], files: { '/w/.git': 'not a pointer' } });
    const r = resolvePolicy(restricted([e.cwd('write')]), { cwd: '/w', host: h });
    expect(r.warnings).toContain('Expected /w/.git to contain a gitdir pointer, but it did not match `gitdir: <path>`.');
    expect(r.writableRoots[0]!.readOnlySubpaths).toStrictEqual(['/w/.git', '/w/.codex']);
    const empty = fakeHost({ dirs: ['/w'], files: { '/w/.git': 'gitdir:  ' } });
    expect(resolvePolicy(restricted([e.cwd('write')]), { cwd: '/w', host: empty }).warnings).toContain('Expected /w/.git to contain a gitdir pointer, but it was empty.');
    const missing = fakeHost({ dirs: ['/w'], files: { '/w/.git': 'gitdir: /nowhere' } });
    expect(resolvePolicy(restricted([e.cwd('write')]), { cwd: '/w', host: missing }).warnings).toContain('Resolved gitdir path /nowhere does not exist.');
  });

  it('a linked worktree: the common dir that <gitdir>/commondir names is protected too, as kind gitdir (issue #20)', () => {
    const h = fakeHost({
      dirs: ['/wt/src', '/x/main/.git/worktrees/wt', '/x/main/.git/hooks'],
      files: { '/wt/.git': 'gitdir: /x/main/.git/worktrees/wt\n', '/x/main/.git/worktrees/wt/commondir': '../..\n' },
    });
    const r = resolvePolicy(restricted([e.cwd('write'), e.path('/x', 'write')]), { cwd: '/wt', host: h });
    expect(r.writableRoots.find((w) => w.root === '/wt')!.readOnlySubpaths).toStrictEqual(['/x/main/.git/worktrees/wt', '/x/main/.git', '/wt/.git', '/wt/.codex']);
    expect(explain(r, '/x/main/.git/config', 'write').decidedBy).toStrictEqual({ kind: 'protected', name: '.git', root: '/wt', path: '/x/main/.git' });
    expect(explain(r, '/x/main/.git/hooks/pre-commit', 'write').allowed).toBe(false);
    expect(explain(r, '/x/main/src.txt', 'write').allowed).toBe(true);
    expect(r.warnings).toStrictEqual([]);
    // An absolute commondir is taken as written.
    const abs = fakeHost({ dirs: ['/wt', '/g/wt', '/common'], files: { '/wt/.git': 'gitdir: /g/wt\n', '/g/wt/commondir': '/common\n' } });
    expect(resolvePolicy(restricted([e.cwd('write')]), { cwd: '/wt', host: abs }).writableRoots[0]!.readOnlySubpaths).toStrictEqual(['/g/wt', '/common', '/wt/.git', '/wt/.codex']);
  });

  it('a gitdir without commondir, with an empty one or one naming nothing: no extra path, no new warning', () => {
    for (const commondir of [undefined, '  \n', '../../missing\n']) {
      const files: Record<string, string> = { '/wt/.git': 'gitdir: /main/.git/worktrees/wt\n' };
      if (commondir !== undefined) files['/main/.git/worktrees/wt/commondir'] = commondir;
      const r = resolvePolicy(restricted([e.cwd('write')]), { cwd: '/wt', host: fakeHost({ dirs: ['/wt', '/main/.git/worktrees/wt'], files }) });
      expect(r.writableRoots[0]!.readOnlySubpaths).toStrictEqual(['/main/.git/worktrees/wt', '/wt/.git', '/wt/.codex']);
      expect(r.warnings).toStrictEqual([]);
    }
  });

  it('platform defaults of a readable :minimal are read entries at their own depth', () => {
    const r = resolvePolicy(restricted([e.root('deny'), e.minimal('read'), e.cwd('write')]), { cwd: '/w', host });
    expect(r.platformDefaultReadRoots).toStrictEqual(['/usr', '/etc']);
    expect(explain(r, '/usr/bin/ls', 'read')).toMatchObject({ allowed: true, decidedBy: { kind: 'entry', label: ':minimal', path: '/usr' } });
    expect(explain(r, '/usr/bin/ls', 'write').allowed).toBe(false);
    expect(explain(r, '/opt/x', 'read').allowed).toBe(false);
  });

  // Regression cases shrunk by test/property/explain-oracle.test.ts (seed 906296279).
  it('platform defaults never take write access away: [minimal:read, /w:deny, root:write] leaves /usr writable', () => {
    const r = resolvePolicy(restricted([e.minimal('read'), e.path('/w', 'deny'), e.root('write')]), { cwd: '/w', host });
    expect(explain(r, '/usr/bin/env', 'write')).toMatchObject({ allowed: true, decidedBy: { kind: 'entry', label: ':root' } });
    expect(r.writableRoots.map((w) => w.root)).toStrictEqual(['/']);
  });

  it('with only [minimal:read], a platform default is readable through :minimal and the cwd is denied', () => {
    const r = resolvePolicy(restricted([e.minimal('read')]), { cwd: '/w', host });
    expect(explain(r, '/usr/bin/env', 'read')).toMatchObject({ allowed: true, effective: 'read', decidedBy: { label: ':minimal', path: '/usr' } });
    expect(explain(r, '/w', 'read').decidedBy).toStrictEqual({ kind: 'default-deny' });
  });

  it('an explicit deny at or above a platform default root wins over :minimal', () => {
    const h = fakeHost({ dirs: ['/usr/bin', '/w'] });
    const r = resolvePolicy(restricted([e.minimal('read'), e.path('/usr', 'deny'), e.cwd('write')]), { cwd: '/w', host: h });
    expect(explain(r, '/usr/bin/env', 'read')).toMatchObject({ allowed: false, decidedBy: { kind: 'entry', path: '/usr' } });
  });

  it('unknown specials are ignored with a warning', () => {
    const r = resolvePolicy(restricted([e.unknown(':future', 'write')]), { cwd: '/w', host });
    expect(r.entries).toStrictEqual([]);
    expect(r.warnings[0]).toContain('`:future` is not recognized');
  });

  it('a project_roots subpath that escapes denies the root for reads and drops a write', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.sub('../x', 'read'), e.sub('/abs', 'write')]), { cwd: '/w', host });
    expect(explain(r, '/w/src', 'read')).toMatchObject({ allowed: false, decidedBy: { kind: 'entry', index: 1 } });
    expect(r.warnings).toHaveLength(2);
    expect(r.entries.some((x) => x.access === 'write')).toBe(false);
  });

  it('tmpdir resolves from $TMPDIR (relative against the process cwd); slash_tmp only when /tmp exists', () => {
    const h = fakeHost({ dirs: ['/w', '/tmp'], env: { TMPDIR: 'rel-tmp' }, cwd: '/proc' });
    const r = resolvePolicy(restricted([e.tmpdir('write'), e.slashTmp('write')]), { cwd: '/w', host: h });
    expect(r.entries.map((x) => x.path)).toStrictEqual(['/proc/rel-tmp', '/tmp']);
    const noTmp = resolvePolicy(restricted([e.tmpdir('write'), e.slashTmp('write')]), { cwd: '/w', host: fakeHost({ dirs: ['/w'] }) });
    expect(noTmp.entries).toStrictEqual([]);
  });

  it('skip-missing entries are dropped when their path does not exist', () => {
    const h = fakeHost({ dirs: ['/w/.git'] });
    const r = resolvePolicy(restricted([e.cwd('write'), e.sub('.git', 'read', true), e.sub('.agents', 'read', true)]), { cwd: '/w', host: h });
    expect(r.entries.map((x) => x.path)).toStrictEqual(['/w', '/w/.git']);
  });

  it('~ in path entries expands to the home directory', () => {
    const h = fakeHost({ dirs: ['/home/u/.ssh'], home: '/home/u' });
    const r = resolvePolicy(restricted([e.root('read'), e.path('~/.ssh', 'deny')]), { cwd: '/w', host: h });
    expect(explain(r, '/home/u/.ssh/id_rsa', 'read').allowed).toBe(false);
  });

  it('bad paths and access values are typed errors', () => {
    const r = resolvePolicy(restricted([e.root('read')]), { cwd: '/w', host });
    expect(() => explain(r, 'a\0b', 'read')).toThrow(expect.objectContaining({ code: 'E_POLICY_INVALID' }));
    expect(() => explain(r, '', 'read')).toThrow(expect.objectContaining({ code: 'E_POLICY_INVALID' }));
    expect(() => explain(r, '/x', 'exec' as 'read')).toThrow(expect.objectContaining({ code: 'E_POLICY_INVALID' }));
    expect(() => resolvePolicy(restricted([e.path('relative', 'read')]), { cwd: '/w', host })).toThrow(
      expect.objectContaining({ code: 'E_POLICY_INVALID', path: ['entries', 0, 'path', 'path'] }),
    );
    expect(() => resolvePolicy(restricted([]), { cwd: 'a\0b', host })).toThrow(expect.objectContaining({ code: 'E_POLICY_INVALID' }));
  });
});

describe('fail-closed project_roots subpaths', () => {
  it('a bad read subpath next to a root read drops full read, so enforcers see the denied project root', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.minimal('read'), e.sub('../x', 'read')]), { cwd: '/w', host });
    expect(r.fullDiskRead).toBe(false);
    expect(r.includePlatformDefaults).toBe(true);
    expect(r.readableRoots).toStrictEqual(['/']);
    expect(r.unreadableRoots).toStrictEqual(['/w']);
    const w = resolvePolicy(restricted([e.root('write'), e.sub('/abs', 'deny')]), { cwd: '/w', host });
    expect(w.fullDiskWrite).toBe(false);
    expect(explain(w, '/w/src', 'write').allowed).toBe(false);
    expect(explain(w, '/etc/x', 'write').allowed).toBe(true);
  });
});

describe('explain with a host follows symlinks on both sides', () => {
  const h = fakeHost({
    dirs: ['/private/tmp/w/src', '/outside'],
    symlinks: { '/tmp': '/private/tmp', '/private/tmp/w/out': '/outside' },
  });

  it('a rule spelled through a symlinked directory (macOS /tmp) still covers the canonical target', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.path('/tmp/w', 'write')]), { cwd: '/tmp/w', host: h });
    expect(explain(r, '/tmp/w/src/a.ts', 'write', { host: h }).allowed).toBe(true);
    expect(explain(r, '/tmp/w/.git/config', 'write', { host: h }).allowed).toBe(false);
  });

  it('a link inside a writable root that leads outside it is not writable, and the reason says where it leads', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.path('/tmp/w', 'write')]), { cwd: '/tmp/w', host: h });
    const d = explain(r, '/tmp/w/out/f', 'write', { host: h });
    expect(d).toMatchObject({ path: '/tmp/w/out/f', allowed: false, effective: 'read' });
    expect(d.reason).toContain('(/tmp/w/out/f resolves to /outside/f)');
    expect(explain(r, '/tmp/w/out/f', 'write').allowed).toBe(true);
  });
});

describe('ResolvedPolicy is plain data', () => {
  it('survives a JSON round trip, and explain gives the same answers on the copy', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.cwd('write'), e.glob('**/*.env'), e.sub('docs', 'deny')]), { cwd: '/w', host });
    const copy = JSON.parse(JSON.stringify(r)) as typeof r;
    expect(copy).toStrictEqual(r);
    for (const p of ['/w/a', '/w/.env', '/w/docs/x', '/w/.git/config', '/etc/x']) {
      for (const a of ['read', 'write'] as const) expect(explain(copy, p, a)).toStrictEqual(explain(r, p, a));
    }
  });
});
