import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { isSandboxError } from '../../lib/errors';
import { addonPath, helperPath, helperPathFrom, libcFromMaps, loadAddon, loadAddonFrom, NATIVE_ABI, NATIVE_FIX } from '../../lib/native';
import { withTempDir } from '../helpers/temp';

const TUPLE = `${process.platform}-${process.arch}`;
const HELPER_MARKER = `codex-sandbox-native-abi=${NATIVE_ABI};`;

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('native loader', () => {
  it('importing lib/native loads no addon (plan and explain work without a build)', async () => {
    const dlopen = vi.spyOn(process, 'dlopen');
    vi.resetModules();
    const native = await import('../../lib/native.js');
    expect(typeof native.loadAddon).toBe('function');
    expect(dlopen).not.toHaveBeenCalled();
  });

  it('an installation without any build is "not built" and the error names every path tried', async () => {
    await withTempDir((root) => {
      const error = caught(() => loadAddonFrom(root));
      expect(isSandboxError(error)).toBe(true);
      const e = error as { code: string; message: string; details: { reason: string; tried: string[] } };
      expect(e.code).toBe('E_BACKEND_UNAVAILABLE');
      expect(e.message).toMatch(/not built/);
      for (const path of [join(root, 'build', 'Release'), join(root, 'build', 'Debug'), join(root, 'prebuilds', TUPLE)]) {
        expect(e.message).toContain(path);
        expect(e.details.tried).toContain(path);
      }
      expect(e.details.reason).toBe('not-built');
      expect((caught(() => helperPathFrom(root)) as Error).message).toMatch(/not built/);
    });
  });

  it('a broken .node "failed to load" and the error carries the real loader message', async () => {
    await withTempDir((root) => {
      mkdirSync(join(root, 'build', 'Release'), { recursive: true });
      const file = join(root, 'build', 'Release', 'codex_sandbox.node');
      writeFileSync(file, 'not an ELF file');
      const e = caught(() => loadAddonFrom(root)) as { code: string; message: string; details: { reason: string; path: string } };
      expect(e.code).toBe('E_BACKEND_UNAVAILABLE');
      expect(e.message).toContain(`native addon ${file} failed to load`);
      let real = '';
      try {
        process.dlopen({ exports: {} }, file);
      } catch (error) {
        real = (error as Error).message.split('\n')[0].trim();
      }
      expect(real).not.toBe('');
      expect(e.message).toContain(real);
      expect(e.message.split('\n')).toHaveLength(1);
      expect(e.details).toMatchObject({ reason: 'failed-to-load', path: file });
    });
  });

  // Windows has no execute bit to take away.
  it.runIf(process.platform !== 'win32')('the helper is looked up beside the addon, and a missing helper is named', async () => {
    await withTempDir((root) => {
      const dir = join(root, 'build', 'Release');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'codex_sandbox.node'), '');
      const helper = join(dir, 'codex-sandbox-helper');
      const e = caught(() => helperPathFrom(root)) as { message: string; details: { path: string } };
      expect(e.message).toContain(`native helper ${helper} is not usable`);
      expect(e.details.path).toBe(helper);
      writeFileSync(helper, `#!/bin/sh\n# ${HELPER_MARKER}\n`);
      chmodSync(helper, 0o644);
      expect((caught(() => helperPathFrom(root)) as Error).message).toContain(helper);
      chmodSync(helper, 0o755);
      expect(helperPathFrom(root)).toBe(helper);
    });
  });

  it.runIf(process.platform === 'linux')(
    'a prebuild in prebuilds/<platform>-<arch> (named as prebuildify names it) is found with its helper when there is no local build',
    async () => {
      const realAddon = loadAddon();
      await withTempDir((root) => {
        const dir = join(root, 'prebuilds', TUPLE);
        mkdirSync(dir, { recursive: true });
        copyFileSync(addonPath(), join(dir, 'codex-sandbox.node'));
        copyFileSync(helperPath(), join(dir, 'codex-sandbox-helper'));
        chmodSync(join(dir, 'codex-sandbox-helper'), 0o755);
        expect(helperPathFrom(root)).toBe(join(dir, 'codex-sandbox-helper'));
        const addon = loadAddonFrom(root);
        expect(typeof addon.landlockAbi).toBe('function');
        expect(addon.landlockAbi()).toEqual(realAddon.landlockAbi());
      });
    },
  );

  it('the native ABI in lib/native.ts is the one native/common/native-abi.h builds', () => {
    const header = readFileSync(join(__dirname, '../../native/common/native-abi.h'), 'utf8');
    expect(header).toContain(`#define CODEX_SANDBOX_NATIVE_ABI ${NATIVE_ABI}\n`);
    expect(header).toContain(`#define CODEX_SANDBOX_NATIVE_ABI_MARKER "${HELPER_MARKER}"`);
  });

  it('every native build error ends with the command that fixes it, pnpm included', async () => {
    expect(NATIVE_FIX).toMatch(/npm rebuild codex-sandbox/);
    expect(NATIVE_FIX).toMatch(/pnpm approve-builds/);
    await withTempDir((root) => {
      const e = caught(() => loadAddonFrom(root)) as { message: string; details: { fix: string } };
      expect(e.message.endsWith(NATIVE_FIX)).toBe(true);
      expect(e.details.fix).toBe(NATIVE_FIX);
    });
  });

  it.runIf(process.platform === 'linux')('a helper built from other sources (no native ABI marker) is "stale", named, with the fix', async () => {
    await withTempDir((root) => {
      const dir = join(root, 'build', 'Release');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'codex_sandbox.node'), '');
      const helper = join(dir, 'codex-sandbox-helper');
      writeFileSync(helper, '#!/bin/sh\n# codex-sandbox-native-abi=0;\n');
      chmodSync(helper, 0o755);
      const e = caught(() => helperPathFrom(root)) as { code: string; message: string; details: { reason: string; path: string } };
      expect(e.code).toBe('E_BACKEND_UNAVAILABLE');
      expect(e.message).toContain(`native helper ${helper} is stale`);
      expect(e.message).toContain('npm rebuild codex-sandbox');
      expect(e.details).toMatchObject({ reason: 'stale', path: helper });
    });
  });

  it.runIf(process.platform === 'linux')('the built helper and addon carry this native ABI', () => {
    expect(readFileSync(helperPath(), 'latin1')).toContain(HELPER_MARKER);
    expect((loadAddon() as unknown as { nativeAbi: number }).nativeAbi).toBe(NATIVE_ABI);
  });

  it.runIf(process.platform === 'linux' && libcFromMaps(readFileSync('/proc/self/maps', 'utf8')) === 'glibc')(
    'a prebuild for the other C library is refused by name before it is loaded, and one for this libc loads',
    async () => {
      await withTempDir((root) => {
        const dir = join(root, 'prebuilds', TUPLE);
        mkdirSync(dir, { recursive: true });
        const musl = join(dir, 'node.napi.musl.node');
        copyFileSync(addonPath(), musl);
        copyFileSync(helperPath(), join(dir, 'codex-sandbox-helper'));
        const dlopen = vi.spyOn(process, 'dlopen');
        const e = caught(() => loadAddonFrom(root)) as { code: string; message: string; details: { reason: string; libc: string } };
        expect(dlopen).not.toHaveBeenCalled();
        expect(e.code).toBe('E_BACKEND_UNAVAILABLE');
        expect(e.message).toContain(`native addon ${musl} is built for musl, and this Node runs on glibc`);
        expect(e.details).toMatchObject({ reason: 'libc-mismatch', libc: 'glibc' });
        copyFileSync(addonPath(), join(dir, 'node.napi.glibc.node'));
        expect(typeof loadAddonFrom(root).landlockAbi).toBe('function');
      });
    },
  );

  it.runIf(process.platform === 'linux')('the libc-free prebuild (no libc tag, as the package ships it) loads, with the helper beside it', async () => {
    // Which file serves which C library is test/unit/native-resolve.test.ts; this loads the one found.
    await withTempDir((root) => {
      const prebuilds = join(root, 'prebuilds', TUPLE);
      mkdirSync(prebuilds, { recursive: true });
      copyFileSync(addonPath(), join(prebuilds, 'node.napi.node'));
      copyFileSync(helperPath(), join(prebuilds, 'codex-sandbox-helper'));
      expect((loadAddonFrom(root) as unknown as { nativeAbi: number }).nativeAbi).toBe(NATIVE_ABI);
      expect(helperPathFrom(root)).toBe(join(prebuilds, 'codex-sandbox-helper'));
    });
  });

  it('tells glibc from musl by the mapped C library', () => {
    expect(libcFromMaps('7f00-7f01 r-xp 0 08:01 1 /usr/lib/x86_64-linux-musl/libc.so\n')).toBe('musl');
    expect(libcFromMaps('7f00-7f01 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/libc.so.6\n')).toBe('glibc');
    expect(libcFromMaps('7f00-7f01 r-xp 0 08:01 1 /lib/ld-musl-aarch64.so.1\n')).toBe('musl');
    expect(libcFromMaps('7f00-7f01 r-xp 0 08:01 1 /usr/glibc-compat/lib/libc-2.35.so\n')).toBe('glibc');
    expect(libcFromMaps('7f00-7f01 r-xp 0 08:01 1 /usr/bin/node\n')).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('loadAddon and helperPath resolve this checkout once and cache the answer', async () => {
    expect(loadAddon()).toBe(loadAddon());
    // A local build wins over prebuilds; either way the helper sits beside the addon.
    expect(addonPath()).toMatch(/\/(build\/Release|prebuilds\/[^/]+)\/[^/]+\.node$/);
    expect(helperPath()).toBe(join(dirname(addonPath()), 'codex-sandbox-helper'));
    expect(helperPath()).toBe(helperPath());
  });
});
