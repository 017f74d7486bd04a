// codex-linux-sandbox flag parsing and policy resolution (docs/reference.md#helper-flags),
// without starting anything.
import { describe, expect, it } from 'vitest';

import { linuxSandboxBackend, linuxSandboxPlan, parseLinuxSandboxArgs, resolveLinuxSandboxPolicy } from '../../../lib/cli/linux-sandbox-entry';
import { nodeHost } from '../../../lib/policy/node-host';
import { capsFixture } from './fixtures';

const root = { path: { type: 'special', value: { kind: 'root' } }, access: 'read' };
const readOnlyProfile = JSON.stringify({ type: 'managed', file_system: { type: 'restricted', entries: [root] }, network: 'restricted' });

function args(...rest: string[]): ReturnType<typeof parseLinuxSandboxArgs> {
  return parseLinuxSandboxArgs(['--sandbox-policy-cwd', '/tmp', ...rest, '--', 'true']);
}

describe('codex-linux-sandbox flags', () => {
  it('parses value flags in both spellings and keeps the command after --', () => {
    const a = parseLinuxSandboxArgs(['--sandbox-policy-cwd=/tmp', '--command-cwd', '/tmp', '--no-proc', '--', 'ls', '--', '-l']);
    expect(a.values.get('--sandbox-policy-cwd')).toBe('/tmp');
    expect(a.flags.has('--no-proc')).toBe(true);
    expect(a.command).toEqual(['ls', '--', '-l']);
  });

  it('rejects unknown, duplicate and value-less flags', () => {
    expect(() => args('--bogus')).toThrow('unknown argument "--bogus"');
    expect(() => args('--command-cwd', '/a', '--command-cwd', '/b')).toThrow('given more than once');
    expect(() => parseLinuxSandboxArgs(['--sandbox-policy-cwd'])).toThrow('missing value for --sandbox-policy-cwd');
    expect(() => args('--inherit-pid-namespace')).toThrow('unknown argument');
  });

  it('an empty command gives the reference message', () => {
    expect(() => parseLinuxSandboxArgs(['--sandbox-policy-cwd', '/tmp', '--'])).toThrow('No command specified to execute.');
  });

  it('the policy cwd is required', () => {
    expect(() => parseLinuxSandboxArgs(['--', 'true'])).toThrow('--sandbox-policy-cwd');
  });
});

describe('codex-linux-sandbox policy resolution (docs/reference.md#linux-backend-choice)', () => {
  it('--permission-profile alone', () => {
    const r = resolveLinuxSandboxPolicy(args('--permission-profile', readOnlyProfile), '/tmp', nodeHost());
    expect(r.fromProfile).toBe(true);
    expect(r.policy.network).toBe('restricted');
  });

  it('invalid --permission-profile JSON has the reference prefix', () => {
    expect(() => resolveLinuxSandboxPolicy(args('--permission-profile', '{'), '/tmp', nodeHost())).toThrow(/^invalid permission profile JSON: /);
  });

  it('nothing given: missing permission profile configuration', () => {
    expect(() => resolveLinuxSandboxPolicy(args(), '/tmp', nodeHost())).toThrow('missing permission profile configuration');
  });

  it('split policies must come together', () => {
    expect(() => resolveLinuxSandboxPolicy(args('--network-sandbox-policy', '"restricted"'), '/tmp', nodeHost())).toThrow(
      'file-system and network sandbox policies must be provided together',
    );
  });

  it('legacy and split forms that disagree are refused with both values', () => {
    const a = args(
      '--sandbox-policy',
      '{"type":"danger-full-access"}',
      '--file-system-sandbox-policy',
      JSON.stringify({ kind: 'restricted', entries: [root] }),
      '--network-sandbox-policy',
      '"restricted"',
    );
    expect(() => resolveLinuxSandboxPolicy(a, '/tmp', nodeHost())).toThrow(/legacy sandbox policy must match split sandbox policies: provided=.*, derived=/);
  });

  it('legacy and split forms that agree are accepted', () => {
    const a = args(
      '--sandbox-policy',
      '{"type":"read-only"}',
      '--file-system-sandbox-policy',
      JSON.stringify({ kind: 'restricted', entries: [root] }),
      '--network-sandbox-policy',
      '"restricted"',
    );
    expect(resolveLinuxSandboxPolicy(a, '/tmp', nodeHost()).policy.fileSystem.kind).toBe('restricted');
  });
});

describe('codex-linux-sandbox backend choice', () => {
  const policy = resolveLinuxSandboxPolicy(args('--permission-profile', readOnlyProfile), '/tmp', nodeHost()).policy;
  it("a mount namespace by default (the helper's own, else bubblewrap), the planner's choice (auto) for an unrestricted filesystem", () => {
    expect(linuxSandboxBackend(args(), policy, true, '/tmp', false, nodeHost())).toBe('mount');
    expect(linuxSandboxBackend(args(), policy, true, '/tmp', true, nodeHost())).toBe('auto');
  });

  it('--use-legacy-landlock selects Landlock for a policy that round-trips', () => {
    expect(linuxSandboxBackend(args('--use-legacy-landlock'), policy, true, '/tmp', false, nodeHost())).toBe('landlock');
  });

  it('--apply-seccomp-then-exec is refused, with the reference message when combined with legacy', () => {
    expect(() => linuxSandboxBackend(args('--apply-seccomp-then-exec'), policy, true, '/tmp', false, nodeHost())).toThrow('inner stage');
    expect(() => linuxSandboxBackend(args('--apply-seccomp-then-exec', '--use-legacy-landlock'), policy, true, '/tmp', false, nodeHost())).toThrow(
      '--apply-seccomp-then-exec is incompatible with --use-legacy-landlock',
    );
  });

  it('managed proxy mode is refused', () => {
    expect(() => linuxSandboxBackend(args('--allow-network-for-proxy'), policy, true, '/tmp', false, nodeHost())).toThrow('proxy');
  });
});

describe("codex-linux-sandbox /proc on the planner's choice (auto)", () => {
  // An unrestricted filesystem with a restricted network: the planner chooses, and without
  // Landlock it picks the helper's own namespaces, whose probe already answered the /proc question.
  const fullWriteProfile = JSON.stringify({ type: 'managed', file_system: { type: 'unrestricted' }, network: 'restricted' });
  const noLandlock = { landlock: { status: 'not-implemented' as const, abi: 0 }, bwrap: null };

  it('namespaces chosen by auto mount a fresh /proc where the probe says it can be mounted', () => {
    const plan = linuxSandboxPlan(args('--permission-profile', fullWriteProfile), capsFixture(noLandlock));
    expect(plan.backend).toBe('namespaces');
    if (plan.backend !== 'namespaces') return;
    expect(plan.mountProc).toBe(true);
    expect(plan.mountOps).toContainEqual({ op: 'proc', dest: '/proc' });
    expect(plan.enforcement.skippedHardening.some((h) => h.startsWith('fresh /proc'))).toBe(false);
  });

  it('namespaces chosen by auto skip /proc where mounting it is denied, and say so', () => {
    const namespaces = { usable: true, procMount: false, reason: null, apparmorRestricted: false };
    const plan = linuxSandboxPlan(args('--permission-profile', fullWriteProfile), capsFixture({ ...noLandlock, namespaces }));
    expect(plan.backend).toBe('namespaces');
    if (plan.backend !== 'namespaces') return;
    expect(plan.mountProc).toBe(false);
    expect(plan.enforcement.skippedHardening.some((h) => h.startsWith('fresh /proc'))).toBe(true);
  });

  it('--no-proc keeps /proc out whatever the planner picks', () => {
    const plan = linuxSandboxPlan(args('--no-proc', '--permission-profile', fullWriteProfile), capsFixture(noLandlock));
    expect(plan.backend).toBe('namespaces');
    if (plan.backend !== 'namespaces') return;
    expect(plan.mountProc).toBe(false);
    expect(plan.mountOps).not.toContainEqual({ op: 'proc', dest: '/proc' });
  });
});
