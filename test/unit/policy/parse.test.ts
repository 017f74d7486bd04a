// Wire forms in, typed forms out: every input spelling, and every bad input as a typed error.
import { describe, expect, it } from 'vitest';
import { parsePolicyInput } from '../../../lib/policy/public-entry';
import { parseFileSystemSandboxPolicy, parseLegacySandboxPolicy, parseNetworkSandboxPolicy, parsePermissionProfile } from '../../../lib/policy/parse-policy';
import { permissionProfileToPolicy, policyToPermissionProfile } from '../../../lib/policy/profile';
import { legacySandboxPolicyToWire, permissionProfileToWire } from '../../../lib/policy/wire';
import { e, restricted } from './entries';
import { fakeHost } from './fake-host';
import { thrown } from '../../helpers/errors';

const managed = (entries: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'managed',
  file_system: { type: 'restricted', entries, ...extra },
  network: 'restricted',
});
const special = (kind: string, more: Record<string, unknown> = {}) => ({ type: 'special', value: { kind, ...more } });

describe('parsePermissionProfile', () => {
  it('managed restricted with every path type, access and skip-missing', () => {
    const profile = parsePermissionProfile(
      managed(
        [
          { path: special('root'), access: 'read' },
          { path: special('project_roots'), access: 'write' },
          { path: special('project_roots', { subpath: 'docs' }), access: 'read' },
          { path: { type: 'path', path: '/home/u/.ssh' }, access: 'none' },
          { path: { type: 'glob_pattern', pattern: '**/*.env' }, access: 'deny' },
          { path: special('project_roots', { subpath: '.git' }), access: 'read', missing_path_behavior: 'skip' },
          { path: special('unknown', { path: ':future' }), access: 'read' },
          { path: special('tmpdir'), access: 'write' },
          { path: special('slash_tmp'), access: 'write' },
          { path: special('minimal'), access: 'read' },
        ],
        { glob_scan_max_depth: 3 },
      ),
    );
    expect(profile).toStrictEqual({
      type: 'managed',
      fileSystem: {
        type: 'restricted',
        globScanMaxDepth: 3,
        entries: [
          e.root('read'),
          e.cwd('write'),
          e.sub('docs', 'read'),
          e.path('/home/u/.ssh', 'deny'),
          e.glob('**/*.env'),
          e.sub('.git', 'read', true),
          e.unknown(':future', 'read'),
          e.tmpdir('write'),
          e.slashTmp('write'),
          e.minimal('read'),
        ],
      },
      network: 'restricted',
    });
  });

  it('wire output is the Era C spelling: deny, project_roots, skip, snake_case', () => {
    const wire = permissionProfileToWire(parsePermissionProfile(managed([{ path: special('current_working_directory'), access: 'none', missing_path_behavior: 'skip' }])));
    expect(wire).toStrictEqual(managed([{ path: special('project_roots'), access: 'deny', missing_path_behavior: 'skip' }]));
  });

  it('disabled, external and managed unrestricted', () => {
    expect(parsePermissionProfile({ type: 'disabled' })).toStrictEqual({ type: 'disabled' });
    expect(parsePermissionProfile('{"type":"external","network":"enabled"}')).toStrictEqual({ type: 'external', network: 'enabled' });
    expect(parsePermissionProfile({ type: 'managed', file_system: { type: 'unrestricted' }, network: 'enabled' })).toStrictEqual({
      type: 'managed',
      fileSystem: { type: 'unrestricted' },
      network: 'enabled',
    });
  });

  it('the older untagged form deserializes as a managed profile', () => {
    expect(parsePermissionProfile({ network: { enabled: true }, file_system: { entries: [{ path: special('root'), access: 'read' }] } })).toStrictEqual({
      type: 'managed',
      fileSystem: { type: 'restricted', entries: [e.root('read')] },
      network: 'enabled',
    });
  });

  it('round trips through the wire form', () => {
    const input = managed([{ path: special('project_roots', { subpath: 'a' }), access: 'write' }], { glob_scan_max_depth: 2 });
    expect(permissionProfileToWire(parsePermissionProfile(input))).toStrictEqual(input);
  });

  it('profile <-> policy: disabled is unrestricted with network; managed unrestricted without network stays managed', () => {
    expect(permissionProfileToPolicy({ type: 'disabled' })).toStrictEqual({ fileSystem: { kind: 'unrestricted' }, network: 'enabled' });
    expect(policyToPermissionProfile({ fileSystem: { kind: 'unrestricted' }, network: 'enabled' })).toStrictEqual({ type: 'disabled' });
    expect(policyToPermissionProfile({ fileSystem: { kind: 'unrestricted' }, network: 'restricted' })).toStrictEqual({
      type: 'managed',
      fileSystem: { type: 'unrestricted' },
      network: 'restricted',
    });
    expect(policyToPermissionProfile({ fileSystem: { kind: 'external-sandbox' }, network: 'enabled' })).toStrictEqual({ type: 'external', network: 'enabled' });
    const policy = restricted([e.root('read')]);
    expect(permissionProfileToPolicy(policyToPermissionProfile(policy))).toStrictEqual(policy);
  });
});

describe('bad input is a PolicyInvalidError naming key, position and source', () => {
  const source = { flag: '--permission-profile' };

  it('unknown key, with a suggestion', () => {
    const err = thrown(() => parsePermissionProfile({ ...managed([]), netwrok: 'enabled' }, source));
    expect(err.code).toBe('E_POLICY_INVALID');
    expect(err.message).toBe('invalid permission profile: unknown key "netwrok" at the top level (--permission-profile); did you mean "network"?');
    expect(err.path).toStrictEqual(['netwrok']);
    expect(err.source).toStrictEqual(source);
  });

  it('unknown key nested in an entry names its position', () => {
    const err = thrown(() => parsePermissionProfile(managed([{ path: special('root'), access: 'read', mode: 1 }]), source));
    expect(err.message).toContain('unknown key "mode" at file_system.entries[0]');
    expect(err.path).toStrictEqual(['file_system', 'entries', 0, 'mode']);
  });

  it('unknown access value and unknown special kind', () => {
    expect(thrown(() => parsePermissionProfile(managed([{ path: special('root'), access: 'rw' }]))).message).toContain(
      'invalid value "rw" at file_system.entries[0].access; expected one of "read", "write", "deny", "none"',
    );
    expect(thrown(() => parsePermissionProfile(managed([{ path: special('home'), access: 'read' }]))).message).toContain(
      'unknown kind "home" at file_system.entries[0].path.value.kind',
    );
  });

  it('unknown profile type lists the known ones', () => {
    expect(thrown(() => parsePermissionProfile({ type: 'sandboxed' })).message).toContain('unknown type "sandboxed" at type; expected one of "managed", "disabled", "external"');
  });

  it('every problem is kept in issues', () => {
    const err = thrown(() => parsePermissionProfile({ ...managed([{ path: special('root'), access: 'x' }]), a: 1, b: 2 }));
    expect(err.issues.length).toBe(3);
    expect(err.message).toMatch(/and 2 more problems/);
  });

  it('malformed JSON', () => {
    const err = thrown(() => parsePermissionProfile('{"type":', source));
    expect(err.code).toBe('E_POLICY_INVALID');
    expect(err.message).toMatch(/^invalid permission profile: malformed JSON \(.*\) \(--permission-profile\); pass a JSON object$/);
  });

  it('relative and NUL-containing paths', () => {
    expect(thrown(() => parsePermissionProfile(managed([{ path: { type: 'path', path: 'rel' }, access: 'read' }]))).message).toContain('path is not absolute');
    const nul = thrown(() => parsePermissionProfile(managed([{ path: { type: 'path', path: '/a\0b' }, access: 'read' }])));
    expect(nul.message).toContain('NUL');
    expect(nul.path).toStrictEqual(['file_system', 'entries', 0, 'path', 'path']);
  });

  it('a path, subpath or glob holding U+FFFD (what invalid UTF-8 decodes to) is refused, naming where (issue #20)', () => {
    const path = thrown(() => parsePermissionProfile(managed([{ path: { type: 'path', path: '/home/u/secret\uFFFD' }, access: 'deny' }]), source));
    expect(path.code).toBe('E_POLICY_INVALID');
    expect(path.message).toContain('path contains U+FFFD, so it cannot be named exactly (invalid UTF-8 decodes to U+FFFD)');
    expect(path.path).toStrictEqual(['file_system', 'entries', 0, 'path', 'path']);
    const sub = thrown(() => parsePermissionProfile(managed([{ path: { type: 'special', value: { kind: 'project_roots', subpath: 'a\uFFFD' } }, access: 'deny' }])));
    expect(sub.message).toContain('subpath contains U+FFFD');
    const glob = thrown(() => parsePermissionProfile(managed([{ path: { type: 'glob_pattern', pattern: '/w/**/*.pem\uFFFD' }, access: 'deny' }])));
    expect(glob.message).toContain('pattern contains U+FFFD');
    // From JSON text as well (the \ufffd escape and the raw character decode alike).
    const text = JSON.stringify(managed([{ path: { type: 'path', path: '/a\uFFFD' }, access: 'deny' }]));
    expect(thrown(() => parsePermissionProfile(text, source)).message).toContain('U+FFFD');
    // Other non-ASCII names are fine.
    expect(() => parsePermissionProfile(managed([{ path: { type: 'path', path: '/home/u/résumé-日本' }, access: 'deny' }]))).not.toThrow();
  });

  it('read or write glob entries are refused', () => {
    expect(thrown(() => parsePermissionProfile(managed([{ path: { type: 'glob_pattern', pattern: '*.rs' }, access: 'write' }]))).message).toContain(
      'glob_pattern entries only support deny access',
    );
  });

  it('glob_scan_max_depth must be at least 1', () => {
    expect(thrown(() => parsePermissionProfile(managed([], { glob_scan_max_depth: 0 }))).message).toContain('glob_scan_max_depth must be at least 1');
  });

  it('a file config source is rendered with its key', () => {
    const err = thrown(() => parseLegacySandboxPolicy({ type: 'workspace-write', writeable_roots: [] }, { file: '/c/config.toml', key: 'sandbox' }));
    expect(err.message).toBe('invalid legacy sandbox policy: unknown key "writeable_roots" at the top level (/c/config.toml (sandbox)); did you mean "writable_roots"?');
  });

  it('non-object input', () => {
    expect(thrown(() => parsePolicyInput('42')).message).toContain('expected a JSON object, got number');
    expect(thrown(() => parsePolicyInput([])).message).toContain('got an array');
    expect(thrown(() => parsePolicyInput({ type: 'nope' })).message).toContain('unknown type "nope"');
  });

  it('a missing required key is named', () => {
    expect(thrown(() => parsePermissionProfile({ type: 'managed' })).message).toContain('missing');
  });
});

describe('parseLegacySandboxPolicy', () => {
  it('Era A/C read-only and the Era B restricted access (include_platform_defaults defaults to true)', () => {
    expect(parseLegacySandboxPolicy({ type: 'read-only' })).toStrictEqual({ type: 'read-only', access: { type: 'full-access' }, networkAccess: false });
    expect(parseLegacySandboxPolicy({ type: 'read-only', access: { type: 'restricted', readable_roots: ['/data'] }, network_access: true })).toStrictEqual({
      type: 'read-only',
      access: { type: 'restricted', includePlatformDefaults: true, readableRoots: ['/data'] },
      networkAccess: true,
    });
  });

  it('workspace-write with every field, and the wire form omits defaults', () => {
    const wire = {
      type: 'workspace-write',
      writable_roots: ['/home/u/extra'],
      read_only_access: { type: 'restricted', include_platform_defaults: true, readable_roots: ['/opt/sdk'] },
      network_access: false,
      exclude_tmpdir_env_var: false,
      exclude_slash_tmp: true,
    };
    const parsed = parseLegacySandboxPolicy(JSON.stringify(wire));
    expect(parsed).toStrictEqual({
      type: 'workspace-write',
      writableRoots: ['/home/u/extra'],
      readOnlyAccess: { type: 'restricted', includePlatformDefaults: true, readableRoots: ['/opt/sdk'] },
      networkAccess: false,
      excludeTmpdirEnvVar: false,
      excludeSlashTmp: true,
    });
    expect(legacySandboxPolicyToWire(parsed)).toStrictEqual(wire);
    expect(legacySandboxPolicyToWire(parseLegacySandboxPolicy({ type: 'workspace-write' }))).toStrictEqual({
      type: 'workspace-write',
      network_access: false,
      exclude_tmpdir_env_var: false,
      exclude_slash_tmp: false,
    });
    expect(legacySandboxPolicyToWire(parseLegacySandboxPolicy({ type: 'read-only' }))).toStrictEqual({ type: 'read-only' });
  });

  it('external-sandbox defaults to a restricted network and always emits it', () => {
    const parsed = parseLegacySandboxPolicy({ type: 'external-sandbox' });
    expect(parsed).toStrictEqual({ type: 'external-sandbox', networkAccess: 'restricted' });
    expect(legacySandboxPolicyToWire(parsed)).toStrictEqual({ type: 'external-sandbox', network_access: 'restricted' });
  });

  it('the app-server camelCase twin', () => {
    expect(
      parseLegacySandboxPolicy({
        type: 'workspaceWrite',
        writableRoots: ['/x'],
        readOnlyAccess: { type: 'restricted', includePlatformDefaults: false, readableRoots: ['/y'] },
        networkAccess: true,
        excludeTmpdirEnvVar: true,
        excludeSlashTmp: false,
      }),
    ).toStrictEqual({
      type: 'workspace-write',
      writableRoots: ['/x'],
      readOnlyAccess: { type: 'restricted', includePlatformDefaults: false, readableRoots: ['/y'] },
      networkAccess: true,
      excludeTmpdirEnvVar: true,
      excludeSlashTmp: false,
    });
    expect(parseLegacySandboxPolicy({ type: 'dangerFullAccess' })).toStrictEqual({ type: 'danger-full-access' });
    expect(parseLegacySandboxPolicy({ type: 'readOnly', access: { type: 'fullAccess' } })).toStrictEqual({
      type: 'read-only',
      access: { type: 'full-access' },
      networkAccess: false,
    });
    expect(thrown(() => parseLegacySandboxPolicy({ type: 'readOnly', network_access: true })).message).toContain('did you mean "networkAccess"?');
  });
});

describe('split policy and network', () => {
  it('FileSystemSandboxPolicy: kind defaults to restricted; unrestricted takes no entries', () => {
    expect(parseFileSystemSandboxPolicy({})).toStrictEqual({ kind: 'restricted', entries: [] });
    expect(parseFileSystemSandboxPolicy({ kind: 'external-sandbox' })).toStrictEqual({ kind: 'external-sandbox' });
    expect(thrown(() => parseFileSystemSandboxPolicy({ kind: 'unrestricted', entries: [{ path: special('root'), access: 'read' }] })).message).toContain(
      'entries are only allowed with kind "restricted"',
    );
  });

  it('NetworkSandboxPolicy: bare word or JSON string', () => {
    expect(parseNetworkSandboxPolicy('enabled')).toBe('enabled');
    expect(parseNetworkSandboxPolicy('"restricted"')).toBe('restricted');
    expect(thrown(() => parseNetworkSandboxPolicy('open', { flag: '--network-sandbox-policy' })).message).toBe(
      'invalid network sandbox policy: invalid value "open" at the top level (--network-sandbox-policy); expected one of "restricted", "enabled"',
    );
  });
});

describe('parsePolicyInput detects the form', () => {
  const host = fakeHost({ dirs: ['/w'] });
  it('PermissionProfile, legacy, camelCase legacy, untagged profile, bare file-system policy', () => {
    expect(parsePolicyInput('{"type":"disabled"}')).toStrictEqual({ fileSystem: { kind: 'unrestricted' }, network: 'enabled' });
    expect(parsePolicyInput({ type: 'read-only', network_access: true }, undefined, { cwd: '/w', host })).toStrictEqual(restricted([e.root('read')], 'enabled'));
    expect(parsePolicyInput({ type: 'readOnly' }, undefined, { cwd: '/w', host })).toStrictEqual(restricted([e.root('read')]));
    expect(parsePolicyInput({ file_system: { entries: [] } })).toStrictEqual(restricted([]));
    expect(parsePolicyInput({ kind: 'restricted', entries: [{ path: special('root'), access: 'read' }] })).toStrictEqual(restricted([e.root('read')]));
  });
});
