// The namespaces backend's planner: auto prefers it, it renders the same mount ops bwrap runs as
// the helper's own options, and it is refused (never replaced by something weaker) when the
// helper cannot make namespaces.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { planLinux, type BwrapPlan, type LinuxPlan, type NamespacesPlan, type PlanLinuxOptions } from '../../../lib/platform/linux/plan';
import { makeTempDir } from '../../helpers/temp';
import { capsFixture, NO_NAMESPACES, resolvedFixture, type ResolvedShape } from './fixtures';
import { nodeHost } from '../../../lib/policy/node-host';

let tmp: { path: string; remove: () => void };
let t: string;
beforeEach(() => {
  tmp = makeTempDir('plan-ns');
  t = tmp.path;
});
afterEach(() => tmp.remove());

const HELPER = '/opt/csbx/codex-sandbox-helper';
function plan(shape: ResolvedShape, opts: Partial<PlanLinuxOptions> = {}): LinuxPlan {
  return planLinux(resolvedFixture(shape), { capabilities: capsFixture(), backend: 'auto', command: ['true'], permissionProfile: { type: 'disabled' }, host: nodeHost(), ...opts });
}

describe('namespaces backend: choice', () => {
  it('auto picks it when the helper can make namespaces, on a restricted filesystem', () => {
    expect(plan({ fullDiskRead: true }).backend).toBe('namespaces');
    expect(plan({ readableRoots: [t], writableRoots: [t] }).backend).toBe('namespaces');
  });

  it('auto falls back to bwrap, then Landlock, when it cannot', () => {
    expect(plan({ fullDiskRead: true }, { capabilities: capsFixture({ namespaces: NO_NAMESPACES }) }).backend).toBe('bwrap');
    expect(plan({ fullDiskRead: true }, { capabilities: capsFixture({ namespaces: NO_NAMESPACES, bwrap: null }) }).backend).toBe('landlock');
  });

  it('auto with a full-write policy and a restricted network keeps Landlock first when it has the signal scope, then namespaces', () => {
    expect(plan({ kind: 'unrestricted', network: 'restricted' }).backend).toBe('landlock');
    const abi5 = capsFixture({ landlock: { status: 'available', abi: 5 } });
    expect(plan({ kind: 'unrestricted', network: 'restricted' }, { capabilities: abi5 }).backend).toBe('namespaces');
  });

  it("forced namespaces when the probe failed is E_BACKEND_UNAVAILABLE with the probe's reason, never another backend", () => {
    expect(() => plan({ fullDiskRead: true }, { backend: 'namespaces', capabilities: capsFixture({ namespaces: NO_NAMESPACES }) })).toThrow(
      expect.objectContaining({ code: 'E_BACKEND_UNAVAILABLE', message: expect.stringContaining('unshare CLONE_NEWUSER: Operation not permitted') }),
    );
  });

  it('the AppArmor case names the sysctl and the bwrap with a profile, and keeps bwrap usable', () => {
    const capabilities = capsFixture({ userns: false, namespaces: { ...NO_NAMESPACES, apparmorRestricted: true } });
    expect(() => plan({ fullDiskRead: true }, { backend: 'namespaces', capabilities })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('kernel.apparmor_restrict_unprivileged_userns=1') }),
    );
    expect(plan({ fullDiskRead: true }, { capabilities }).backend).toBe('bwrap');
  });

  it('refused without a built helper', () => {
    expect(() => plan({ fullDiskRead: true }, { backend: 'namespaces', capabilities: capsFixture({ helperPath: null }) })).toThrow(
      expect.objectContaining({ code: 'E_BACKEND_UNAVAILABLE', message: expect.stringContaining('not built') }),
    );
  });
});

describe('namespaces backend: argv', () => {
  it('read-only: the helper alone, the same ops bwrap gets, then the inner options', () => {
    const p = plan({ fullDiskRead: true, network: 'restricted' });
    expect(p.argv).toStrictEqual([
      HELPER,
      '--namespaces',
      '--ro-bind',
      '/',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
      '--ro-bind-try',
      '/proc/sys',
      '--ro-bind-try',
      '/proc/sysrq-trigger',
      '--ro-bind-try',
      '/proc/irq',
      '--ro-bind-try',
      '/proc/bus',
      '--landlock-abi',
      '1',
      '--landlock-fs-handled',
      '0x2',
      '--landlock-rule',
      '0x2:/dev',
      '--landlock-rule',
      '0x2:/proc',
      '--setenv',
      'CODEX_SANDBOX_NETWORK_DISABLED=1',
      '--network',
      'restricted',
      '--reaper',
      '--',
      'true',
    ]);
    expect(p.enforcement.handled).toContain('network-namespace');
    expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
  });

  it('has the mount ops and host mount targets of the bwrap plan', () => {
    mkdirSync(join(t, 'w/.git'), { recursive: true });
    writeFileSync(join(t, 'w/.git/HEAD'), 'ref: refs/heads/main\n');
    const shape: ResolvedShape = { readableRoots: ['/usr'], writableRoots: [{ root: join(t, 'w'), protectedMetadataNames: ['.git', '.codex'] }] };
    const ns = plan(shape) as NamespacesPlan;
    const bw = plan(shape, { backend: 'bwrap' }) as BwrapPlan;
    expect(ns.backend).toBe('namespaces');
    expect(ns.mountOps).toStrictEqual(bw.mountOps);
    expect(ns.hostPrep).toStrictEqual(bw.hostPrep);
    expect(ns.argv.join(' ')).toContain(`--perms 555 --tmpfs ${join(t, 'w/.codex')} --remount-ro ${join(t, 'w/.codex')}`);
    expect(ns.argv.join(' ')).toContain(`--ro-bind ${join(t, 'w/.git')} `);
  });

  it("does not expose the helper's directory, which only bwrap needs (it execs the helper inside)", () => {
    mkdirSync(join(t, 'bin'));
    const capabilities = capsFixture({ helperPath: join(t, 'bin/helper') });
    const helperDir = { op: 'ro-bind', src: join(t, 'bin'), dest: join(t, 'bin') };
    expect((plan({ readableRoots: ['/usr'] }, { capabilities, backend: 'bwrap' }) as BwrapPlan).mountOps).toContainEqual(helperDir);
    expect((plan({ readableRoots: ['/usr'] }, { capabilities }) as NamespacesPlan).mountOps).not.toContainEqual(helperDir);
  });

  it('without a fresh /proc (the probe said so) the plan omits it and lists the skipped hardening', () => {
    const p = plan({ fullDiskRead: true }, { capabilities: capsFixture({ namespaces: { usable: true, procMount: false, reason: null, apparmorRestricted: false } }) });
    expect(p.argv).not.toContain('--proc');
    expect(p.enforcement.skippedHardening.join(' ')).toContain('fresh /proc');
  });
});
