// Linux planner: backend choice, refusals, argv syntax and plain-data plans (capability fixtures,
// real temporary trees for host lookups).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ACCESS_FS } from '../../../lib/platform/linux/landlock-abi';
import { planLinux, WSL1_MESSAGE, type BwrapPlan, type LinuxPlan, type PlanLinuxOptions } from '../../../lib/platform/linux/plan';
import { makeTempDir } from '../../helpers/temp';
import { capsFixture as baseCaps, NO_NAMESPACES, resolvedFixture, type ResolvedShape } from './fixtures';
import { thrown } from '../../helpers/errors';
import { nodeHost } from '../../../lib/policy/node-host';

let tmp: { path: string; remove: () => void };
let t: string;
beforeEach(() => {
  tmp = makeTempDir('plan');
  t = tmp.path;
});
afterEach(() => tmp.remove());

const HELPER = '/opt/csbx/codex-sandbox-helper';
// Most of this file is about bubblewrap and Landlock: a machine where the helper cannot make its
// own namespaces, unless a test says otherwise (the namespaces backend has its own block below).
function capsFixture(over: Parameters<typeof baseCaps>[0] = {}): ReturnType<typeof baseCaps> {
  return baseCaps({ namespaces: NO_NAMESPACES, ...over });
}
function plan(shape: ResolvedShape, opts: Partial<PlanLinuxOptions> = {}): LinuxPlan {
  return planLinux(resolvedFixture(shape), { capabilities: capsFixture(), backend: 'auto', command: ['true'], permissionProfile: { type: 'disabled' }, host: nodeHost(), ...opts });
}

describe('planLinux backend choice', () => {
  it('an unusable native build is the refusal, named first with its fix, even though it also hides seccomp and Landlock', () => {
    const nativeBuild = { reason: 'not-built', message: 'native addon codex_sandbox is not built: …; run "npm rebuild codex-sandbox"' };
    const caps = capsFixture({ nativeBuild, seccomp: false, landlock: { status: 'not-implemented', abi: 0 }, helperPath: null });
    for (const shape of [{ fullDiskRead: true }, { fullDiskWrite: true, network: 'enabled' as const }]) {
      let e: unknown;
      try {
        plan(shape, { capabilities: caps });
      } catch (error) {
        e = error;
      }
      expect(e).toMatchObject({ code: 'E_BACKEND_UNAVAILABLE', message: nativeBuild.message, details: { reason: 'not-built', native: true } });
    }
  });

  it('auto without the namespaces backend, with bwrap and userns: bubblewrap backend, plan is plain JSON data', () => {
    const p = plan({ fullDiskRead: true });
    expect(p.backend).toBe('bwrap');
    expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
  });

  it('bwrap: read-only policy renders the reference prefix and the network namespace (docs/reference.md#bwrap-argv)', () => {
    const p = plan({ fullDiskRead: true, network: 'restricted' });
    expect(p.argv).toStrictEqual([
      '/usr/bin/bwrap',
      '--new-session',
      '--die-with-parent',
      '--as-pid-1',
      '--unshare-user',
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-net',
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
      '--ro-bind-try',
      '/proc/sys',
      '/proc/sys',
      '--ro-bind-try',
      '/proc/sysrq-trigger',
      '/proc/sysrq-trigger',
      '--ro-bind-try',
      '/proc/irq',
      '/proc/irq',
      '--ro-bind-try',
      '/proc/bus',
      '/proc/bus',
      '--cap-drop',
      'ALL',
      '--',
      HELPER,
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
    expect(p.env).toStrictEqual({ CODEX_SANDBOX_NETWORK_DISABLED: '1' });
  });

  it('bwrap: the inner helper grants WRITE_FILE only beneath writable binds, /dev and /proc (the FIFO guard, R8)', () => {
    const p = plan({ writableRoots: [t] }) as BwrapPlan;
    const inner = p.argv.slice(p.argv.indexOf('--') + 1);
    const rules = inner.flatMap((a, i) => (inner[i - 1] === '--landlock-rule' ? [a] : []));
    expect(rules).toStrictEqual([...p.mountOps.flatMap((op) => (op.op === 'bind' ? [`0x2:${op.dest}`] : [])), '0x2:/dev', '0x2:/proc']);
    expect(rules).toContain(`0x2:${t}`);
    expect(p.enforcement.handled).toContain('landlock-write-guard');
  });

  it('bwrap: without Landlock the FIFO guard is listed as skipped hardening, never refused', () => {
    const p = plan({ fullDiskRead: true }, { capabilities: capsFixture({ landlock: { status: 'not-enabled', abi: 0 } }) });
    expect(p.argv).not.toContain('--landlock-abi');
    expect(p.enforcement.skippedHardening.join(' ')).toContain('Landlock write guard');
  });

  it("bwrap: a bwrap without --as-pid-1 is E_BACKEND_UNAVAILABLE (it would stay the sandbox's unfiltered PID 1)", () => {
    const capabilities = capsFixture({ bwrap: { path: '/usr/bin/bwrap', version: '0.2.1', hasArgv0: false, hasPerms: true, hasAsPid1: false } });
    expect(() => plan({ fullDiskRead: true }, { capabilities, backend: 'bwrap' })).toThrow(
      expect.objectContaining({ code: 'E_BACKEND_UNAVAILABLE', message: expect.stringContaining('--as-pid-1') }),
    );
  });

  it('bwrap: enabled network omits --unshare-net and the env marker', () => {
    const p = plan({ fullDiskRead: true, network: 'enabled' });
    expect(p.argv).not.toContain('--unshare-net');
    expect(p.env).toStrictEqual({});
  });

  it('bwrap: without --proc support the plan omits --proc and lists the skipped hardening', () => {
    const p = plan({ fullDiskRead: true }, { mountProc: false });
    expect(p.argv).not.toContain('--proc');
    expect(p.enforcement.skippedHardening.length).toBe(1);
  });

  it('bwrap: restricted reads keep the helper directory readable and remount the tmpfs root read-only last', () => {
    mkdirSync(join(t, 'bin'));
    const p = plan({ readableRoots: [] }, { capabilities: capsFixture({ helperPath: join(t, 'bin/helper') }) });
    expect(p.argv.join(' ')).toContain(`--ro-bind ${t}/bin ${t}/bin`);
    const sep = p.argv.indexOf('--');
    expect(p.argv.slice(0, sep)).toContain('--remount-ro');
    expect(p.argv.lastIndexOf('--remount-ro', sep)).toBeGreaterThan(p.argv.indexOf('--proc'));
  });

  it('bwrap: a masked file makes the plan request the shared /dev/null descriptor', () => {
    mkdirSync(join(t, 'w'));
    const p = plan({ fullDiskRead: true, writableRoots: [{ root: join(t, 'w'), readOnlySubpaths: [join(t, 'w/missing')] }] });
    expect(p.backend === 'bwrap' && p.fds).toStrictEqual([{ fd: 3, path: '/dev/null' }]);
    expect(p.argv).toContain('--ro-bind-data');
    expect(p.hostPrep).toStrictEqual([{ path: join(t, 'w/missing'), kind: 'file' }]);
  });

  it('bwrap: a symlinked policy cwd gets --chdir to the canonical directory (docs/reference.md#bwrap-argv)', () => {
    mkdirSync(join(t, 'real/subdir'), { recursive: true });
    symlinkSync(join(t, 'real'), join(t, 'link'));
    const p = plan({ fullDiskRead: true, cwd: join(t, 'link') }, { commandCwd: join(t, 'link/subdir') });
    const i = p.argv.indexOf('--chdir');
    expect(p.argv[i + 1]).toBe(join(t, 'real/subdir'));
  });

  it('auto without bwrap falls back to Landlock when the policy is exactly representable', () => {
    const p = plan({ fullDiskRead: true }, { capabilities: capsFixture({ bwrap: null }) });
    expect(p.backend).toBe('landlock');
    expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
  });

  it('auto without bwrap and with protected metadata refuses, naming both reasons and doctor', () => {
    mkdirSync(join(t, 'w'));
    const r = thrown(() => plan({ fullDiskRead: true, writableRoots: [{ root: join(t, 'w'), protectedMetadataNames: ['.git'] }] }, { capabilities: capsFixture({ bwrap: null }) }));
    expect(r.code).toBe('E_BACKEND_UNAVAILABLE');
    expect(r.message).toContain('bubblewrap is unavailable');
    expect(r.message).toContain('protects metadata names');
    expect(r.message).toContain('codex-sandbox doctor');
  });

  it('auto without user namespaces uses Landlock, never a weaker backend', () => {
    const p = plan({ readableRoots: [t] }, { capabilities: capsFixture({ userns: false }) });
    expect(p.backend).toBe('landlock');
  });

  it('forced landlock with a read-only carve-out refuses and points at bwrap', () => {
    mkdirSync(join(t, 'w/docs'), { recursive: true });
    const r = thrown(() => plan({ fullDiskRead: true, writableRoots: [{ root: join(t, 'w'), readOnlySubpaths: [join(t, 'w/docs')] }] }, { backend: 'landlock' }));
    expect(r.code).toBe('E_UNSUPPORTED_POLICY');
    expect(r.message).toContain('--backend namespaces or bwrap');
  });

  it('forced landlock with a deny inside a readable root refuses', () => {
    mkdirSync(join(t, 'r/secret'), { recursive: true });
    const r = thrown(() => plan({ readableRoots: [join(t, 'r')], unreadableRoots: [join(t, 'r/secret')] }, { backend: 'landlock' }));
    expect(r.code).toBe('E_UNSUPPORTED_POLICY');
  });

  it('forced landlock on ABI 2 refuses naming TRUNCATE and ABI 3', () => {
    const r = thrown(() => plan({ fullDiskRead: true }, { backend: 'landlock', capabilities: capsFixture({ landlock: { status: 'available', abi: 2 } }) }));
    expect(r.message).toContain('TRUNCATE');
    expect(r.message).toContain('ABI 3');
  });

  it('forced landlock when the kernel lacks Landlock is E_BACKEND_UNAVAILABLE', () => {
    const r = thrown(() => plan({ fullDiskRead: true }, { backend: 'landlock', capabilities: capsFixture({ landlock: { status: 'not-enabled', abi: 0 } }) }));
    expect(r.code).toBe('E_BACKEND_UNAVAILABLE');
  });

  it('forced bwrap without bwrap is E_BACKEND_UNAVAILABLE, not a downgrade', () => {
    const r = thrown(() => plan({ fullDiskRead: true }, { backend: 'bwrap', capabilities: capsFixture({ bwrap: null }) }));
    expect(r.code).toBe('E_BACKEND_UNAVAILABLE');
  });

  it('forced bwrap whose binary lies inside a writable root or the policy cwd is refused, naming both (issue #20)', () => {
    const ws = join(t, 'ws');
    mkdirSync(join(ws, 'node_modules', '.bin'), { recursive: true });
    const planted = capsFixture({ bwrap: { path: join(ws, 'node_modules', '.bin', 'bwrap'), version: '0.8.0', hasArgv0: false, hasPerms: true, hasAsPid1: true } });
    const r = thrown(() => plan({ cwd: ws, fullDiskRead: true, writableRoots: [ws] }, { backend: 'bwrap', capabilities: planted }));
    expect(r.code).toBe('E_BACKEND_UNAVAILABLE');
    expect(r.message).toContain(join(ws, 'node_modules', '.bin', 'bwrap'));
    expect(r.message).toContain(`inside ${ws}`);
    expect(r.message).toMatch(/unsandboxed/);
    // A read-only policy in that workspace refuses it too: an earlier run may have planted it.
    expect(thrown(() => plan({ cwd: ws, fullDiskRead: true }, { backend: 'bwrap', capabilities: planted })).code).toBe('E_BACKEND_UNAVAILABLE');
    const extra = join(t, 'extra');
    const inExtra = capsFixture({ bwrap: { path: join(extra, 'bin', 'bwrap'), version: '0.8.0', hasArgv0: false, hasPerms: true, hasAsPid1: true } });
    expect(thrown(() => plan({ cwd: ws, fullDiskRead: true, writableRoots: [ws, extra] }, { backend: 'bwrap', capabilities: inExtra })).message).toContain(`inside ${extra}`);
  });

  it('auto with a bwrap inside the workspace falls through to Landlock like an unavailable bwrap (issue #20)', () => {
    const ws = join(t, 'ws');
    mkdirSync(ws);
    const planted = capsFixture({ bwrap: { path: join(ws, 'bwrap'), version: '0.8.0', hasArgv0: false, hasPerms: true, hasAsPid1: true } });
    expect(plan({ cwd: ws, fullDiskRead: true }, { capabilities: planted }).backend).toBe('landlock');
    // Whole-disk write: such a sandbox can replace any binary, so no bwrap is singled out.
    expect(plan({ cwd: ws, kind: 'unrestricted' }, { backend: 'bwrap', capabilities: planted }).backend).toBe('bwrap');
  });

  it('forced seccomp with a restricted filesystem refuses', () => {
    expect(thrown(() => plan({ fullDiskRead: true }, { backend: 'seccomp' })).code).toBe('E_UNSUPPORTED_POLICY');
  });

  it('auto: unrestricted filesystem with restricted network plans the Landlock full-write ruleset, /proc/sys read-only for root and a signal-scoped command', () => {
    const p = plan({ kind: 'unrestricted', network: 'restricted' });
    expect(p.backend).toBe('landlock');
    expect(p.argv).toStrictEqual([
      HELPER,
      '--proc-sys-readonly',
      '--landlock-abi',
      '7',
      '--landlock-fs-handled',
      '0xffff',
      '--landlock-rule',
      '0xffff:/',
      '--landlock-rule',
      '0x4007:/dev/null',
      '--landlock-scope',
      '0x3',
      '--setenv',
      'CODEX_SANDBOX_NETWORK_DISABLED=1',
      '--network',
      'restricted',
      '--reaper',
      '--deny-ipc',
      '--command-landlock-scope',
      '0x2',
      '--',
      'true',
    ]);
    expect(p.env).toStrictEqual({ CODEX_SANDBOX_NETWORK_DISABLED: '1' });
    expect(p.enforcement.handled).toStrictEqual(expect.arrayContaining(['command-signal-scope', 'proc-sys-readonly-for-root']));
    expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
  });

  it('auto: unrestricted filesystem with restricted network on Landlock ABI 5 prefers bwrap (no signal scope), and uses Landlock only without bwrap', () => {
    const abi5 = { landlock: { status: 'available' as const, abi: 5 } };
    expect(plan({ kind: 'unrestricted', network: 'restricted' }, { capabilities: capsFixture(abi5) }).backend).toBe('bwrap');
    const p = plan({ kind: 'unrestricted', network: 'restricted' }, { capabilities: capsFixture({ ...abi5, bwrap: null }) });
    expect(p.backend).toBe('landlock');
    expect(p.argv).not.toContain('--command-landlock-scope');
    expect(p.enforcement.skippedHardening.join(' ')).toContain('signal-scoped Landlock domain');
  });

  it('auto: unrestricted filesystem with restricted network falls to bwrap without Landlock, and refuses without both', () => {
    const noLandlock = { landlock: { status: 'not-implemented' as const, abi: 0 } };
    expect(plan({ kind: 'unrestricted', network: 'restricted' }, { capabilities: capsFixture(noLandlock) }).backend).toBe('bwrap');
    const r = thrown(() => plan({ kind: 'unrestricted', network: 'restricted' }, { capabilities: capsFixture({ ...noLandlock, bwrap: null }) }));
    expect(r.code).toBe('E_BACKEND_UNAVAILABLE');
    expect(r.message).toContain('other processes');
  });

  it('forced seccomp: unrestricted filesystem with restricted network is refused (seccomp alone cannot keep other processes out of reach)', () => {
    const r = thrown(() => plan({ kind: 'unrestricted', network: 'restricted' }, { backend: 'seccomp' }));
    expect(r.code).toBe('E_UNSUPPORTED_POLICY');
    expect(r.message).toContain('other processes of the user');
  });

  it('unrestricted filesystem with enabled network still runs the seccomp helper, its command in a signal-scoped domain', () => {
    const p = plan({ kind: 'unrestricted', network: 'enabled' });
    expect(p.backend).toBe('seccomp');
    expect(p.argv).toStrictEqual([HELPER, '--network', 'enabled', '--reaper', '--deny-ipc', '--command-landlock-scope', '0x2', '--', 'true']);
    expect(p.enforcement.network).toBe('not-restricted');
    const old = plan({ kind: 'unrestricted', network: 'enabled' }, { capabilities: capsFixture({ landlock: { status: 'available', abi: 5 } }) });
    expect(old.argv).toStrictEqual([HELPER, '--network', 'enabled', '--reaper', '--deny-ipc', '--', 'true']);
    expect(old.enforcement.skippedHardening.join(' ')).toContain('Landlock ABI 6');
  });

  it('external-sandbox never restricts the network itself', () => {
    expect(plan({ kind: 'external-sandbox', network: 'restricted' }).argv).toContain('enabled');
  });

  it('WSL1 with a restricted filesystem refuses with the reference message before anything runs', () => {
    const r = thrown(() => plan({ fullDiskRead: true }, { capabilities: capsFixture({ wsl: 'wsl1' }) }));
    expect(r.message).toBe(WSL1_MESSAGE);
  });

  it('WSL1 with an unrestricted filesystem and the network on is allowed (seccomp only)', () => {
    expect(plan({ kind: 'unrestricted', network: 'enabled' }, { capabilities: capsFixture({ wsl: 'wsl1' }) }).backend).toBe('seccomp');
  });

  it('a missing helper executable is E_BACKEND_UNAVAILABLE naming the build step', () => {
    const r = thrown(() => plan({ fullDiskRead: true }, { capabilities: capsFixture({ helperPath: null }) }));
    expect(r.code).toBe('E_BACKEND_UNAVAILABLE');
    expect(r.message).toContain('npm rebuild codex-sandbox');
  });

  it('same inputs give an identical plan (deterministic)', () => {
    mkdirSync(join(t, 'w'));
    const shape: ResolvedShape = { fullDiskRead: true, writableRoots: [{ root: join(t, 'w'), protectedMetadataNames: ['.git', '.codex'] }] };
    expect(plan(shape)).toStrictEqual(plan(shape));
  });
});

describe('Landlock rules', () => {
  it('read roots get read rights, writable roots every right of the ABI, rendered as exact masks', () => {
    mkdirSync(join(t, 'w'));
    const p = plan({ readableRoots: [t], writableRoots: [join(t, 'w')] }, { backend: 'landlock', capabilities: capsFixture({ landlock: { status: 'available', abi: 6 } }) });
    if (p.backend !== 'landlock') throw new Error('expected landlock');
    const read = ACCESS_FS.EXECUTE | ACCESS_FS.READ_FILE | ACCESS_FS.READ_DIR;
    expect(p.landlockRules.find((r) => r.path === t)?.access).toBe(read);
    expect(p.landlockRules.find((r) => r.path === join(t, 'w'))?.access).toBe(0xffff);
    expect(p.handledAccessFs).toBe(0xffff);
    expect(p.scope).toBe(3);
    expect(p.argv.slice(0, 5)).toStrictEqual([HELPER, '--landlock-abi', '6', '--landlock-fs-handled', '0xffff']);
    expect(p.argv).toContain(`0xffff:${join(t, 'w')}`);
    expect(p.argv.slice(-12)).toStrictEqual([
      '--landlock-scope',
      '0x3',
      '--setenv',
      'CODEX_SANDBOX_NETWORK_DISABLED=1',
      '--network',
      'restricted',
      '--reaper',
      '--deny-ipc',
      '--command-landlock-scope',
      '0x2',
      '--',
      'true',
    ]);
  });

  it('ABI 5 omits scopes and lists them as skipped hardening; ABI 4 also skips IOCTL_DEV', () => {
    const p5 = plan({ fullDiskRead: true }, { backend: 'landlock', capabilities: capsFixture({ landlock: { status: 'available', abi: 5 } }) });
    expect(p5.argv).not.toContain('--landlock-scope');
    expect(p5.enforcement.skippedHardening.join(' ')).toContain('SIGNAL');
    const p4 = plan({ fullDiskRead: true }, { backend: 'landlock', capabilities: capsFixture({ landlock: { status: 'available', abi: 4 } }) });
    expect(p4.enforcement.skippedHardening.join(' ')).toContain('IOCTL_DEV');
  });

  it('a file rule never carries directory-only rights', () => {
    const p = plan({ fullDiskRead: true }, { backend: 'landlock' });
    if (p.backend !== 'landlock') throw new Error('expected landlock');
    const devNull = p.landlockRules.find((r) => r.path === '/dev/null');
    expect(devNull?.rights).toStrictEqual(
      ['WRITE_FILE', 'READ_FILE', 'EXECUTE', 'TRUNCATE'].sort((a, b) => ACCESS_FS[a as keyof typeof ACCESS_FS] - ACCESS_FS[b as keyof typeof ACCESS_FS]),
    );
  });

  it('bwrap never needs --argv0: with or without support the inner command is the helper by absolute path', () => {
    for (const hasArgv0 of [true, false]) {
      const p = plan({ fullDiskRead: true }, { capabilities: capsFixture({ bwrap: { path: '/usr/bin/bwrap', version: '0.9.0', hasArgv0, hasPerms: true, hasAsPid1: true } }) });
      expect(p.argv).not.toContain('--argv0');
      expect(p.argv[p.argv.indexOf('--') + 1]).toBe(HELPER);
    }
  });

  it('bwrap: each file mount point below a denied directory reads its own /dev/null descriptor (bwrap consumes --file fds)', () => {
    mkdirSync(join(t, 'a'), { recursive: true });
    mkdirSync(join(t, 'd'), { recursive: true });
    writeFileSync(join(t, 'a/r.txt'), 'x');
    writeFileSync(join(t, 'd/r.txt'), 'x');
    const p = plan({ readableRoots: ['/', join(t, 'a/r.txt'), join(t, 'd/r.txt')], unreadableRoots: [t] });
    if (p.backend !== 'bwrap') throw new Error('expected bwrap');
    expect(p.fds).toStrictEqual([
      { fd: 4, path: '/dev/null' },
      { fd: 5, path: '/dev/null' },
    ]);
    const files = p.argv.flatMap((a, i) => (a === '--file' ? [p.argv[i + 1]] : []));
    expect(files).toStrictEqual(['4', '5']);
  });
});
