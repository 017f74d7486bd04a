// The reference's protocol tests (docs/reference.md#conformance-cases) and the conversion and equivalence rules (docs/reference.md#legacy-conversion, #runtime-equivalence).
import { describe, expect, it } from 'vitest';
import { explain, fromLegacySandboxPolicy, legacyPoliciesMatch, needsDirectRuntimeEnforcement, resolvePolicy, toLegacySandboxPolicy } from '../../../lib/policy/public-entry';
import { WRITES_OUTSIDE_WORKSPACE_MESSAGE } from '../../../lib/policy/legacy-bridge';
import type { LegacySandboxPolicy, SandboxPolicy } from '../../../lib/policy/types';
import { e, legacyWorkspaceWrite, restricted } from './entries';
import { fakeHost } from './fake-host';

const host = fakeHost({ dirs: ['/tmp/workspace/docs', '/data', '/elsewhere'], env: { TMPDIR: '/var/tmp' } });
const cwd = '/tmp/workspace';

const resolveLegacy = (legacy: LegacySandboxPolicy) => resolvePolicy(fromLegacySandboxPolicy(legacy, cwd, host), { cwd, host });

describe('reference protocol cases (docs/reference.md#conformance-cases)', () => {
  it('external_sandbox_reports_full_access_flags', () => {
    const restrictedNet = fromLegacySandboxPolicy({ type: 'external-sandbox', networkAccess: 'restricted' }, cwd, host);
    expect(resolvePolicy(restrictedNet, { cwd, host }).fullDiskWrite).toBe(true);
    expect(restrictedNet.network).toBe('restricted');
    const enabled = fromLegacySandboxPolicy({ type: 'external-sandbox', networkAccess: 'enabled' }, cwd, host);
    expect(resolvePolicy(enabled, { cwd, host }).fullDiskWrite).toBe(true);
    expect(enabled.network).toBe('enabled');
  });

  it('read_only_reports_network_access_flags', () => {
    expect(fromLegacySandboxPolicy({ type: 'read-only', access: { type: 'full-access' }, networkAccess: false }, cwd, host).network).toBe('restricted');
    expect(fromLegacySandboxPolicy({ type: 'read-only', access: { type: 'full-access' }, networkAccess: true }, cwd, host).network).toBe('enabled');
  });

  it('workspace_write_restricted_read_access_includes_effective_writable_roots', () => {
    const r = resolveLegacy(legacyWorkspaceWrite({ readOnlyAccess: { type: 'restricted', includePlatformDefaults: false, readableRoots: [] }, excludeTmpdirEnvVar: true }));
    expect(r.writableRoots.length).toBeGreaterThan(0);
    for (const root of r.writableRoots) expect(r.readableRoots).toContain(root.root);
  });

  it('restricted_file_system_policy_reports_full_access_from_root_entries', () => {
    const read = resolvePolicy(restricted([e.root('read')]), { cwd, host });
    expect([read.fullDiskRead, read.fullDiskWrite, read.includePlatformDefaults]).toStrictEqual([true, false, false]);
    const write = resolvePolicy(restricted([e.root('write')]), { cwd, host });
    expect([write.fullDiskRead, write.fullDiskWrite]).toStrictEqual([true, true]);
  });

  it('restricted_file_system_policy_treats_root_with_carveouts_as_scoped_access', () => {
    const r = resolvePolicy(restricted([e.root('write'), e.path('/data/blocked', 'deny')]), { cwd, host });
    expect([r.fullDiskRead, r.fullDiskWrite]).toStrictEqual([false, false]);
    expect(r.readableRoots).toStrictEqual(['/']);
    expect(r.unreadableRoots).toStrictEqual(['/data/blocked']);
    expect(r.writableRoots.map((w) => w.root)).toStrictEqual(['/']);
    expect(r.writableRoots[0]!.readOnlySubpaths).toContain('/data/blocked');
  });

  it('restricted_file_system_policy_derives_effective_paths', () => {
    const h = fakeHost({ dirs: ['/w/.agents', '/w/.codex', '/w/secret'] });
    const r = resolvePolicy(restricted([e.minimal('read'), e.cwd('write'), e.sub('secret', 'deny')]), { cwd: '/w', host: h });
    expect(r.includePlatformDefaults).toBe(true);
    expect(r.readableRoots).toStrictEqual(['/w']);
    expect(r.unreadableRoots).toStrictEqual(['/w/secret']);
    expect(r.writableRoots).toHaveLength(1);
    expect(r.writableRoots[0]!.readOnlySubpaths).toStrictEqual(expect.arrayContaining(['/w/secret', '/w/.agents', '/w/.codex']));
  });

  it('restricted_file_system_policy_treats_read_entries_as_read_only_subpaths', () => {
    const r = resolvePolicy(restricted([e.cwd('write'), e.sub('docs', 'read'), e.sub('docs/public', 'write')]), { cwd, host });
    expect(r.writableRoots.map((w) => w.root)).toStrictEqual([cwd, `${cwd}/docs/public`]);
    expect(r.writableRoots[0]!.readOnlySubpaths).toContain(`${cwd}/docs`);
    expect(r.writableRoots[1]!.readOnlySubpaths).toStrictEqual([]);
  });

  it('legacy_workspace_write_nested_readable_root_stays_writable', () => {
    const r = resolveLegacy(
      legacyWorkspaceWrite({
        readOnlyAccess: { type: 'restricted', includePlatformDefaults: true, readableRoots: [`${cwd}/docs`] },
        excludeSlashTmp: true,
        excludeTmpdirEnvVar: true,
      }),
    );
    expect(r.writableRoots.map((w) => w.root)).toStrictEqual([cwd]);
    expect(r.writableRoots[0]!.readOnlySubpaths).not.toContain(`${cwd}/docs`);
    expect(explain(r, `${cwd}/docs/x`, 'write').allowed).toBe(true);
  });

  it('file_system_policy_rejects_legacy_bridge_for_non_workspace_writes', () => {
    expect(() => toLegacySandboxPolicy(restricted([e.root('read'), e.path('/tmp', 'write')]), cwd, host)).toThrow('filesystem writes outside the workspace root');
    try {
      toLegacySandboxPolicy(restricted([e.path('/tmp', 'write')]), cwd, host);
    } catch (err) {
      expect((err as Error).message).toBe(WRITES_OUTSIDE_WORKSPACE_MESSAGE);
      expect((err as { code: string }).code).toBe('E_UNSUPPORTED_POLICY');
    }
  });

  it('legacy_sandbox_policy_semantics_survive_split_bridge', () => {
    const cases: LegacySandboxPolicy[] = [
      { type: 'danger-full-access' },
      { type: 'external-sandbox', networkAccess: 'restricted' },
      { type: 'external-sandbox', networkAccess: 'enabled' },
      { type: 'read-only', access: { type: 'full-access' }, networkAccess: false },
      { type: 'read-only', access: { type: 'restricted', includePlatformDefaults: true, readableRoots: ['/data'] }, networkAccess: true },
      legacyWorkspaceWrite(),
      legacyWorkspaceWrite({ writableRoots: ['/elsewhere'], readOnlyAccess: { type: 'restricted', includePlatformDefaults: true, readableRoots: ['/data'] }, networkAccess: true }),
      legacyWorkspaceWrite({ readOnlyAccess: { type: 'restricted', includePlatformDefaults: false, readableRoots: [`${cwd}/docs`] } }),
    ];
    const probes = ['/', '/data/x', '/elsewhere/f', `${cwd}/a`, `${cwd}/docs/x`, `${cwd}/.codex/c`, '/tmp/t', '/var/tmp/t', '/etc/passwd'];
    for (const legacy of cases) {
      const split = fromLegacySandboxPolicy(legacy, cwd, host);
      const back = toLegacySandboxPolicy(split, cwd, host);
      const a = resolvePolicy(split, { cwd, host });
      const b = resolvePolicy(fromLegacySandboxPolicy(back, cwd, host), { cwd, host });
      expect([b.fullDiskRead, b.fullDiskWrite, b.includePlatformDefaults], legacy.type).toStrictEqual([a.fullDiskRead, a.fullDiskWrite, a.includePlatformDefaults]);
      expect(fromLegacySandboxPolicy(back, cwd, host).network).toBe(split.network);
      for (const p of probes) {
        for (const access of ['read', 'write'] as const) {
          expect(explain(b, p, access).allowed, `${JSON.stringify(legacy)} ${access} ${p}`).toBe(explain(a, p, access).allowed);
        }
      }
      expect(legacyPoliciesMatch(legacy, back, cwd, host)).toBe(true);
    }
  });
});

describe('split -> legacy (docs/reference.md#legacy-conversion)', () => {
  it('an unrestricted file system with a restricted network becomes ExternalSandbox{restricted}', () => {
    const policy: SandboxPolicy = { fileSystem: { kind: 'unrestricted' }, network: 'restricted' };
    expect(toLegacySandboxPolicy(policy, cwd, host)).toStrictEqual({ type: 'external-sandbox', networkAccess: 'restricted' });
    expect(toLegacySandboxPolicy({ ...policy, network: 'enabled' }, cwd, host)).toStrictEqual({ type: 'danger-full-access' });
  });

  it('a cwd write becomes WorkspaceWrite, tmp flags are excluded unless written, deny entries are dropped', () => {
    const policy = restricted([e.root('read'), e.path(cwd, 'write'), e.path('/data', 'write'), e.slashTmp('write'), e.path('/x', 'deny')], 'enabled');
    expect(toLegacySandboxPolicy(policy, cwd, host)).toStrictEqual({
      type: 'workspace-write',
      writableRoots: ['/data'],
      readOnlyAccess: { type: 'full-access' },
      networkAccess: true,
      excludeTmpdirEnvVar: true,
      excludeSlashTmp: false,
    });
  });

  it('a full root write is DangerFullAccess with network and ExternalSandbox without', () => {
    expect(toLegacySandboxPolicy(restricted([e.root('write')], 'enabled'), cwd, host)).toStrictEqual({ type: 'danger-full-access' });
    expect(toLegacySandboxPolicy(restricted([e.root('write')]), cwd, host)).toStrictEqual({ type: 'external-sandbox', networkAccess: 'restricted' });
  });

  it('restricted reads keep platform defaults and de-duplicate readable roots; tmp reads resolve', () => {
    const policy = restricted([e.minimal('read'), e.path('/data', 'read'), e.path('/data/', 'read'), e.tmpdir('read'), e.sub('docs', 'read')]);
    expect(toLegacySandboxPolicy(policy, cwd, host)).toStrictEqual({
      type: 'read-only',
      access: { type: 'restricted', includePlatformDefaults: true, readableRoots: ['/data', '/var/tmp', `${cwd}/docs`] },
      networkAccess: false,
    });
  });
});

describe('needs direct runtime enforcement (docs/reference.md#runtime-equivalence)', () => {
  const cases: [string, SandboxPolicy, boolean][] = [
    ['[root:read] is equivalent', restricted([e.root('read')]), false],
    ['[cwd:read, minimal:read, /data:read] is equivalent', restricted([e.cwd('read'), e.minimal('read'), e.path('/data', 'read')]), false],
    ['cwd:write + docs:read needs direct', restricted([e.cwd('write'), e.sub('docs', 'read')]), true],
    ['root:write + docs:read needs direct', restricted([e.root('write'), e.sub('docs', 'read')]), true],
    ['any deny path entry needs direct', restricted([e.root('read'), e.path('/data', 'deny')]), true],
    ['root:deny + docs:read needs direct', restricted([e.root('deny'), e.sub('docs', 'read')]), true],
    ['a deny glob needs direct', restricted([e.root('read'), e.glob('**/*.env')]), true],
    ['readable roots without cwd need direct', restricted([e.minimal('read'), e.path('/data', 'read')]), true],
    ['only /tmp:write needs direct', restricted([e.root('read'), e.path('/tmp', 'write')]), true],
    ['only tmpdir:write needs direct', restricted([e.root('read'), e.tmpdir('write')]), true],
    ['only /elsewhere:write needs direct', restricted([e.root('read'), e.path('/elsewhere', 'write')]), true],
    ['only unknown:write needs direct', restricted([e.unknown(':future', 'write')]), true],
    ['unrestricted never needs direct', { fileSystem: { kind: 'unrestricted' }, network: 'restricted' }, false],
    ['external-sandbox never needs direct', { fileSystem: { kind: 'external-sandbox' }, network: 'enabled' }, false],
  ];
  for (const [name, policy, expected] of cases) {
    it(name, () => {
      expect(needsDirectRuntimeEnforcement(policy, cwd, host)).toBe(expected);
    });
  }

  it('a workspace write whose protected names all exist as carve-outs is equivalent', () => {
    const h = fakeHost({ dirs: ['/w/.git', '/w/.agents', '/w/.codex', '/w/.aws'] });
    const policy = restricted([e.root('read'), e.cwd('write')]);
    expect(needsDirectRuntimeEnforcement(policy, '/w', h)).toBe(false);
    // With .git missing, .git is protected by name only, which legacy enforcers do not do.
    const missingGit = fakeHost({ dirs: ['/w/.agents', '/w/.codex', '/w/.aws'] });
    expect(needsDirectRuntimeEnforcement(policy, '/w', missingGit)).toBe(true);
  });
});
