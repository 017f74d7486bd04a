import { describe, expect, it } from 'vitest';
import { compileProfile, type ProfileSource, type SelectProfileInput } from '../../../lib/config/permissions-compile';
import { validatePermissionsTable } from '../../../lib/config/permissions-schema';
import { parseTomlText, type TomlTable, type ValueOrigin } from '../../../lib/config/toml-source';
import { materializeLegacyWorkspace, materializeProfileRoots } from '../../../lib/config/workspace-roots';
import { thrownText } from '../../helpers/errors';

const FILE = '/home/u/.codex/config.toml';

function profilesFrom(text: string): { profiles: Record<string, ProfileSource>; origin: ValueOrigin } {
  const origin: ValueOrigin = { kind: 'file', file: FILE, text };
  const table = parseTomlText(text, FILE);
  const perms = (table.permissions ?? {}) as TomlTable;
  validatePermissionsTable(perms, origin, ['permissions']);
  const profiles: Record<string, ProfileSource> = {};
  for (const [name, t] of Object.entries(perms)) profiles[name] = { table: t as TomlTable, origin, path: ['permissions', name] };
  return { profiles, origin };
}

function compile(text: string, name: string, over: Partial<SelectProfileInput> = {}) {
  const { profiles, origin } = profilesFrom(text);
  return compileProfile({
    name,
    profiles,
    cwd: '/work/repo',
    pathCtx: { home: '/home/u', windows: false },
    platform: 'linux',
    selectedBy: { origin, path: ['default_permissions'] },
    ...over,
  });
}

const sp = (kind: string, subpath?: string) => ({ type: 'special', value: subpath === undefined ? { kind } : { kind, subpath } });

describe('[permissions] compile: built-in profiles', () => {
  it(':read-only is root:read with no network', () => {
    expect(compile('', ':read-only').policy).toStrictEqual({
      fileSystem: { kind: 'restricted', entries: [{ path: sp('root'), access: 'read' }] },
      network: 'restricted',
    });
  });

  it(':workspace by itself is the legacy workspace-write conversion: temp dirs, then protected metadata reads that skip missing names', () => {
    const { policy } = compile('', ':workspace');
    expect(policy).toStrictEqual({
      fileSystem: {
        kind: 'restricted',
        entries: [
          { path: sp('root'), access: 'read' },
          { path: sp('project_roots'), access: 'write' },
          { path: sp('slash_tmp'), access: 'write' },
          { path: sp('tmpdir'), access: 'write' },
          ...['.git', '.agents', '.codex', '.aws'].map((n) => ({ path: sp('project_roots', n), access: 'read', missingPathBehavior: 'skip' })),
        ],
      },
      network: 'restricted',
    });
  });

  it(':workspace as a parent adds root read, both temp dirs and the project roots, and no metadata reads', () => {
    const { policy } = compile('[permissions.p]\nextends = ":workspace"\n[permissions.p.filesystem]\n"/opt" = "read"', 'p');
    expect(policy).toStrictEqual({
      fileSystem: {
        kind: 'restricted',
        entries: [
          { path: { type: 'path', path: '/opt' }, access: 'read' },
          { path: sp('root'), access: 'read' },
          { path: sp('slash_tmp'), access: 'write' },
          { path: sp('tmpdir'), access: 'write' },
          { path: sp('project_roots'), access: 'write' },
        ],
      },
      network: 'restricted',
    });
  });

  it(':danger-full-access is an unrestricted file system with network', () => {
    expect(compile('', ':danger-full-access').policy).toStrictEqual({ fileSystem: { kind: 'unrestricted' }, network: 'enabled' });
  });

  it('an unknown built-in is an error', () => {
    expect(thrownText(() => compile('', ':everything'))).toBe(`E_CONFIG_PARSE: default_permissions refers to unknown built-in profile \`:everything\` (${FILE})`);
  });
});

describe('[permissions] compile: user profiles', () => {
  const dev = [
    'default_permissions = "dev"',
    '[permissions.dev.filesystem]',
    '":root" = "read"',
    '":minimal" = "read"',
    '"~/.ssh" = "none"',
    '"/opt/data" = "read"',
    '"/srv/**" = "write"',
    'glob_scan_max_depth = 3',
    '[permissions.dev.filesystem.":project_roots"]',
    '"." = "write"',
    '"docs" = "read"',
    '"**/*.env" = "deny"',
    '"build/**" = "read"',
    '[permissions.dev.network]',
    'enabled = true',
  ].join('\n');

  it('compiles entries in sorted key order, scoped tables included; none is deny', () => {
    const { policy, warnings } = compile(dev, 'dev');
    expect(policy).toStrictEqual({
      fileSystem: {
        kind: 'restricted',
        globScanMaxDepth: 3,
        entries: [
          { path: { type: 'path', path: '/opt/data' }, access: 'read' },
          { path: { type: 'path', path: '/srv' }, access: 'write' },
          { path: sp('minimal'), access: 'read' },
          // Byte order: "*" sorts before ".".
          { path: { type: 'glob_pattern', pattern: 'codex-project-roots://**/*.env' }, access: 'deny' },
          { path: sp('project_roots'), access: 'write' },
          { path: sp('project_roots', 'build'), access: 'read' },
          { path: sp('project_roots', 'docs'), access: 'read' },
          { path: sp('root'), access: 'read' },
          { path: { type: 'path', path: '/home/u/.ssh' }, access: 'deny' },
        ],
      },
      network: 'enabled',
    });
    expect(warnings).toStrictEqual([]);
  });

  it(':cwd, :project_roots and :workspace_roots are the same token', () => {
    for (const token of [':cwd', ':project_roots', ':workspace_roots']) {
      const { policy } = compile(`[permissions.p.filesystem]\n"${token}" = "write"\n`, 'p');
      expect(policy.fileSystem).toStrictEqual({ kind: 'restricted', entries: [{ path: sp('project_roots'), access: 'write' }] });
    }
  });

  it('extends merges the parent first; the child wins per key', () => {
    const text = [
      '[permissions.base]',
      'extends = ":workspace"',
      '[permissions.base.filesystem]',
      '"/data" = "read"',
      '[permissions.child]',
      'extends = "base"',
      'description = "child profile"',
      '[permissions.child.filesystem]',
      '":tmpdir" = "read"',
      '"/data" = "deny"',
      '[permissions.child.network]',
      'enabled = true',
    ].join('\n');
    const { policy } = compile(text, 'child');
    const entries = (policy.fileSystem as { entries: unknown[] }).entries;
    expect(entries).toContainEqual({ path: { type: 'path', path: '/data' }, access: 'deny' });
    expect(entries).toContainEqual({ path: sp('tmpdir'), access: 'read' });
    expect(entries).toContainEqual({ path: sp('project_roots'), access: 'write' });
    expect(policy.network).toBe('enabled');
  });

  it('workspace_roots adds extra project roots resolved against cwd', () => {
    const text = '[permissions.p]\nextends = ":workspace"\n[permissions.p.workspace_roots]\n"../shared-lib" = true\n"/off" = false\n';
    expect(compile(text, 'p').workspaceRoots).toStrictEqual(['/work/shared-lib']);
  });

  it('inheritance errors: undefined parent, unsupported built-in, cycle', () => {
    expect(thrownText(() => compile('[permissions.a]\nextends = "zz"\n', 'a'))).toBe(`E_CONFIG_PARSE: permissions profile \`a\` extends undefined profile \`zz\` (${FILE}:2:11)`);
    expect(thrownText(() => compile('[permissions.a]\nextends = ":danger-full-access"\n', 'a'))).toBe(
      `E_CONFIG_PARSE: permissions profile \`a\` cannot extend unsupported built-in profile \`:danger-full-access\` (${FILE}:2:11)`,
    );
    expect(thrownText(() => compile('[permissions.a]\nextends = "b"\n[permissions.b]\nextends = "a"\n', 'a'))).toMatch(
      /permissions profile inheritance cycle detected: a -> b -> a/,
    );
  });

  it('selection errors: no [permissions] table, undefined profile', () => {
    expect(thrownText(() => compile('', 'dev'))).toMatch(/^E_CONFIG_PARSE: default_permissions requires a `\[permissions\]` table/);
    expect(thrownText(() => compile('[permissions.other.filesystem]\n":root" = "read"\n', 'dev'))).toMatch(/default_permissions refers to undefined profile `dev`/);
  });

  it('an unknown token is kept as unknown with a warning, and a profile with nothing recognized warns', () => {
    const { policy, warnings } = compile('[permissions.p.filesystem]\n":future" = "write"\n', 'p');
    expect(policy.fileSystem).toStrictEqual({
      kind: 'restricted',
      entries: [{ path: { type: 'special', value: { kind: 'unknown', path: ':future' } }, access: 'write' }],
    });
    expect(warnings).toStrictEqual([
      'Configured filesystem path `:future` is not recognized by this version of Codex and will be ignored. Upgrade Codex if this path is required.',
      'Permissions profile `p` does not define any recognized filesystem entries for this version of Codex. Filesystem access will remain restricted. Upgrade Codex if this profile expects filesystem permissions.',
    ]);
  });

  it('unreadable_globstar_warning_is_suppressed_when_scan_depth_is_configured', () => {
    const without = compile('[permissions.p.filesystem]\n":root" = "read"\n"/w/**/*.env" = "deny"\n', 'p').warnings;
    expect(without).toHaveLength(1);
    expect(without[0]).toMatch(/^Filesystem deny-read glob `\/w\/\*\*\/\*\.env` uses `\*\*`/);
    const withDepth = compile('[permissions.p.filesystem]\n":root" = "read"\n"/w/**/*.env" = "deny"\nglob_scan_max_depth = 2\n', 'p').warnings;
    expect(withDepth).toStrictEqual([]);
    expect(compile('[permissions.p.filesystem]\n"/w/**/*.env" = "deny"\n', 'p', { platform: 'macos' }).warnings).toStrictEqual([]);
  });

  it('domain and unix-socket rules compile into a proxied network', () => {
    const text =
      '[permissions.p.filesystem]\n":root" = "read"\n[permissions.p.network]\nenabled = true\nallow_local_binding = true\n[permissions.p.network.domains]\n"api.example.com" = "allow"\n"**.evil.example" = "deny"\n[permissions.p.network.unix_sockets]\n"/run/a.sock" = "allow"\n"/run/b.sock" = "none"\n';
    expect(compile(text, 'p').policy.network).toStrictEqual({
      mode: 'proxied',
      allowedDomains: ['api.example.com'],
      deniedDomains: ['**.evil.example'],
      allowLocalBinding: true,
      unixSockets: ['/run/a.sock'],
    });
  });

  it('enabled = true alone is the whole network; enabled = false ignores rules with a warning', () => {
    expect(compile('[permissions.p.network]\nenabled = true\n', 'p').policy.network).toBe('enabled');
    const off = compile('[permissions.p.network]\nenabled = false\n[permissions.p.network.domains]\n"a.com" = "allow"\n', 'p');
    expect(off.policy.network).toBe('restricted');
    expect(off.warnings).toContain('permissions.p.network sets enabled = false, so its domain and socket rules are ignored: the network is restricted');
  });
});

describe('[permissions] schema: strict, located errors', () => {
  const cases: [string, string][] = [
    ['[permissions.p.filesystem]\n"relative/dir" = "read"\n', 'filesystem path `relative/dir` must be absolute, use `~/...`, or start with `:` (FILE:2:1)'],
    ['[permissions.p.filesystem]\n":root" = "rw"\n', 'invalid filesystem access "rw" for ":root"; use "read", "write" or "deny" (FILE:2:11)'],
    ['[permissions.p.filesystem]\n":root" = { "x" = "read" }\n', 'filesystem path `:root` does not support nested entries (FILE:2:1)'],
    ['[permissions.p.filesystem.":project_roots"]\n"../up" = "read"\n', 'filesystem subpath `../up` must be a descendant path without `.` or `..` components (FILE:2:1)'],
    [
      '[permissions.p.filesystem]\n"/src/**/*.rs" = "read"\n',
      'filesystem glob path `/src/**/*.rs` only supports `deny` access; use an exact path or trailing `/**` for `read` subtree access (FILE:2:1)',
    ],
    ['[permissions.p.filesystem.":project_roots"]\n"src/**/*.rs" = "write"\n', 'filesystem glob subpath `src/**/*.rs` only supports `deny` access (FILE:2:1)'],
    ['[permissions.p.filesystem]\nglob_scan_max_depth = 0\n', 'glob_scan_max_depth must be at least 1 (FILE:2:23)'],
    ['[permissions.p]\nfilesytem = {}\n', 'unknown key "filesytem" in [permissions.p]; did you mean "filesystem"? (FILE:2:1)'],
    ['[permissions.p.network]\nenabled = "yes"\n', 'permissions.p.network.enabled must be a boolean, got string "yes" (FILE:2:11)'],
    [
      '[permissions.p.network]\nproxy = 1\n',
      'unknown key "proxy" in [permissions.p.network]; expected one of "enabled", "domains", "unix_sockets", "allow_local_binding", "allowed_domains", "denied_domains", "allow_unix_sockets" (FILE:2:1)',
    ],
    ['[permissions.":mine"]\n', 'permissions profile `:mine` uses a reserved built-in profile prefix (FILE:1:1)'],
  ];
  for (const [text, message] of cases) {
    it(`rejects: ${message.split(' (')[0]}`, () => {
      expect(thrownText(() => profilesFrom(text))).toBe(`E_CONFIG_PARSE: ${message.replace('FILE', FILE)}`);
    });
  }

  it('glob_scan_max_depth = 2 is accepted and a trailing /** read compiles as a subtree', () => {
    const { policy } = compile('[permissions.p.filesystem]\nglob_scan_max_depth = 2\n[permissions.p.filesystem.":project_roots"]\n"docs/**" = "read"\n', 'p');
    expect(policy.fileSystem).toStrictEqual({ kind: 'restricted', globScanMaxDepth: 2, entries: [{ path: sp('project_roots', 'docs'), access: 'read' }] });
  });
});

describe('workspace_roots materialization', () => {
  const symbolic = {
    fileSystem: {
      kind: 'restricted' as const,
      entries: [
        { path: sp('root'), access: 'read' as const },
        { path: sp('project_roots'), access: 'write' as const },
        { path: { type: 'glob_pattern' as const, pattern: 'codex-project-roots://**/*.env' }, access: 'deny' as const },
        { path: { type: 'path' as const, path: '/opt' }, access: 'read' as const },
        { path: sp('project_roots', '.git'), access: 'read' as const, missingPathBehavior: 'skip' as const },
      ],
    },
    network: 'restricted' as const,
  };

  it('a profile binds project-roots entries to cwd in place, then appends them per extra root (by entry, then root)', () => {
    expect(materializeProfileRoots(symbolic as never, '/w', ['/a', '/b']).fileSystem).toStrictEqual({
      kind: 'restricted',
      entries: [
        { path: sp('root'), access: 'read' },
        { path: { type: 'path', path: '/w' }, access: 'write' },
        { path: { type: 'glob_pattern', pattern: '/w/**/*.env' }, access: 'deny' },
        { path: { type: 'path', path: '/opt' }, access: 'read' },
        { path: { type: 'path', path: '/w/.git' }, access: 'read', missingPathBehavior: 'skip' },
        { path: { type: 'path', path: '/a' }, access: 'write' },
        { path: { type: 'path', path: '/b' }, access: 'write' },
        { path: { type: 'glob_pattern', pattern: '/a/**/*.env' }, access: 'deny' },
        { path: { type: 'glob_pattern', pattern: '/b/**/*.env' }, access: 'deny' },
        { path: { type: 'path', path: '/a/.git' }, access: 'read', missingPathBehavior: 'skip' },
        { path: { type: 'path', path: '/b/.git' }, access: 'read', missingPathBehavior: 'skip' },
      ],
    });
  });

  it('the legacy mode writes its roots before the metadata reads and expands every project-roots entry in place, root by root', () => {
    expect(materializeLegacyWorkspace(symbolic as never, '/w', ['/a']).fileSystem).toStrictEqual({
      kind: 'restricted',
      entries: [
        { path: sp('root'), access: 'read' },
        { path: { type: 'path', path: '/w' }, access: 'write' },
        { path: { type: 'path', path: '/a' }, access: 'write' },
        { path: { type: 'glob_pattern', pattern: '/w/**/*.env' }, access: 'deny' },
        { path: { type: 'glob_pattern', pattern: '/a/**/*.env' }, access: 'deny' },
        { path: { type: 'path', path: '/opt' }, access: 'read' },
        { path: { type: 'path', path: '/a' }, access: 'write' },
        { path: { type: 'path', path: '/w/.git' }, access: 'read', missingPathBehavior: 'skip' },
        { path: { type: 'path', path: '/a/.git' }, access: 'read', missingPathBehavior: 'skip' },
      ],
    });
  });

  it('an unrestricted file system is left alone', () => {
    const open = { fileSystem: { kind: 'unrestricted' as const }, network: 'enabled' as const };
    expect(materializeProfileRoots(open, '/w', ['/a'])).toBe(open);
    expect(materializeLegacyWorkspace(open, '/w', ['/a'])).toBe(open);
  });
});

describe('[permissions] network tables', () => {
  it('network_toml_ignores_legacy_network_list_keys: allowed_domains is ignored with a warning, not enforced', () => {
    const { policy, warnings } = compile('[permissions.p.filesystem]\n":root" = "read"\n[permissions.p.network]\nallowed_domains = ["a.com"]\n', 'p');
    expect(policy.network).toBe('restricted');
    expect(warnings).toStrictEqual(['permissions.p.network.allowed_domains is a legacy list the reference ignores; use [permissions.p.network.domains] or unix_sockets']);
  });

  it('unix_sockets rules make a proxied network; a bad socket value or path is a located error', () => {
    expect(compile('[permissions.p.network.unix_sockets]\n"/run/docker.sock" = "allow"\n', 'p').policy.network).toMatchObject({
      mode: 'proxied',
      unixSockets: ['/run/docker.sock'],
    });
    expect(thrownText(() => profilesFrom('[permissions.p.network.unix_sockets]\n"/x" = "maybe"\n'))).toBe(
      `E_CONFIG_PARSE: unix_sockets entry "/x" must be "allow", "none" or "deny", got "maybe" (${FILE}:2:8)`,
    );
    expect(thrownText(() => profilesFrom('[permissions.p.network.unix_sockets]\n"run/x.sock" = "allow"\n'))).toBe(
      `E_CONFIG_PARSE: unix socket path \`run/x.sock\` must be absolute or use \`~/...\` (${FILE}:2:1)`,
    );
  });

  it.each([
    ['"api.example.com:0" = "allow"', 'invalid domain pattern `api.example.com:0`: port `0` is out of range (1-65535)'],
    ['"api.example.com:65536" = "allow"', 'invalid domain pattern `api.example.com:65536`: port `65536` is out of range (1-65535)'],
    ['"*" = "deny"', 'invalid domain pattern `*`: the global `*` is only allowed in allow rules'],
    ['"a.*.com" = "allow"', 'invalid domain pattern `a.*.com`: a wildcard is only allowed as a leading `*.` or `**.`, or as the whole pattern `*`'],
    ['"a.com" = "yes"', 'domains entry "a.com" must be "allow" or "deny", got "yes"'],
  ])('a malformed domain rule is a located error: %s', (line, message) => {
    expect(thrownText(() => profilesFrom(`[permissions.p.network.domains]\n${line}\n`))).toMatch(
      new RegExp(`^E_CONFIG_PARSE: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${FILE}:2:\\d+\\)$`),
    );
  });

  it('mixing the domains table with a legacy list is the reference error, located', () => {
    expect(thrownText(() => profilesFrom('[permissions.p.network]\nallowed_domains = ["a.com"]\n[permissions.p.network.domains]\n"b.com" = "allow"\n'))).toBe(
      `E_CONFIG_PARSE: \`permissions.p.network.domains\` cannot be combined with legacy \`allowed_domains\` or \`denied_domains\` (${FILE}:3:1)`,
    );
    expect(thrownText(() => profilesFrom('[permissions.p.network]\nallow_unix_sockets = ["/a"]\n[permissions.p.network.unix_sockets]\n"/b" = "allow"\n'))).toBe(
      `E_CONFIG_PARSE: \`permissions.p.network.unix_sockets\` cannot be combined with legacy \`allow_unix_sockets\` (${FILE}:3:1)`,
    );
  });
});
