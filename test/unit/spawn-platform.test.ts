// spawn/ picks the launcher by platform. On Linux the macOS path plans a real Seatbelt profile
// and then refuses to start it, because sandbox-exec exists only on macOS.
import { describe, expect, it } from 'vitest';

import { isSandboxError } from '../../lib/errors';
import { SEATBELT_UNAVAILABLE_MESSAGE } from '../../lib/platform/macos/plan-macos';
import { planSandbox, resolveForPlatform } from '../../lib/platform/plan-sandbox';
import { explain } from '../../lib/policy/public-entry';
import { fakeHost } from './policy/fake-host';
import { spawnSandboxed } from '../../lib/spawn/spawn-sandboxed';

const readOnly = {
  type: 'managed',
  file_system: { type: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'read' }] },
  network: 'restricted',
};

describe('spawn: platform choice', () => {
  it.runIf(process.platform !== 'darwin')('seatbelt off macOS: the plan is refused with E_BACKEND_UNAVAILABLE and the reference message', () => {
    let caught: unknown;
    try {
      spawnSandboxed(['/bin/true'], { permissionProfile: readOnly, cwd: '/', platform: 'macos' });
    } catch (err) {
      caught = err;
    }
    expect(isSandboxError(caught)).toBe(true);
    expect((caught as { code: string }).code).toBe('E_BACKEND_UNAVAILABLE');
    expect((caught as Error).message).toBe(SEATBELT_UNAVAILABLE_MESSAGE);
  });

  it('seatbelt: a refused policy is still refused before any launch question arises', () => {
    expect(() => spawnSandboxed(['/bin/true'], { permissionProfile: readOnly, cwd: '/', platform: 'macos', backend: 'bwrap' })).toThrow(/backend "bwrap" does not exist on macos/);
  });

  it('macOS resolution counts the Seatbelt platform defaults for :minimal reads, Linux its own', () => {
    const policy = {
      fileSystem: { kind: 'restricted' as const, entries: [{ path: { type: 'special' as const, value: { kind: 'minimal' as const } }, access: 'read' as const }] },
      network: 'restricted' as const,
    };
    const host = fakeHost({ dirs: ['/System/Library/Frameworks', '/usr/lib', '/work'] });
    const mac = resolveForPlatform(policy, 'macos', '/work', host);
    const linux = resolveForPlatform(policy, 'linux', '/work', host);
    expect(explain(mac, '/System/Library/Frameworks/Foundation.framework', 'read').allowed).toBe(true);
    expect(explain(linux, '/System/Library/Frameworks/Foundation.framework', 'read').allowed).toBe(false);
    expect(explain(linux, '/usr/lib/libc.so', 'read').allowed).toBe(true);
    const plan = planSandbox(
      { type: 'managed', file_system: { type: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'minimal' } }, access: 'read' }] }, network: 'restricted' },
      {
        platform: 'macos',
        cwd: '/work',
        command: ['/bin/ls'],
        host,
      },
    );
    expect(plan.backend).toBe('seatbelt');
    expect(plan.argv[0]).toBe('/usr/bin/sandbox-exec');
  });
});
