import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { helperPath } from '../../lib/native';
import {
  detectWsl,
  findBwrapOnPath,
  landlockCapabilityFrom,
  parseBwrapVersion,
  probeCapabilities,
  namespacesFromProbe,
  probeCapabilitiesFresh,
  resetCapabilityCache,
  seccompUsableFrom,
} from '../../lib/platform/linux/probe';
import { withTempDir } from '../helpers/temp';

function fakeBwrap(dir: string, help: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'bwrap');
  writeFileSync(file, `#!/bin/sh\ncase "$1" in --help) echo '${help}' ;; --version) echo '${version}' ;; *) exit 1 ;; esac\n`);
  chmodSync(file, 0o755);
  return file;
}

afterEach(() => {
  resetCapabilityCache();
});

describe('probe: WSL detection from /proc/version (docs/reference.md#wsl)', () => {
  it.each([
    ['Linux version 6.18.0-1-amd64 (debian-kernel@lists.debian.org) (gcc-14) #1 SMP', 'none'],
    ['Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com) (gcc version 5.4.0 (GCC) ) #1237-Microsoft', 'wsl1'],
    ['Linux version 5.15.90.1-microsoft-standard-WSL2 (root@1e8ef6ba5b0f) (gcc (GCC) 11.2.0)', 'wsl2'],
    ['Linux version 5.10.16.3-microsoft-standard (oe-user@oe-host)', 'wsl2'],
    ['Linux version 4.4.0 (wsl1 build) microsoft-standard', 'wsl1'],
    ['Linux version 6.6.0 (builder@wsl) (a wsl3 kernel)', 'wsl2'],
  ])('%s -> %s', (text, expected) => {
    expect(detectWsl(text)).toBe(expected);
  });
});

describe('probe: addon answers to capabilities', () => {
  it('Landlock: ENOSYS is not-implemented, any other errno not-enabled, a newer kernel the newest known ABI', () => {
    expect(landlockCapabilityFrom({ ok: true, abi: 5 })).toEqual({ status: 'available', abi: 5 });
    expect(landlockCapabilityFrom({ ok: true, abi: 9 })).toEqual({ status: 'available', abi: 7, kernelAbi: 9 });
    expect(landlockCapabilityFrom({ ok: false, call: 'landlock_create_ruleset', errno: 38 })).toEqual({ status: 'not-implemented', abi: 0 });
    expect(landlockCapabilityFrom({ ok: false, call: 'landlock_create_ruleset', errno: 95 })).toEqual({ status: 'not-enabled', abi: 0 });
    expect(landlockCapabilityFrom({ ok: false, call: 'landlock_create_ruleset', errno: 1 })).toEqual({ status: 'not-enabled', abi: 0 });
  });

  it('seccomp: usable only with filter mode and both actions the helper uses', () => {
    const full = { ok: true as const, mode: 0, filter: true, errnoAction: true, killProcessAction: true };
    expect(seccompUsableFrom(full)).toBe(true);
    expect(seccompUsableFrom({ ...full, mode: 2 })).toBe(true);
    expect(seccompUsableFrom({ ...full, filter: false })).toBe(false);
    expect(seccompUsableFrom({ ...full, killProcessAction: false })).toBe(false);
    expect(seccompUsableFrom({ ok: false, call: 'prctl', errno: 22 })).toBe(false);
  });
});

// Fake bwrap executables are shell scripts, so these run where /bin/sh does.
describe.runIf(process.platform !== 'win32')('probe: bwrap discovery on PATH (docs/reference.md#bwrap-discovery)', () => {
  it('takes the first executable bwrap, canonicalized, skipping non-executable files', async () => {
    await withTempDir((root) => {
      const noExec = join(root, 'noexec');
      mkdirSync(noExec);
      writeFileSync(join(noExec, 'bwrap'), '#!/bin/sh\n');
      chmodSync(join(noExec, 'bwrap'), 0o644);
      const real = fakeBwrap(join(root, 'real'), '', '');
      mkdirSync(join(root, 'linked'));
      symlinkSync(real, join(root, 'linked', 'bwrap'));
      const cwd = join(root, 'work');
      mkdirSync(cwd);
      expect(findBwrapOnPath(`${noExec}:${join(root, 'linked')}:/usr/bin`, cwd)).toBe(real);
      expect(findBwrapOnPath(undefined, cwd)).toBeNull();
      expect(findBwrapOnPath(noExec, cwd)).toBeNull();
    });
  });

  it('never picks a bwrap inside the workspace, also not through a relative entry or a symlink', async () => {
    await withTempDir((root) => {
      const cwd = join(root, 'work');
      const planted = fakeBwrap(join(cwd, 'bin'), '', '');
      const outside = join(root, 'outside');
      mkdirSync(outside);
      symlinkSync(planted, join(outside, 'bwrap'));
      const system = fakeBwrap(join(root, 'system'), '', '');
      expect(findBwrapOnPath(`${join(cwd, 'bin')}:bin::${outside}:${join(root, 'system')}`, cwd)).toBe(system);
      expect(findBwrapOnPath(`bin:${outside}`, cwd)).toBeNull();
      // Relative entries resolve against cwd.
      expect(findBwrapOnPath('../system', cwd)).toBe(system);
      // From `/` every candidate lies inside the workspace, as in the reference: no bwrap.
      expect(findBwrapOnPath(join(root, 'system'), '/')).toBeNull();
    });
  });

  it('skips a bwrap inside any untrusted directory (policy cwd, writable roots) and keeps searching (issue #20)', async () => {
    await withTempDir((root) => {
      const processCwd = join(root, 'elsewhere');
      mkdirSync(processCwd);
      const ws = join(root, 'ws');
      const planted = fakeBwrap(join(ws, 'node_modules', '.bin'), '', '');
      const extra = join(root, 'extra');
      const plantedExtra = fakeBwrap(join(extra, 'bin'), '', '');
      const system = fakeBwrap(join(root, 'system'), '', '');
      const pathVar = `${join(ws, 'node_modules', '.bin')}:${join(extra, 'bin')}:${join(root, 'system')}`;
      expect(findBwrapOnPath(pathVar, processCwd)).toBe(planted);
      expect(findBwrapOnPath(pathVar, processCwd, [ws])).toBe(plantedExtra);
      expect(findBwrapOnPath(pathVar, processCwd, [ws, extra])).toBe(system);
      // Named through a symlink, the untrusted directory still covers its target.
      symlinkSync(ws, join(root, 'ws-link'));
      expect(findBwrapOnPath(pathVar, processCwd, [join(root, 'ws-link'), extra])).toBe(system);
    });
  });

  it('parses the version line and keeps anything else as printed', () => {
    expect(parseBwrapVersion('bubblewrap 0.8.0\n')).toBe('0.8.0');
    expect(parseBwrapVersion('bubblewrap 0.11.0')).toBe('0.11.0');
    expect(parseBwrapVersion('weird output')).toBe('weird output');
  });

  it('reads --argv0, --perms and --as-pid-1 support from --help', async () => {
    await withTempDir((tmp) => {
      const root = join(tmp, 'tools');
      const cwd = join(tmp, 'work');
      mkdirSync(cwd);
      const dir = join(root, 'new');
      const file = fakeBwrap(dir, 'usage: bwrap --argv0 VALUE --perms OCTAL --as-pid-1', 'bubblewrap 0.11.0');
      expect(probeCapabilitiesFresh({ path: dir, cwd }).bwrap).toEqual({
        path: file,
        version: '0.11.0',
        hasArgv0: true,
        hasPerms: true,
        hasAsPid1: true,
      });
      const old = join(root, 'old');
      fakeBwrap(old, 'usage: bwrap --bind SRC DEST', 'bubblewrap 0.4.0');
      expect(probeCapabilitiesFresh({ path: old, cwd }).bwrap).toMatchObject({ version: '0.4.0', hasArgv0: false, hasPerms: false, hasAsPid1: false });
      expect(probeCapabilitiesFresh({ path: join(root, 'empty'), cwd }).bwrap).toBeNull();
    });
  });
});

describe.runIf(process.platform === 'linux')('probe: this machine', () => {
  it("reports Landlock, seccomp, the helper's namespaces and the helper path", () => {
    const caps = probeCapabilitiesFresh();
    expect(caps.helperPath).toBe(helperPath());
    expect(caps.seccomp).toBe(true);
    const status = spawnSync(helperPath(), ['--probe', 'namespaces']).status;
    expect(caps.userns).toBe(status === 0 || status === 2 || status === 3);
    expect(caps.namespaces.usable).toBe(status === 0 || status === 3);
    expect(caps.namespaces.procMount).toBe(status === 0);
    if (process.env.CI === 'true') {
      expect(caps.landlock).toEqual({ status: 'available', abi: 7 });
      expect(caps.userns).toBe(true);
      expect(caps.namespaces).toStrictEqual({ usable: true, procMount: true, reason: null, apparmorRestricted: false });
    }
    if (caps.landlock.status === 'available') expect(caps.landlock.abi).toBeGreaterThanOrEqual(1);
    else expect(caps.landlock.abi).toBe(0);
  });

  it('bwrap is not looked for when the plan cannot use it: auto or namespaces with the namespaces backend usable', () => {
    const full = probeCapabilitiesFresh();
    if (!full.namespaces.usable) return expect(process.env.CI).not.toBe('true');
    expect(
      probeCapabilities({
        backend: 'auto',
        untrustedDirs: () => {
          throw new Error('bwrap discovery ran');
        },
      }).bwrap,
    ).toBeNull();
    expect(probeCapabilities({ backend: 'namespaces' }).bwrap).toBeNull();
    expect(probeCapabilities({ backend: 'bwrap' }).bwrap).toStrictEqual(full.bwrap);
    expect(probeCapabilities({ backend: 'landlock' }).bwrap).toStrictEqual(full.bwrap);
  });

  it('the system bwrap on PATH is found and its --argv0 support matches its version (added in 0.9.0)', () => {
    const caps = probeCapabilitiesFresh();
    const onPath = spawnSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).stdout.trim();
    if (onPath === '') {
      expect(process.env.CI).not.toBe('true');
      expect(caps.bwrap).toBeNull();
      return;
    }
    expect(caps.bwrap).not.toBeNull();
    const [major, minor] = (caps.bwrap?.version ?? '').split('.').map(Number);
    expect(caps.bwrap?.hasArgv0).toBe(major > 0 || minor >= 9);
    expect(caps.bwrap?.hasPerms).toBe(true);
  });

  it('caches one frozen answer per process until reset', () => {
    const first = probeCapabilities();
    expect(probeCapabilities()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.landlock)).toBe(true);
    resetCapabilityCache();
    const second = probeCapabilities();
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });
});

describe('namespaces probe statuses', () => {
  it("maps each exit status of --probe namespaces to the capability, keeping the helper's reason", () => {
    expect(namespacesFromProbe(0, '', false)).toStrictEqual({ userns: true, namespaces: { usable: true, procMount: true, reason: null, apparmorRestricted: false } });
    expect(namespacesFromProbe(3, 'codex-sandbox-helper: namespaces probe: mount proc: Operation not permitted (errno 1)\n', false).namespaces).toStrictEqual({
      usable: true,
      procMount: false,
      reason: null,
      apparmorRestricted: false,
    });
    expect(namespacesFromProbe(2, 'codex-sandbox-helper: namespaces probe: mount tmpfs on /tmp: Permission denied (errno 13)\n', true)).toStrictEqual({
      userns: true,
      namespaces: { usable: false, procMount: false, reason: 'namespaces probe: mount tmpfs on /tmp: Permission denied (errno 13)', apparmorRestricted: true },
    });
    const failed = namespacesFromProbe(125, 'codex-sandbox-helper: unshare CLONE_NEWUSER|CLONE_NEWNS: Operation not permitted (errno 1)\n', false);
    expect(failed.userns).toBe(false);
    expect(failed.namespaces.reason).toBe('unshare CLONE_NEWUSER|CLONE_NEWNS: Operation not permitted (errno 1)');
    expect(namespacesFromProbe(null, '', false).namespaces.reason).toBe('the probe exited with status null');
  });
});
