import { describe, expect, it } from 'vitest';
import { parseSbpl } from '../../helpers/sbpl-parse';
import { explain, resolvePolicy } from '../../../lib/policy/public-entry';
import { planMacos, planSeatbeltProfile } from '../../../lib/platform/macos/plan-macos';
import { basePolicy } from '../../../lib/platform/macos/base-policy';
import { readOnlyPlatformDefaults, SEATBELT_PLATFORM_DEFAULT_READ_ROOTS } from '../../../lib/platform/macos/platform-defaults';
import type { SbplItem } from '../../../lib/platform/macos/sbpl-types';
import { evaluateSbpl } from '../../helpers/sbpl-evaluate';
import { canonicalPath } from '../../../lib/platform/macos/seatbelt-paths';
import { renderSbpl } from '../../../lib/platform/macos/sbpl-render';
import { fakeMacHost } from './fake-mac-host';
import { paramsWithPrefix, plan, resolvedFixture, root } from './fixtures';

const KMP_BLOCK = [
  '(allow ipc-posix-shm-read-data',
  '  ipc-posix-shm-write-create',
  '  ipc-posix-shm-write-unlink',
  '  (ipc-posix-name-regex #"^/__KMP_REGISTERED_LIB_[0-9]+$"))',
].join('\n');

describe('seatbelt: base policy (A4)', () => {
  it('seatbelt: every profile starts closed and carries the sysctl allow-list and the exact KMP shm block', () => {
    const p = plan(resolvedFixture());
    expect(p.profile.startsWith('(version 1)\n(deny default)\n')).toBe(true);
    expect(p.profile).toContain('(sysctl-name "machdep.cpu.brand_string")');
    expect(p.profile).toContain('(sysctl-name "hw.model")');
    expect(p.profile).toContain('(sysctl-name "kern.sysv.semmns")');
    expect(p.profile).toContain(`\n${KMP_BLOCK}\n`);
    expect(p.profile).toContain('(allow file-write-data (require-all (literal "/dev/null") (vnode-type CHARACTER-DEVICE)))');
    expect(p.profile).not.toContain('DARWIN_USER_CACHE_DIR');
    expect(p.profile).not.toContain('no-sandbox');
  });
});

describe('seatbelt: read section (A5)', () => {
  it('seatbelt: full-disk read without denies is a bare (allow file-read*) and no READABLE params', () => {
    const p = plan(resolvedFixture({ fullDiskRead: true }));
    expect(p.profile).toContain('; allow read-only file operations\n(allow file-read*)\n');
    expect(paramsWithPrefix(p, 'READABLE')).toStrictEqual([]);
  });

  it('seatbelt: full-disk read with an unreadable root is a block on / excluding it (literal and subpath)', () => {
    const p = plan(resolvedFixture({ fullDiskRead: true, unreadableRoots: ['/Users/dev/secret'] }));
    expect(paramsWithPrefix(p, 'READABLE')).toStrictEqual([
      ['READABLE_ROOT_0', '/'],
      ['READABLE_ROOT_0_EXCLUDED_0', '/Users/dev/secret'],
    ]);
    expect(p.profile).toContain(
      '(allow file-read*\n(require-all (subpath (param "READABLE_ROOT_0")) (require-not (literal (param "READABLE_ROOT_0_EXCLUDED_0"))) (require-not (subpath (param "READABLE_ROOT_0_EXCLUDED_0"))) )\n)',
    );
  });

  it('seatbelt: a restricted readable root under /tmp is spelled canonically with its deny carve-out (A13.6)', () => {
    const p = plan(resolvedFixture({ readableRoots: ['/tmp/codex-readable'], unreadableRoots: ['/tmp/codex-readable/private'] }));
    expect(paramsWithPrefix(p, 'READABLE')).toStrictEqual([
      ['READABLE_ROOT_0', '/private/tmp/codex-readable'],
      ['READABLE_ROOT_0_EXCLUDED_0', '/private/tmp/codex-readable/private'],
    ]);
    expect(p.profile).toContain('(require-not (literal (param "READABLE_ROOT_0_EXCLUDED_0")))');
    expect(p.profile).toContain('(require-not (subpath (param "READABLE_ROOT_0_EXCLUDED_0")))');
  });

  it('seatbelt: no readable roots means no read section at all (no implicit cwd read)', () => {
    const p = plan(resolvedFixture());
    expect(p.profile).not.toContain('allow read-only file operations');
    expect(p.profile).not.toContain('(allow file-read*\n');
  });

  it('seatbelt: several readable roots share one allow, each with only the denies below it', () => {
    const p = plan(resolvedFixture({ readableRoots: ['/Users/dev/a', '/Users/dev/b'], unreadableRoots: ['/Users/dev/b/x'] }));
    expect(paramsWithPrefix(p, 'READABLE')).toStrictEqual([
      ['READABLE_ROOT_0', '/Users/dev/a'],
      ['READABLE_ROOT_1', '/Users/dev/b'],
      ['READABLE_ROOT_1_EXCLUDED_0', '/Users/dev/b/x'],
    ]);
    expect(p.profile).toContain('(allow file-read*\n(subpath (param "READABLE_ROOT_0")) (require-all (subpath (param "READABLE_ROOT_1"))');
  });
});

describe('seatbelt: write section (A6)', () => {
  it('seatbelt: full-disk write without denies allows writes matching ^/', () => {
    const p = plan(resolvedFixture({ fullDiskRead: true, fullDiskWrite: true }));
    expect(p.profile).toContain('(allow file-write* (regex #"^/"))');
    expect(paramsWithPrefix(p, 'WRITABLE')).toStrictEqual([]);
  });

  it('seatbelt: root write with a deny entry and cwd / gives the reference -D list and metadata regexes on / (A13.5)', () => {
    const p = plan(
      resolvedFixture({
        cwd: '/',
        readableRoots: ['/'],
        unreadableRoots: ['/private/tmp/codex-unreadable'],
        writableRoots: [root('/', ['/.codex', '/private/tmp/codex-unreadable'])],
      }),
    );
    expect(paramsWithPrefix(p, 'WRITABLE')).toStrictEqual([
      ['WRITABLE_ROOT_0', '/'],
      ['WRITABLE_ROOT_0_EXCLUDED_0', '/.codex'],
      ['WRITABLE_ROOT_0_EXCLUDED_1', '/private/tmp/codex-unreadable'],
    ]);
    for (const key of ['READABLE_ROOT_0_EXCLUDED_0', 'WRITABLE_ROOT_0_EXCLUDED_0']) {
      expect(p.profile).toContain(`(require-not (literal (param "${key}")))`);
      expect(p.profile).toContain(`(require-not (subpath (param "${key}")))`);
    }
    for (const name of ['\\.git', '\\.agents', '\\.codex', '\\.aws']) {
      expect(p.profile).toContain(`(require-not (regex #"^/${name}(/.*)?$"))`);
    }
    expect(p.argv).toContain('-DWRITABLE_ROOT_0=/');
    expect(p.argv).toContain('-DWRITABLE_ROOT_0_EXCLUDED_1=/private/tmp/codex-unreadable');
  });

  it('seatbelt: three writable roots keep the resolver order of carve-outs and get regexes each (A13.10)', () => {
    const cwd = '/Users/dev/cwd';
    const repo = '/Users/dev/repo';
    const empty = '/Users/dev/empty';
    const p = plan(
      resolvedFixture({
        cwd,
        writableRoots: [root(cwd, [`${cwd}/.codex`, `${cwd}/.git`, `${cwd}/.agents`]), root(repo, [`${repo}/.git`, `${repo}/.codex`]), root(empty, [])],
      }),
    );
    expect(paramsWithPrefix(p, 'WRITABLE')).toStrictEqual([
      ['WRITABLE_ROOT_0', cwd],
      ['WRITABLE_ROOT_0_EXCLUDED_0', `${cwd}/.codex`],
      ['WRITABLE_ROOT_0_EXCLUDED_1', `${cwd}/.git`],
      ['WRITABLE_ROOT_0_EXCLUDED_2', `${cwd}/.agents`],
      ['WRITABLE_ROOT_1', repo],
      ['WRITABLE_ROOT_1_EXCLUDED_0', `${repo}/.git`],
      ['WRITABLE_ROOT_1_EXCLUDED_1', `${repo}/.codex`],
      ['WRITABLE_ROOT_2', empty],
    ]);
    for (const r of [cwd, repo, empty]) {
      expect(p.profile).toContain(`(require-not (regex #"^${r.replace(/\//g, '/')}/\\.codex(/.*)?$"))`);
    }
    expect(p.argv.slice(p.argv.indexOf('--'))).toStrictEqual(['--', '/bin/echo', 'hi']);
  });

  it('seatbelt: a missing .agents is covered by regex only, and /tmp is spelled /private/tmp (A13.13)', () => {
    const repo = '/Users/dev/repo';
    const p = plan(
      resolvedFixture({
        cwd: repo,
        writableRoots: [root(repo, [`${repo}/.git`, `${repo}/.codex`]), root('/tmp', [])],
      }),
    );
    expect(paramsWithPrefix(p, 'WRITABLE')).toStrictEqual([
      ['WRITABLE_ROOT_0', repo],
      ['WRITABLE_ROOT_0_EXCLUDED_0', `${repo}/.git`],
      ['WRITABLE_ROOT_0_EXCLUDED_1', `${repo}/.codex`],
      ['WRITABLE_ROOT_1', '/private/tmp'],
    ]);
    expect(p.profile).toContain(`(require-not (regex #"^/Users/dev/repo/\\.agents(/.*)?$"))`);
    expect(p.profile).toContain(`(require-not (regex #"^/private/tmp/\\.git(/.*)?$"))`);
  });

  it('seatbelt: a writable root with a symlink below the top level is refused with the reference message', () => {
    const host = fakeMacHost({ '/Users/dev/real': { kind: 'dir' }, '/Users/dev/link': { kind: 'symlink', target: 'real' } });
    expect(() => plan(resolvedFixture({ writableRoots: [root('/Users/dev/link/sub')] }), { host })).toThrowError(
      expect.objectContaining({
        code: 'E_UNSUPPORTED_POLICY',
        message: expect.stringContaining('writable root /Users/dev/link/sub contains symlink component /Users/dev/link; symlinked writable roots are not supported'),
      }),
    );
  });

  it('seatbelt: a writable root that is an existing file is matched as a literal, a missing one as a subpath', () => {
    const host = fakeMacHost({ '/Users/dev/notes.txt': { kind: 'file' } });
    const p = plan(resolvedFixture({ writableRoots: [root('/Users/dev/notes.txt', [], []), root('/Users/dev/later', [], [])] }), {
      host,
    });
    expect(p.profile).toContain('(allow file-write*\n(literal (param "WRITABLE_ROOT_0")) (subpath (param "WRITABLE_ROOT_1"))\n)');
  });

  it('seatbelt: every writable root gets a directory-unlink deny so it cannot be deleted or renamed', () => {
    const p = plan(resolvedFixture({ writableRoots: [root('/Users/dev/a'), root('/Users/dev/b')] }));
    expect(p.profile).toContain(
      '(deny file-write-unlink (require-all (literal (param "WRITABLE_ROOT_0")) (vnode-type DIRECTORY)))\n(deny file-write-unlink (require-all (literal (param "WRITABLE_ROOT_1")) (vnode-type DIRECTORY)))',
    );
  });

  it('seatbelt: a symlinked carve-out is excluded under its in-root spelling and its resolved twin', () => {
    const host = fakeMacHost({
      '/Users/dev/w/decoy': { kind: 'dir' },
      '/Users/dev/w/.codex': { kind: 'symlink', target: 'decoy' },
    });
    const p = plan(resolvedFixture({ writableRoots: [root('/Users/dev/w', ['/Users/dev/w/.codex'])] }), { host });
    expect(paramsWithPrefix(p, 'WRITABLE')).toStrictEqual([
      ['WRITABLE_ROOT_0', '/Users/dev/w'],
      ['WRITABLE_ROOT_0_EXCLUDED_0', '/Users/dev/w/.codex'],
      ['WRITABLE_ROOT_0_EXCLUDED_0_RESOLVED', '/Users/dev/w/decoy'],
    ]);
  });

  it('seatbelt: a carve-out under a writable root given as /tmp/... is rebased onto /private/tmp', () => {
    const p = plan(resolvedFixture({ writableRoots: [root('/tmp/w', ['/tmp/w/.git'])] }));
    expect(paramsWithPrefix(p, 'WRITABLE')).toStrictEqual([
      ['WRITABLE_ROOT_0', '/private/tmp/w'],
      ['WRITABLE_ROOT_0_EXCLUDED_0', '/private/tmp/w/.git'],
    ]);
  });

  it('seatbelt: ancestors of a nested carve-out get PROTECTED_ANCESTOR params and unlink denies after every allow', () => {
    const p = plan(
      resolvedFixture({
        includePlatformDefaults: true,
        writableRoots: [root('/Users/dev/w', ['/Users/dev/w/.github/workflows/ci.yml'])],
      }),
    );
    expect(paramsWithPrefix(p, 'PROTECTED_ANCESTOR')).toStrictEqual([
      ['PROTECTED_ANCESTOR_0', '/Users/dev/w/.github'],
      ['PROTECTED_ANCESTOR_1', '/Users/dev/w/.github/workflows'],
    ]);
    const deny0 = p.profile.indexOf('(deny file-write-unlink (require-all (vnode-type DIRECTORY) (literal (param "PROTECTED_ANCESTOR_0"))))');
    expect(deny0).toBeGreaterThan(p.profile.lastIndexOf('(allow file-write*'));
    expect(p.profile.trimEnd().endsWith('(deny file-write-unlink (require-all (vnode-type DIRECTORY) (literal (param "PROTECTED_ANCESTOR_1"))))')).toBe(true);
  });

  it('seatbelt: only the names the resolver lists get regexes (a re-granted .codex gets none)', () => {
    const p = plan(resolvedFixture({ writableRoots: [root('/Users/dev/w', [], ['.git', '.agents', '.aws'])] }));
    expect(p.profile).not.toContain('\\.codex(/.*)?$');
    expect(p.profile).toContain('(require-not (regex #"^/Users/dev/w/\\.git(/.*)?$"))');
  });

  it('seatbelt: regex metacharacters and quotes in a root are escaped inside #"..."', () => {
    const p = plan(resolvedFixture({ writableRoots: [root('/Users/dev/a.b "q" (x)', [], ['.git'])] }));
    expect(p.profile).toContain('(require-not (regex #"^/Users/dev/a\\.b \\"q\\" \\(x\\)/\\.git(/.*)?$"))');
    const items = parseSbpl(p.profile);
    expect(renderSbpl(items)).toBe(p.profile);
  });
});

describe('seatbelt: preferences and platform defaults (A9, A10)', () => {
  it('seatbelt: a full-read (legacy read-only) profile allows user-preference-read and never user-preference-write', () => {
    const p = plan(resolvedFixture({ fullDiskRead: true }));
    expect(p.profile).toContain('(allow user-preference-read)');
    expect(p.profile).not.toContain('user-preference-write');
  });

  it('seatbelt: restricted reads get no preferences rules', () => {
    const p = plan(resolvedFixture({ readableRoots: ['/Users/dev/w'] }));
    expect(p.profile).not.toContain('user-preference-read');
    expect(p.profile).not.toContain('apple.cfprefs.');
  });

  it('seatbelt: :minimal adds the read-only defaults and, for processes only, /Applications and the scratch dirs', () => {
    const resolved = resolvedFixture({ includePlatformDefaults: true, readableRoots: ['/Users/dev/w'] });
    const process = plan(resolved);
    const helper = plan(resolved, { profileKind: 'file-system-helper' });
    for (const p of [process, helper]) {
      expect(p.profile).toContain('(subpath "/System/Library/Frameworks")');
      expect(p.profile).toContain('(allow system-fsctl (fsctl-command FSIOC_CAS_BSDFLAGS))');
    }
    for (const dir of ['/tmp', '/private/tmp', '/var/tmp', '/private/var/tmp']) {
      expect(process.profile).toContain(`(allow file-read* file-test-existence file-write* (subpath "${dir}"))`);
      expect(helper.profile).not.toContain(`file-write* (subpath "${dir}")`);
    }
    expect(process.profile).toContain('(subpath "/Applications")');
    expect(helper.profile).not.toContain('/Applications');
  });

  it('seatbelt: without :minimal there are no platform defaults', () => {
    const p = plan(resolvedFixture({ readableRoots: ['/Users/dev/w'] }));
    expect(p.profile).not.toContain('/System/Library/Frameworks');
    expect(p.profile).not.toContain('(subpath "/tmp")');
  });
});

describe('seatbelt: deny globs (A7)', () => {
  it('seatbelt: a deny glob denies read and write by regex, also under its canonical prefix, with ancestor unlink guards', () => {
    const p = plan(resolvedFixture({ fullDiskRead: false, readableRoots: ['/tmp/repo'], unreadableGlobs: ['/tmp/repo/**/*.env'] }));
    for (const r of ['^/tmp/repo/([^/]+/)*[^/]*\\.env$', '^/private/tmp/repo/([^/]+/)*[^/]*\\.env$']) {
      expect(p.profile).toContain(`(deny file-read* (regex #"${r}"))`);
      expect(p.profile).toContain(`(deny file-write* (regex #"${r}"))`);
    }
    expect(p.profile).not.toContain('(regex #"^/tmp/repo/.*$")');
    for (const a of ['^/tmp/repo$', '^/private/tmp/repo$']) {
      expect(p.profile).toContain(`(deny file-write-unlink (require-all (vnode-type DIRECTORY) (regex #"${a}")))`);
    }
    const firstDeny = p.profile.indexOf('(deny file-read* (regex');
    expect(firstDeny).toBeGreaterThan(p.profile.lastIndexOf('(allow '));
  });
});

describe('seatbelt: plan shape', () => {
  it('seatbelt: argv is sandbox-exec by absolute path, -p profile, -D params in order, --, then the command unchanged', () => {
    const p = plan(
      resolvedFixture({
        readableRoots: ['/Users/dev/w'],
        writableRoots: [root('/Users/dev/w', ['/Users/dev/w/a/b'])],
      }),
      { command: ['git', 'status', '--short'], network: { unixSockets: ['/tmp/s.sock'] } },
    );
    expect(p.argv.slice(0, 3)).toStrictEqual(['/usr/bin/sandbox-exec', '-p', p.profile]);
    expect(p.argv.slice(3, 3 + p.params.length)).toStrictEqual(p.params.map(([k, v]) => `-D${k}=${v}`));
    expect(p.params.map(([k]) => k)).toStrictEqual(['READABLE_ROOT_0', 'WRITABLE_ROOT_0', 'WRITABLE_ROOT_0_EXCLUDED_0', 'PROTECTED_ANCESTOR_0', 'UNIX_SOCKET_PATH_0']);
    expect(p.argv.slice(3 + p.params.length)).toStrictEqual(['--', 'git', 'status', '--short']);
    expect(p.backend).toBe('seatbelt');
    expect(p.platform).toBe('macos');
    expect(p.hostPrep).toStrictEqual([]);
  });

  it('seatbelt: the child env carries CODEX_SANDBOX=seatbelt and, with the network restricted, the disabled marker', () => {
    const restricted = plan(resolvedFixture(), { env: { CODEX_SANDBOX: 'spoofed', CODEX_SANDBOX_NETWORK_DISABLED: '0', FOO: 'bar' } });
    expect(restricted.env).toStrictEqual({ FOO: 'bar', CODEX_SANDBOX: 'seatbelt', CODEX_SANDBOX_NETWORK_DISABLED: '1' });
    const enabled = plan(resolvedFixture({ network: 'enabled' }));
    expect(enabled.env).toStrictEqual({ CODEX_SANDBOX: 'seatbelt' });
    expect(enabled.enforcement.network).toBe('not-restricted');
    expect(restricted.enforcement.network).toBe('enforced');
  });

  it('seatbelt: the plan is plain JSON data and planning is deterministic', () => {
    const resolved = resolvedFixture({
      includePlatformDefaults: true,
      readableRoots: ['/Users/dev/w'],
      writableRoots: [root('/Users/dev/w', ['/Users/dev/w/.git'])],
      unreadableGlobs: ['/Users/dev/w/**/*.pem'],
    });
    const p = plan(resolved, { network: { managed: { loopbackPorts: [3128], allowLocalBinding: true } } });
    expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
    expect(plan(resolved, { network: { managed: { loopbackPorts: [3128], allowLocalBinding: true } } })).toStrictEqual(p);
  });

  it('seatbelt: the typed items render to the plan profile and parse back to the same items', () => {
    const resolved = resolvedFixture({
      includePlatformDefaults: true,
      fullDiskRead: false,
      readableRoots: ['/Users/dev/w', '/tmp/x'],
      unreadableRoots: ['/Users/dev/w/secret'],
      writableRoots: [root('/Users/dev/w', ['/Users/dev/w/secret', '/Users/dev/w/.git'])],
      unreadableGlobs: ['/Users/dev/w/{a,b}/[!x]?.txt'],
    });
    const host = fakeMacHost();
    const built = planSeatbeltProfile(resolved, { host, network: { unixSockets: 'all', allowLocalBinding: true, proxyEnv: { HTTP_PROXY: 'http://127.0.0.1:8080' } } });
    const text = renderSbpl(built.items);
    expect(parseSbpl(text)).toStrictEqual(built.items);
  });

  it('seatbelt: without a command the argv ends at --; a non-string argument is a usage error', () => {
    const p = planMacos(resolvedFixture(), { host: fakeMacHost(), permissionProfile: {} });
    expect(p.argv[p.argv.length - 1]).toBe('--');
    expect(() => plan(resolvedFixture(), { command: ['ls', 3 as unknown as string] })).toThrowError(expect.objectContaining({ code: 'E_USAGE' }));
  });

  it('seatbelt: a missing host view or an unknown profile kind is a usage error', () => {
    expect(() => planMacos(resolvedFixture(), { permissionProfile: {} } as never)).toThrowError(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => plan(resolvedFixture(), { profileKind: 'helper' as never })).toThrowError(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('invalid profileKind "helper"') }),
    );
  });

  it('seatbelt: the permission profile is carried through as given', () => {
    const p = plan(resolvedFixture(), { permissionProfile: { type: 'managed', network: 'restricted' } });
    expect(p.permissionProfile).toStrictEqual({ type: 'managed', network: 'restricted' });
  });
});

describe('seatbelt: platform defaults agree with explain() when resolved with the macOS default roots', () => {
  it('seatbelt: reads under every default root are allowed by both, writes denied by both', () => {
    const tree = Object.fromEntries(SEATBELT_PLATFORM_DEFAULT_READ_ROOTS.map((p) => [p, { kind: 'dir' as const }]));
    delete tree['/etc'];
    const host = fakeMacHost(tree);
    const resolved = resolvePolicy(
      { fileSystem: { kind: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'minimal' } }, access: 'read' }] }, network: 'restricted' },
      { cwd: '/Users/dev/w', host, platformDefaultReadRoots: SEATBELT_PLATFORM_DEFAULT_READ_ROOTS },
    );
    const p = planMacos(resolved, { command: ['/bin/ls'], host, permissionProfile: {} });
    const items = parseSbpl(p.profile);
    for (const rootPath of SEATBELT_PLATFORM_DEFAULT_READ_ROOTS) {
      if (host.stat(rootPath) !== 'dir') continue;
      const probe = `${rootPath}/some/file`;
      const seen = canonicalPath(host, probe);
      expect(explain(resolved, probe, 'read').allowed, probe).toBe(true);
      expect(evaluateSbpl(items, p.params, { operation: 'file-read-data', path: seen }).allowed, probe).toBe(true);
      expect(explain(resolved, probe, 'write').allowed, probe).toBe(false);
      expect(evaluateSbpl(items, p.params, { operation: 'file-write-data', path: seen, vnodeType: 'REGULAR-FILE' }).allowed, probe).toBe(false);
    }
    expect(evaluateSbpl(items, p.params, { operation: 'file-read-data', path: '/Users/dev/w/x' }).allowed).toBe(false);
  });

  it('seatbelt: known widening: with :minimal a process may write the scratch dirs that explain() denies (reference A10)', () => {
    const resolved = resolvedFixture({ includePlatformDefaults: true });
    const items = parseSbpl(plan(resolved).profile);
    const verdict = evaluateSbpl(items, [], { operation: 'file-write-data', path: '/private/tmp/x', vnodeType: 'REGULAR-FILE' });
    expect(verdict.allowed).toBe(true);
    const helper = parseSbpl(plan(resolved, { profileKind: 'file-system-helper' }).profile);
    expect(evaluateSbpl(helper, [], { operation: 'file-write-data', path: '/private/tmp/x', vnodeType: 'REGULAR-FILE' }).allowed).toBe(false);
  });
});

describe('seatbelt: constant sections', () => {
  it('seatbelt: constant sections are built once, deeply frozen, and render the same text every time', () => {
    expect(basePolicy()).toBe(basePolicy());
    expect(Object.isFrozen(basePolicy()[1])).toBe(true);
    const first = renderSbpl(readOnlyPlatformDefaults());
    expect(renderSbpl(readOnlyPlatformDefaults())).toBe(first);
    expect(() => {
      (basePolicy() as SbplItem[]).push({ kind: 'comment', text: 'x' });
    }).toThrow(TypeError);
  });
});

describe('seatbelt: protected paths cannot be moved away by renaming an ancestor (A13.14)', () => {
  const w = '/Users/dev/w';
  const unlinkDir = (items: SbplItem[], params: [string, string][], path: string): boolean =>
    evaluateSbpl(items, params, { operation: 'file-write-unlink', path, vnodeType: 'DIRECTORY' }).allowed;

  it.each([
    ['a deny glob with ?', `${w}/.github/workflow?/*.yml`],
    ['a deny glob with braces', `${w}/.github/{workflows,actions}/ci.yml`],
    ['a deny glob with an escape', `${w}/.github/work\\flows/ci.yml`],
    ['a deny glob with *', `${w}/.github/*/ci.yml`],
    ['a deny glob rooted above the workspace', '/Users/dev/**/.github/workflows/ci.yml'],
  ])('seatbelt: %s guards the workspace, .github and .github/workflows', (_what, glob) => {
    const p = plan(resolvedFixture({ readableRoots: [w], writableRoots: [root(w)], unreadableGlobs: [glob] }));
    const items = parseSbpl(p.profile);
    for (const dir of [w, `${w}/.github`, `${w}/.github/workflows`]) expect(unlinkDir(items, p.params, dir), dir).toBe(false);
    expect(unlinkDir(items, p.params, `${w}/unrelated`)).toBe(true);
    const lastAllowWrite = p.profile.lastIndexOf('(allow file-write*');
    expect(p.profile.indexOf('(deny file-write-unlink (require-all (vnode-type DIRECTORY) (regex')).toBeGreaterThan(lastAllowWrite);
  });

  it.each([
    ['a deny entry', 'deny'],
    ['a read entry', 'read'],
  ])('seatbelt: %s deep in the workspace guards its ancestors but not unrelated directories', () => {
    const p = plan(
      resolvedFixture({
        readableRoots: [w],
        writableRoots: [root(w, [`${w}/.github/workflows/ci.yml`])],
      }),
    );
    const items = parseSbpl(p.profile);
    for (const dir of [w, `${w}/.github`, `${w}/.github/workflows`]) expect(unlinkDir(items, p.params, dir), dir).toBe(false);
    expect(unlinkDir(items, p.params, `${w}/src`)).toBe(true);
    expect(evaluateSbpl(items, p.params, { operation: 'file-write-unlink', path: `${w}/.github/x.txt`, vnodeType: 'REGULAR-FILE' }).allowed).toBe(true);
  });
});
