// The Windows fail-closed matrix (docs/reference.md#windows-resolution-and-gate, #sandbox-selection, #conformance-cases): every refusal and its
// exact reference message, for both backends and for `auto`.
import { describe, expect, it } from 'vitest';
import type { SandboxError } from '../../../lib/errors';
import { planWindowsPolicy, type PlanWindowsPolicyOptions } from '../../helpers/plan-windows-policy';
import type { SandboxPolicy } from '../../../lib/policy/types';
import { CWD, ENV, PROFILE, READ_ONLY, WORKSPACE_WRITE, cwdEntry, glob, minimal, path, restricted, root, tmpdir } from './fixtures';
import { thrown } from '../../helpers/errors';

function plan(policy: SandboxPolicy, backend: PlanWindowsPolicyOptions['backend'], extra: Partial<PlanWindowsPolicyOptions> = {}) {
  return planWindowsPolicy(policy, { cwd: CWD, command: ['cmd.exe', '/c', 'dir'], env: ENV, backend, permissionProfile: PROFILE, ...extra });
}

const REFUSE = 'refusing to run unsandboxed';
const TOKEN_READ = `windows unelevated restricted-token sandbox cannot enforce split filesystem read restrictions directly; ${REFUSE}`;
const TOKEN_DENY = `windows unelevated restricted-token sandbox cannot enforce deny-read restrictions directly; ${REFUSE}`;
const TOKEN_SPLIT = `windows unelevated restricted-token sandbox cannot enforce split writable root sets directly; ${REFUSE}`;
const TOKEN_REOPEN = `windows unelevated restricted-token sandbox cannot reopen writable descendants under read-only carveouts directly; ${REFUSE}`;
const ELEVATED_ROOT = 'elevated Windows sandbox requires effective `:root` read access';
const ELEVATED_REOPEN = `windows elevated sandbox cannot reopen writable descendants under read-only carveouts directly; ${REFUSE}`;

function expectRefusal(fn: () => unknown, reference: string): SandboxError {
  const err = thrown(fn);
  expect(err.code).toBe('E_UNSUPPORTED_POLICY');
  expect(err.details?.referenceMessage).toBe(reference);
  expect(err.message.startsWith(`${reference} (`)).toBe(true);
  expect(err.message).not.toContain('\n');
  return err;
}

describe('windows gate: profiles no Windows backend enforces', () => {
  const cases: [string, SandboxPolicy, string][] = [
    [
      'unrestricted file system with a restricted network (network-only restriction)',
      { fileSystem: { kind: 'unrestricted' }, network: 'restricted' },
      'file_system=Unrestricted, network=Restricted, permission_profile=Managed',
    ],
    [
      'unrestricted file system with network (disabled profile)',
      { fileSystem: { kind: 'unrestricted' }, network: 'enabled' },
      'file_system=Unrestricted, network=Enabled, permission_profile=Disabled',
    ],
    ['external sandbox', { fileSystem: { kind: 'external-sandbox' }, network: 'restricted' }, 'file_system=ExternalSandbox, network=Restricted, permission_profile=External'],
    ['full-disk write (:root = write)', restricted([root('write')], 'restricted'), 'file_system=Restricted, network=Restricted, permission_profile=Managed'],
  ];
  for (const backend of ['windows-token', 'windows-elevated', 'auto'] as const) {
    for (const [name, policy, shape] of cases) {
      it(`${backend}: ${name} is refused`, () => {
        expectRefusal(() => plan(policy, backend, { acceptAdvisoryNetworkBlock: true }), `windows sandbox backend cannot enforce ${shape}; ${REFUSE}`);
      });
    }
  }
  it('keeps the Era B wording of the network-only refusal (docs/reference.md#sandbox-selection) in details', () => {
    const err = expectRefusal(
      () => plan({ fileSystem: { kind: 'unrestricted' }, network: 'restricted' }, 'windows-token'),
      `windows sandbox backend cannot enforce file_system=Unrestricted, network=Restricted, permission_profile=Managed; ${REFUSE}`,
    );
    expect(err.details?.legacyMessage).toBe(
      `windows sandbox backend cannot enforce file_system=Unrestricted, network=Restricted, legacy_policy=ExternalSandbox { network_access: Restricted }; ${REFUSE}`,
    );
  });
  it('windows-token: :root write narrowed by a read-only child is not full write, but is a split writable root set', () => {
    expectRefusal(() => plan(restricted([root('write'), cwdEntry('read', 'docs')]), 'windows-token'), TOKEN_SPLIT);
  });
});

describe('windows gate: unelevated restricted-token backend', () => {
  it('allows the legacy read-only policy', () => {
    expect(plan(READ_ONLY(), 'windows-token').backend).toBe('windows-token');
  });
  it('allows the legacy workspace-write policy', () => {
    expect(plan(WORKSPACE_WRITE(), 'windows-token').backend).toBe('windows-token');
  });
  it('refuses reads not rooted at :root (exact readable roots)', () => {
    expectRefusal(() => plan(restricted([minimal(), cwdEntry('write'), path('C:\\data', 'read')]), 'windows-token'), TOKEN_READ);
  });
  it('refuses a policy with no entries at all (nothing readable)', () => {
    expectRefusal(() => plan(restricted([]), 'windows-token'), TOKEN_READ);
  });
  it('refuses :root = deny with a readable child', () => {
    expectRefusal(() => plan(restricted([root('deny'), cwdEntry('read', 'docs')]), 'windows-token'), TOKEN_READ);
  });
  it('refuses a deny glob that covers the drive root as a read restriction', () => {
    expectRefusal(() => plan(restricted([root('read'), glob('C:\\**')]), 'windows-token'), TOKEN_READ);
  });
  it('refuses an exact deny-read path', () => {
    const err = expectRefusal(() => plan(WORKSPACE_WRITE([path('C:\\w\\secret', 'deny')]), 'windows-token'), TOKEN_DENY);
    expect(err.message).toContain('C:\\w\\secret');
  });
  it('refuses a deny-read glob', () => {
    const err = expectRefusal(() => plan(WORKSPACE_WRITE([glob('**/*.env')]), 'windows-token'), TOKEN_DENY);
    expect(err.details?.globs).toStrictEqual(['C:\\w\\**\\*.env']);
  });
  it('refuses writes outside the workspace when the cwd is not writable', () => {
    expectRefusal(() => plan(restricted([root('read'), path('C:\\elsewhere', 'write')]), 'windows-token'), TOKEN_SPLIT);
  });
  it('refuses a TEMP-only writable set', () => {
    expectRefusal(() => plan(restricted([root('read'), tmpdir()]), 'windows-token'), TOKEN_SPLIT);
  });
  it('refuses a writable root reopened under a read-only carve-out', () => {
    const err = expectRefusal(
      () => plan(restricted([root('read'), cwdEntry('write'), cwdEntry('read', 'docs'), cwdEntry('write', 'docs\\public')]), 'windows-token'),
      TOKEN_REOPEN,
    );
    expect(err.details).toMatchObject({ root: 'C:\\w\\docs\\public', under: 'C:\\w\\docs' });
  });
  it('supports a read-only carve-out inside a writable root as a deny-write path', () => {
    const p = plan(WORKSPACE_WRITE([cwdEntry('read', 'docs')]), 'windows-token');
    expect(p.aclOps).toContainEqual(expect.objectContaining({ action: 'deny', path: 'C:\\w\\docs', ifMissing: 'create-dir', reason: 'read-only-carve-out' }));
  });
  it('refuses a restricted network unless the environment-only block is accepted', () => {
    const err = thrown(() => plan(WORKSPACE_WRITE([], 'restricted'), 'windows-token'));
    expect(err.code).toBe('E_UNSUPPORTED_POLICY');
    expect(err.message).toMatch(/cannot enforce a restricted network.*acceptAdvisoryNetworkBlock/);
    const p = plan(WORKSPACE_WRITE([], 'restricted'), 'windows-token', { acceptAdvisoryNetworkBlock: true });
    expect(p.enforcement.network).toBe('not-restricted');
    expect(p.enforcement.skippedHardening[0]).toMatch(/environment-only/);
  });
  it('ignores skip-if-missing entries (Windows protects metadata through its ACL plan)', () => {
    const p = plan(WORKSPACE_WRITE([{ ...path('C:\\w\\.git', 'read'), missingPathBehavior: 'skip' }]), 'windows-token');
    expect(p.backend).toBe('windows-token');
  });
});

describe('windows gate: elevated backend', () => {
  it('refuses restricted reads with the newest message', () => {
    expectRefusal(() => plan(restricted([minimal(), cwdEntry('write')]), 'windows-elevated'), ELEVATED_ROOT);
  });
  it('refuses a denied :root', () => {
    expectRefusal(() => plan(restricted([root('deny'), cwdEntry('write')]), 'windows-elevated'), ELEVATED_ROOT);
  });
  it('refuses a writable root reopened under a read-only carve-out', () => {
    expectRefusal(() => plan(restricted([root('read'), cwdEntry('write'), cwdEntry('deny', 'docs'), cwdEntry('write', 'docs\\public')]), 'windows-elevated'), ELEVATED_REOPEN);
  });
  it('enforces deny-read paths, deny globs and split writable roots', () => {
    const p = plan(restricted([root('read'), path('C:\\elsewhere', 'write'), path('C:\\w\\secret', 'deny'), glob('**/*.env')]), 'windows-elevated');
    expect(p.backend).toBe('windows-elevated');
  });
});

describe('windows gate: auto', () => {
  it('picks the restricted token when it enforces the policy exactly', () => {
    expect(plan(WORKSPACE_WRITE(), 'auto').backend).toBe('windows-token');
  });
  it('picks the elevated backend for a restricted network (the token cannot block it)', () => {
    expect(plan(WORKSPACE_WRITE([], 'restricted'), 'auto').backend).toBe('windows-elevated');
  });
  it('picks the elevated backend for deny-read entries', () => {
    expect(plan(WORKSPACE_WRITE([path('C:\\w\\secret', 'deny')]), 'auto').backend).toBe('windows-elevated');
  });
  it('picks the elevated backend for split writable roots', () => {
    expect(plan(restricted([root('read'), path('C:\\elsewhere', 'write')]), 'auto').backend).toBe('windows-elevated');
  });
  it('refuses restricted reads with the elevated reason when neither backend can', () => {
    expectRefusal(() => plan(restricted([minimal(), cwdEntry('write')]), 'auto'), ELEVATED_ROOT);
  });
  it('refuses reopened descendants with the elevated message', () => {
    expectRefusal(() => plan(restricted([root('read'), cwdEntry('write'), cwdEntry('read', 'docs'), cwdEntry('write', 'docs\\public')]), 'auto'), ELEVATED_REOPEN);
  });
});

describe('windows gate: inputs', () => {
  it('refuses a POSIX cwd with E_POLICY_INVALID naming it', () => {
    const err = thrown(() => planWindowsPolicy(READ_ONLY(), { cwd: '/home/me', command: ['x'], env: ENV, permissionProfile: PROFILE }));
    expect(err.code).toBe('E_POLICY_INVALID');
    expect(err.message).toContain('"/home/me" is not an absolute Windows path');
    expect(err.source).toStrictEqual({ flag: '--cwd' });
  });
  it('refuses a POSIX path entry with E_POLICY_INVALID and its entry path', () => {
    const err = thrown(() => plan(WORKSPACE_WRITE([path('/srv/data', 'write')]), 'auto'));
    expect(err.code).toBe('E_POLICY_INVALID');
    expect(err.path).toStrictEqual(['file_system', 'entries', 4, 'path', 'path']);
  });
  it('refuses an empty command with E_USAGE', () => {
    expect(thrown(() => planWindowsPolicy(READ_ONLY(), { cwd: CWD, command: [], env: ENV, permissionProfile: PROFILE })).code).toBe('E_USAGE');
  });
  it('refuses the elevated backend without a state directory', () => {
    const err = thrown(() => planWindowsPolicy(WORKSPACE_WRITE(), { cwd: CWD, command: ['x'], env: {}, backend: 'windows-elevated', permissionProfile: PROFILE }));
    expect(err.code).toBe('E_USAGE');
    expect(err.message).toMatch(/USERPROFILE is not set/);
  });
});
