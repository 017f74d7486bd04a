// Every public entry that takes a policy object checks it strictly: a hand-built typed policy
// with an access mode or a key the schemas do not know is E_POLICY_INVALID, never a plan, a
// decision or a conversion (issue #18: `access: 'rw'` used to reach explain() as effective "rw").
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import * as api from '../../../lib/index';
import type { LegacySandboxPolicy, PermissionProfile, PolicyInput, ResolvedPolicy, SandboxPolicy, WindowsResolvedPolicy } from '../../../lib/index';
import { capsFixture } from '../linux/fixtures';
import { fakeHost } from './fake-host';
import { thrown } from '../../helpers/errors';
import { WORKSPACE_WRITE } from '../windows/fixtures';

const host = fakeHost({ dirs: ['/w'] });
const cwd = '/w';
const permissionProfile = { type: 'disabled' };
const good: SandboxPolicy = { fileSystem: { kind: 'restricted', entries: [{ path: { type: 'path', path: '/w' }, access: 'write' }] }, network: 'restricted' };

/** Malformed typed SandboxPolicy objects, each with the dot path the error must name. */
const BAD_POLICIES: Array<{ name: string; policy: unknown; path: (string | number)[] }> = [
  {
    name: "an entry with access 'rw'",
    policy: { fileSystem: { kind: 'restricted', entries: [{ path: { type: 'path', path: '/w' }, access: 'rw' }] }, network: 'restricted' },
    path: ['fileSystem', 'entries', 0, 'access'],
  },
  {
    name: 'an unknown key on an entry',
    policy: { fileSystem: { kind: 'restricted', entries: [{ path: { type: 'path', path: '/w' }, access: 'read', recursive: true }] }, network: 'restricted' },
    path: ['fileSystem', 'entries', 0, 'recursive'],
  },
  {
    name: 'an unknown top-level key',
    policy: { ...good, networkAccess: true },
    path: ['networkAccess'],
  },
  {
    name: 'a network mode that does not exist',
    policy: { ...good, network: 'proxied' },
    path: ['network'],
  },
  {
    name: 'a glob with read access',
    policy: { fileSystem: { kind: 'restricted', entries: [{ path: { type: 'glob_pattern', pattern: '/w/*.env' }, access: 'read' }] }, network: 'restricted' },
    path: ['fileSystem', 'entries', 0, 'access'],
  },
];

/** A resolved policy whose embedded policy is `bad`, built around a real one. */
function resolvedWith(bad: unknown): ResolvedPolicy {
  return { ...api.resolvePolicy(good, { cwd, host }), policy: bad as SandboxPolicy };
}

/** A Windows-flavour resolved policy whose embedded policy is `bad`. */
function windowsResolvedWith(bad: unknown): WindowsResolvedPolicy {
  return { ...api.resolvePolicy(WORKSPACE_WRITE(), { flavour: 'windows', cwd: 'C:\\w', env: {}, host }), policy: bad as SandboxPolicy };
}

/** Every public entry taking a typed SandboxPolicy (or a resolved policy made from one). */
const POLICY_ENTRIES: Array<[string, (p: SandboxPolicy) => unknown]> = [
  ['planSandbox (linux)', (p) => api.planSandbox(p, { platform: 'linux', cwd, capabilities: capsFixture(), host })],
  ['planSandbox (macos)', (p) => api.planSandbox(p, { platform: 'macos', cwd, host })],
  ['planSandbox (windows)', (p) => api.planSandbox(p, { platform: 'windows', cwd: 'C:\\w' })],
  ['planResolved', (p) => api.planResolved(resolvedWith(p), { platform: 'linux', cwd, capabilities: capsFixture() })],
  ['planLinux', (p) => api.planLinux(resolvedWith(p), { capabilities: capsFixture(), backend: 'auto', permissionProfile, host })],
  ['planMacos', (p) => api.planMacos(resolvedWith(p), { command: [], host, permissionProfile })],
  ['planWindows', (p) => api.planWindows(windowsResolvedWith(p), { backend: 'auto', command: [], permissionProfile })],
  ['resolvePolicy', (p) => api.resolvePolicy(p, { cwd, host })],
  ['resolvePolicy (windows)', (p) => api.resolvePolicy(p, { flavour: 'windows', cwd: 'C:\\w', env: {}, host })],
  ['explain', (p) => api.explain(resolvedWith(p), '/w/a', 'write')],
  ['semanticSignature', (p) => api.semanticSignature(resolvedWith(p))],
  ['policyToPermissionProfile', (p) => api.policyToPermissionProfile(p)],
  ['toLegacySandboxPolicy', (p) => api.toLegacySandboxPolicy(p, cwd, host)],
  ['isSemanticallyEquivalent', (p) => api.isSemanticallyEquivalent(good, p, cwd, host)],
  ['needsDirectRuntimeEnforcement', (p) => api.needsDirectRuntimeEnforcement(p, cwd, host)],
  ['withAdditionalReadableRoots', (p) => api.withAdditionalReadableRoots(p, cwd, ['/r'], host)],
  ['withAdditionalWritableRoots', (p) => api.withAdditionalWritableRoots(p, cwd, ['/r'], host)],
  ['withAdditionalPermissions', (p) => api.withAdditionalPermissions(p, {})],
  ['shouldRequirePlatformSandbox', (p) => api.shouldRequirePlatformSandbox(p)],
  ['usesPlatformSandbox', (p) => api.usesPlatformSandbox(p, 'forbid')],
  ['spawnSandboxed', (p) => api.spawnSandboxed(['true'], { permissionProfile: p, cwd: tmpdir(), capabilities: capsFixture() })],
];

describe('public entries refuse malformed typed policies with E_POLICY_INVALID', () => {
  for (const [entry, call] of POLICY_ENTRIES) {
    for (const bad of BAD_POLICIES) {
      it(`${entry}: ${bad.name}`, () => {
        const err = thrown(() => call(bad.policy as SandboxPolicy));
        expect(err.code).toBe('E_POLICY_INVALID');
        // Resolved-policy entries name the path inside `policy`.
        const resolvedEntry = ['planResolved', 'planLinux', 'planMacos', 'planWindows', 'explain', 'semanticSignature'].includes(entry);
        expect(err.path).toStrictEqual(resolvedEntry ? ['policy', ...bad.path] : bad.path);
      });
    }
  }

  it('runSandboxed fails before starting anything', async () => {
    // It throws synchronously today; either way no process starts.
    await expect(
      Promise.resolve().then(() => api.runSandboxed(['true'], { permissionProfile: BAD_POLICIES[0]!.policy, cwd: tmpdir(), capabilities: capsFixture() })),
    ).rejects.toMatchObject({
      code: 'E_POLICY_INVALID',
    });
  });

  it('applyPatch (sandboxed) rejects before touching the tree', async () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\n';
    await expect(api.applyPatch(patch, { cwd: tmpdir(), policy: BAD_POLICIES[0]!.policy as PolicyInput })).rejects.toMatchObject({ code: 'E_POLICY_INVALID' });
  });

  it('explain: a hand-built resolved policy with an entry of access "rw" is refused', () => {
    const resolved = api.resolvePolicy(good, { cwd, host });
    const bad = { ...resolved, entries: [{ ...resolved.entries[0]!, access: 'rw' }] } as unknown as ResolvedPolicy;
    expect(thrown(() => api.explain(bad, '/w/a', 'write'))).toMatchObject({ code: 'E_POLICY_INVALID', path: ['entries', 0, 'access'] });
  });

  it('a well-formed typed policy is still accepted by every entry', () => {
    for (const [entry, call] of POLICY_ENTRIES) {
      // The Windows planners need Windows paths and spawning is not what this checks.
      if (entry === 'spawnSandboxed' || entry.includes('indows')) continue;
      expect(() => call(good), entry).not.toThrow();
    }
  });
});

describe('public entries taking the other typed forms refuse malformed ones', () => {
  const badProfile = {
    type: 'managed',
    fileSystem: { type: 'restricted', entries: [{ path: { type: 'path', path: '/w' }, access: 'rw' }] },
    network: 'restricted',
  } as unknown as PermissionProfile;
  const badLegacy = {
    type: 'workspace-write',
    writableRoots: [],
    readOnlyAccess: { type: 'full-access' },
    networkAccess: 'yes',
    excludeTmpdirEnvVar: false,
    excludeSlashTmp: false,
  } as unknown as LegacySandboxPolicy;
  const cases: Array<[string, () => unknown, (string | number)[]]> = [
    ['permissionProfileToPolicy', () => api.permissionProfileToPolicy(badProfile), ['fileSystem', 'entries', 0, 'access']],
    ['permissionProfileToWire', () => api.permissionProfileToWire(badProfile), ['fileSystem', 'entries', 0, 'access']],
    ['fileSystemPolicyToWire', () => api.fileSystemPolicyToWire({ kind: 'restricted', entries: [], extra: 1 } as never), ['extra']],
    ['legacySandboxPolicyToWire', () => api.legacySandboxPolicyToWire(badLegacy), ['networkAccess']],
    ['fromLegacySandboxPolicy', () => api.fromLegacySandboxPolicy(badLegacy, cwd, host), ['networkAccess']],
    ['legacyRuntimeFileSystemPolicy', () => api.legacyRuntimeFileSystemPolicy(badLegacy, cwd, host), ['networkAccess']],
    ['legacyPoliciesMatch', () => api.legacyPoliciesMatch(badLegacy, badLegacy, cwd, host), ['networkAccess']],
    [
      'parsePolicyInput (wire form)',
      () => api.parsePolicyInput({ type: 'managed', file_system: { type: 'restricted', entries: [{ path: { type: 'path', path: '/w' }, access: 'rw' }] } }),
      ['file_system', 'entries', 0, 'access'],
    ],
  ];
  for (const [entry, call, path] of cases) {
    it(`${entry}`, () => {
      expect(thrown(call)).toMatchObject({ code: 'E_POLICY_INVALID', path });
    });
  }
});
