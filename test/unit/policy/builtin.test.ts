// The built-in modes and profiles, and sandbox selection (docs/reference.md#sandbox-selection, #permission-profiles-in-config, #conformance-cases).
import { describe, expect, it } from 'vitest';
import { builtinPolicy, builtinProfilePolicy } from '../../../lib/policy/builtin';
import { explain, resolvePolicy } from '../../../lib/policy/public-entry';
import { shouldRequirePlatformSandbox, usesPlatformSandbox, withAdditionalPermissions } from '../../../lib/policy/policy-transforms';
import { PROTECTED_METADATA_NAMES } from '../../../lib/policy/protected-metadata';
import type { SandboxPolicy } from '../../../lib/policy/types';
import { e, restricted } from './entries';
import { fakeHost } from './fake-host';

describe('builtinPolicy (legacy --sandbox modes, Era C split form)', () => {
  it('read-only reads the disk, no network by default', () => {
    expect(builtinPolicy('read-only')).toStrictEqual(restricted([e.root('read')]));
    expect(builtinPolicy('read-only', { network: true }).network).toBe('enabled');
  });

  it('workspace-write: root read, project write, tmp writes, extra roots, skip-missing metadata reads', () => {
    expect(builtinPolicy('workspace-write', { writableRoots: ['/srv'] })).toStrictEqual(
      restricted([
        e.root('read'),
        e.cwd('write'),
        e.slashTmp('write'),
        e.tmpdir('write'),
        e.path('/srv', 'write'),
        ...PROTECTED_METADATA_NAMES.map((n) => e.sub(n, 'read', true)),
        ...PROTECTED_METADATA_NAMES.map((n) => e.path(`/srv/${n}`, 'read', true)),
      ]),
    );
    expect(builtinPolicy('workspace-write', { excludeSlashTmp: true, excludeTmpdirEnvVar: true, network: 'enabled' })).toStrictEqual(
      restricted([e.root('read'), e.cwd('write'), ...PROTECTED_METADATA_NAMES.map((n) => e.sub(n, 'read', true))], 'enabled'),
    );
  });

  it('danger-full-access is unrestricted with network', () => {
    expect(builtinPolicy('danger-full-access')).toStrictEqual({ fileSystem: { kind: 'unrestricted' }, network: 'enabled' });
  });

  it('relative writable roots, and roots outside workspace-write, are typed errors', () => {
    expect(() => builtinPolicy('workspace-write', { writableRoots: ['rel'] })).toThrow(expect.objectContaining({ code: 'E_POLICY_INVALID' }));
    expect(() => builtinPolicy('read-only', { writableRoots: ['/x'] })).toThrow(/need the workspace-write mode/);
  });

  it('workspace-write decisions at a repository cwd', () => {
    const host = fakeHost({ dirs: ['/w/.git', '/tmp'] });
    const r = resolvePolicy(builtinPolicy('workspace-write'), { cwd: '/w', host });
    expect(explain(r, '/w/src/a.ts', 'write').allowed).toBe(true);
    expect(explain(r, '/w/.git/config', 'write').allowed).toBe(false);
    expect(explain(r, '/w/.codex/config.toml', 'write').allowed).toBe(false);
    expect(explain(r, '/tmp/x', 'write').allowed).toBe(true);
    expect(explain(r, '/etc/passwd', 'write').allowed).toBe(false);
    expect(explain(r, '/etc/passwd', 'read').allowed).toBe(true);
  });
});

describe('builtinProfilePolicy (Era C :read-only, :workspace, :danger-full-access)', () => {
  it(':workspace is the legacy workspace-write conversion, as Codex 0.169.0 resolves it by name', () => {
    expect(builtinProfilePolicy(':read-only')).toStrictEqual(restricted([e.root('read')]));
    expect(builtinProfilePolicy(':workspace', 'enabled')).toStrictEqual(
      restricted([e.root('read'), e.cwd('write'), e.slashTmp('write'), e.tmpdir('write'), ...PROTECTED_METADATA_NAMES.map((n) => e.sub(n, 'read', true))], 'enabled'),
    );
    expect(builtinProfilePolicy(':danger-full-access')).toStrictEqual({ fileSystem: { kind: 'unrestricted' }, network: 'enabled' });
  });
});

describe('sandbox selection (docs/reference.md#sandbox-selection)', () => {
  const unrestricted = (network: 'enabled' | 'restricted'): SandboxPolicy => ({ fileSystem: { kind: 'unrestricted' }, network });

  it('danger_full_access_defaults_to_no_sandbox_without_network_requirements', () => {
    expect(usesPlatformSandbox(unrestricted('enabled'), 'auto')).toBe(false);
  });

  it('danger_full_access_uses_platform_sandbox_with_network_requirements', () => {
    expect(usesPlatformSandbox(unrestricted('enabled'), 'auto', { managedNetworkRequirements: true })).toBe(true);
  });

  it('restricted_file_system_uses_platform_sandbox_without_managed_network', () => {
    expect(usesPlatformSandbox(restricted([e.root('read')], 'enabled'), 'auto')).toBe(true);
  });

  it('transform_preserves_unrestricted_file_system_policy_for_restricted_network (a network-only sandbox)', () => {
    expect(shouldRequirePlatformSandbox(unrestricted('restricted'))).toBe(true);
    expect(withAdditionalPermissions(unrestricted('restricted'), { entries: [e.path('/x', 'write')] })).toStrictEqual(unrestricted('restricted'));
  });

  it('transform_additional_permissions_enable_network_for_external_sandbox', () => {
    const external: SandboxPolicy = { fileSystem: { kind: 'external-sandbox' }, network: 'restricted' };
    expect(withAdditionalPermissions(external, { network: 'enabled' })).toStrictEqual({ fileSystem: { kind: 'external-sandbox' }, network: 'enabled' });
    expect(shouldRequirePlatformSandbox(external)).toBe(false);
  });

  it('transform_additional_permissions_preserves_denied_entries', () => {
    expect(withAdditionalPermissions(restricted([e.root('read'), e.path('/denied', 'deny')]), { entries: [e.path('/allowed', 'write')] })).toStrictEqual(
      restricted([e.root('read'), e.path('/denied', 'deny'), e.path('/allowed', 'write')]),
    );
  });

  it('extra glob grants must be deny', () => {
    expect(() => withAdditionalPermissions(restricted([e.root('read')]), { entries: [{ path: { type: 'glob_pattern', pattern: '*.rs' }, access: 'read' }] })).toThrow(
      'glob file system permissions only support deny-read entries',
    );
  });

  it('forbid and require override auto', () => {
    expect(usesPlatformSandbox(restricted([e.root('read')]), 'forbid')).toBe(false);
    expect(usesPlatformSandbox(unrestricted('enabled'), 'require')).toBe(true);
  });
});
