// The addon links no C or C++ library (native/linux/addon-exports.h), which is what lets one
// .node file serve glibc and musl: its sources include only Node's C API, kernel UAPI and the
// compiler's freestanding headers, and the built file asks the dynamic loader for no shared
// library, no symbol version and no symbol but napi_*, on x86_64 as on aarch64 (cross-compiled
// here with binding.gyp's flags). The tarball's two prebuilds get the same check in
// test/package/pack-install.test.ts.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

import { EM_AARCH64, EM_X86_64, elfLinkage, expectLibcFree } from '../../helpers/elf-linkage';
import { makeTempDir } from '../../helpers/temp';
import { addonBuild, REPO } from './helper-gyp';

const run = promisify(execFile);
const NATIVE = join(REPO, 'native/linux');
const BUILT = join(REPO, 'build', 'Release', 'codex_sandbox.node');
const CROSS_CXX = 'aarch64-linux-gnu-g++';
const ci = process.env.CI === 'true';

function has(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

describe('the addon links no C library', () => {
  const tmp = makeTempDir('addon-elf');
  afterAll(() => tmp.remove());

  it('every addon source is built, and includes only node_api.h, kernel UAPI, freestanding compiler headers and our own', () => {
    const build = addonBuild();
    const addonSources = readdirSync(NATIVE).filter((f) => f.startsWith('addon') && f.endsWith('.cc'));
    expect(addonSources.map((f) => `native/linux/${f}`).filter((f) => !build.sources.includes(f))).toEqual([]);
    // Everything the build compiles and every header it reaches through "...".
    const seen = new Set<string>();
    const queue = build.sources.map((f) => join(REPO, f));
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^#include\s+([<"])([^>"]+)[>"]/gm)) {
        const [, kind, name] = m;
        if (kind === '"') {
          const header = join(file, '..', name);
          expect(existsSync(header), `${file}: "${name}"`).toBe(true);
          queue.push(header);
        } else {
          expect(/^(linux|asm|asm-generic)\/[\w/-]+\.h$/.test(name) || ['stddef.h', 'stdint.h', 'node_api.h'].includes(name), `${file}: <${name}>`).toBe(true);
        }
      }
    }
    expect(build.cflags).toEqual(expect.arrayContaining(['-ffreestanding', '-fno-tree-loop-distribute-patterns', '-fstack-protector-strong', '-mstack-protector-guard=global']));
    expect(build.ldflags).toEqual(expect.arrayContaining(['-nostdlib']));
  });

  it('readelf sees what a shared object built against glibc needs (the control for the checks below)', async () => {
    const source = join(tmp.path, 'with-libc.c');
    writeFileSync(source, '#include <unistd.h>\nint pid_now(void) { return getpid(); }\n');
    const out = join(tmp.path, 'with-libc.so');
    await run('gcc', ['-shared', '-fPIC', '-o', out, source]);
    const linkage = elfLinkage(out);
    expect(linkage.needed).toContain('libc.so.6');
    expect(linkage.versionNeeds).toContain('libc.so.6');
    expect(linkage.versionNeeds.filter((v) => v.startsWith('GLIBC_'))).not.toEqual([]);
    expect(linkage.undefinedSymbols).toContain('getpid');
    expect(linkage.exportedSymbols).toContain('pid_now');
  });

  it.skipIf(!existsSync(BUILT) && !ci)(`build/Release asks for no library, no symbol version and only napi_*${existsSync(BUILT) ? '' : ' [skipped: not built]'}`, () => {
    expectLibcFree(elfLinkage(BUILT), process.arch === 'arm64' ? EM_AARCH64 : EM_X86_64);
  });

  const crossMissing =
    process.arch !== 'x64' ? 'the aarch64 build is the native one here' : has(CROSS_CXX) ? '' : `${CROSS_CXX} not installed (apt-get install g++-aarch64-linux-gnu)`;
  it.skipIf(crossMissing !== '' && !(ci && process.arch === 'x64'))(
    `cross-compiled for aarch64 with binding.gyp's flags, it asks for no library, no symbol version and only napi_*${crossMissing === '' ? '' : ` [skipped: ${crossMissing}]`}`,
    async () => {
      const build = addonBuild();
      const objs: string[] = [];
      // One compiler at a time: the machine's cores are shared with the rest of the suite.
      for (const source of build.sources) {
        const obj = join(tmp.path, `${source.replace(/[\\/]/g, '_')}.o`);
        await run(CROSS_CXX, [...build.cflags, '-c', '-o', obj, join(REPO, source)], { cwd: REPO });
        objs.push(obj);
      }
      const out = join(tmp.path, 'codex_sandbox.node');
      await run(CROSS_CXX, [...build.ldflags, '-o', out, ...objs], { cwd: REPO });
      expectLibcFree(elfLinkage(out), EM_AARCH64);
    },
    600_000,
  );
});
