// Fail closed: a planner whose backend cannot force a sandbox's traffic through the proxy
// refuses a proxied network with E_UNSUPPORTED_POLICY naming the backend and why, instead of
// planning it as an open (or silently closed) network; the namespace backends and Seatbelt plan
// it (test/unit/linux/plan-proxied.test.ts, test/unit/macos/proxied-network.test.ts).
import { describe, expect, it } from 'vitest';
import { planLinux, type PlanLinuxOptions } from '../../../lib/platform/linux/plan';
import { planMacos } from '../../../lib/platform/macos/plan-macos';
import { planWindowsPolicy, type PlanWindowsPolicyOptions } from '../../helpers/plan-windows-policy';
import type { ProxiedNetwork, ResolvedPolicy, SandboxPolicy } from '../../../lib/policy/types';
import { thrown } from '../../helpers/errors';
import { capsFixture, resolvedFixture } from '../linux/fixtures';
import { fakeMacHost } from '../macos/fake-mac-host';
import { CWD, ENV, PROFILE, root } from '../windows/fixtures';
import { nodeHost } from '../../../lib/policy/node-host';

const PROXIED: ProxiedNetwork = { mode: 'proxied', allowedDomains: ['registry.npmjs.org'], deniedDomains: [], allowLocalBinding: false, unixSockets: [] };

function proxied(kind: 'restricted' | 'unrestricted'): ResolvedPolicy {
  const r = resolvedFixture({ kind, cwd: '/w', writableRoots: kind === 'restricted' ? ['/w'] : [] });
  return { ...r, policy: { ...r.policy, network: PROXIED } };
}

function expectProxiedRefusal(fn: () => unknown, backend: string, why: RegExp): void {
  const err = thrown(fn);
  expect(err.code).toBe('E_UNSUPPORTED_POLICY');
  expect(err.message).toContain(`a proxied network (domain allow/deny rules) cannot be enforced by backend "${backend}"`);
  expect(err.message).toMatch(why);
  expect(err.details).toMatchObject({ backend, network: 'proxied' });
}

describe('linux planners: only the namespace backends take a proxied network', () => {
  const linux = (r: ResolvedPolicy, backend: PlanLinuxOptions['backend']) => () =>
    planLinux(r, { capabilities: capsFixture(), backend, command: ['true'], permissionProfile: { type: 'disabled' }, host: nodeHost() });

  it.each(['auto', 'namespaces', 'bwrap'] as const)('%s: a restricted and an unrestricted file system with a proxied network plan through the relay', (backend) => {
    for (const kind of ['restricted', 'unrestricted'] as const) {
      const p = linux(proxied(kind), backend)();
      expect(p.backend).toBe(backend === 'auto' ? 'namespaces' : backend);
      expect(p.enforcement.network).toBe('proxied');
    }
  });

  it('landlock: refused, since it shares the host network namespace', () => {
    expectProxiedRefusal(linux(proxied('restricted'), 'landlock'), 'landlock', /host's network namespace/);
  });

  it('seccomp: refused, since it shares the host network namespace', () => {
    expectProxiedRefusal(linux(proxied('unrestricted'), 'seccomp'), 'seccomp', /host's network namespace/);
  });

  it('the same policies with restricted and enabled networks still plan', () => {
    const base = resolvedFixture({ kind: 'unrestricted' });
    expect(linux(base, 'auto')().enforcement.network).toBe('enforced');
    expect(linux({ ...base, policy: { ...base.policy, network: 'enabled' } }, 'auto')().enforcement.network).toBe('not-restricted');
  });
});

describe('macos planner takes a proxied network', () => {
  it('seatbelt: plans a proxy-only profile', () => {
    const p = planMacos(proxied('restricted'), { command: ['/bin/echo'], host: fakeMacHost(), permissionProfile: { type: 'disabled' } });
    expect(p.enforcement.network).toBe('proxied');
  });
});

describe('windows planners refuse a proxied network', () => {
  const policy: SandboxPolicy = { fileSystem: { kind: 'restricted', entries: [root('read')] }, network: PROXIED };
  it.each([undefined, 'auto', 'windows-token', 'windows-elevated'] as const)('%s: refused, no Windows backend can force connections through the proxy', (backend) => {
    const opts: PlanWindowsPolicyOptions = { cwd: CWD, command: ['cmd.exe'], env: ENV, permissionProfile: PROFILE, ...(backend === undefined ? {} : { backend }) };
    expectProxiedRefusal(() => planWindowsPolicy(policy, opts), backend ?? 'auto', /neither the restricted token nor the offline sandbox account/);
  });
});
