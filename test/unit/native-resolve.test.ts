// The addon lookup (lib/native-resolve.ts) against node-gyp-build itself, which the install step
// runs: on generated installations (build/Release, build/Debug, prebuilds in any tuple with any
// tags, CODEX_SANDBOX_PREBUILD and PREBUILDS_ONLY set or not, either C library) both pick the same
// file, or both find none. node-gyp-build is given the target through its own environment
// variables (LIBC), and is required afresh for each case, since it reads them when loaded.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Libc } from '../../lib/native';
import { addonSearch, findAddonFile, runningTarget } from '../../lib/native-resolve';
import { makeTempDir } from '../helpers/temp';

const req = createRequire(__filename);
const ngbDir = dirname(req.resolve('node-gyp-build'));
const ABI = process.versions.modules;
const UV = process.versions.uv.split('.')[0]!;
const HERE = `${process.platform}-${process.arch}`;
const OTHER_ARCH = process.arch === 'x64' ? 'arm64' : 'x64';

const TUPLES = [
  HERE,
  `${process.platform}-${OTHER_ARCH}`,
  `${HERE}+${OTHER_ARCH}`,
  `${process.platform}-${OTHER_ARCH}+${process.arch}`,
  'darwin-x64',
  process.platform,
  `${HERE}-extra`,
  `${process.platform}-`,
];
const PREBUILD_FILES = [
  'node.napi.node',
  'node.napi.glibc.node',
  'node.napi.musl.node',
  `node.abi${ABI}.node`,
  'node.abi1.node',
  'node.abi.node',
  'electron.napi.node',
  'electron.abi1.node',
  'node.napi.armv7.node',
  'node.napi.armv8.node',
  `node.uv${UV}.node`,
  'node.uv0.node',
  'node.uv.node',
  'node.napi.armv.node',
  'codex_sandbox.node',
  'napi.glibc.node',
  'node.napi.glibc.extra.node',
  'notes.txt',
  'node.napi.node.txt',
];
const BUILD_FILES = ['codex_sandbox.node', 'other.node', 'notes.txt'];

const files = (names: string[]) => fc.subarray(names, { maxLength: Math.min(4, names.length) });
const installation = fc.record({
  release: fc.option(files(BUILD_FILES)),
  debug: fc.option(files(BUILD_FILES)),
  prebuilds: fc.dictionary(fc.constantFrom(...TUPLES), files(PREBUILD_FILES), { maxKeys: 3 }),
});
type Installation = typeof installation extends fc.Arbitrary<infer T> ? T : never;

const scratch = makeTempDir('native-resolve');
afterAll(() => scratch.remove());
let made = 0;

function lay(install: Installation): string {
  const root = join(scratch.path, String(made++));
  mkdirSync(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'codex-sandbox' }));
  const put = (dir: string, names: string[]) => {
    mkdirSync(dir, { recursive: true });
    for (const name of names) writeFileSync(join(dir, name), '');
  };
  if (install.release !== null) put(join(root, 'build', 'Release'), install.release);
  if (install.debug !== null) put(join(root, 'build', 'Debug'), install.debug);
  for (const [tuple, names] of Object.entries(install.prebuilds)) put(join(root, 'prebuilds', tuple), names);
  return root;
}

/** node-gyp-build's answer, loaded afresh with `env` as its environment. */
function nodeGypBuild(root: string, env: Record<string, string | undefined>): string | undefined {
  const saved = { ...process.env };
  for (const key of ['LIBC', 'PREBUILDS_ONLY', 'CODEX_SANDBOX_PREBUILD', 'npm_config_arch', 'npm_config_platform', 'ARM_VERSION', 'ELECTRON_RUN_AS_NODE']) delete process.env[key];
  Object.assign(process.env, env);
  for (const key of Object.keys(req.cache)) if (key.startsWith(`${ngbDir}/`)) delete req.cache[key];
  try {
    return (req('node-gyp-build') as { path(dir: string): string }).path(root);
  } catch (error) {
    expect(String(error)).toContain('No native build was found');
    return undefined;
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe('native-resolve: the addon file node-gyp-build would pick', () => {
  it('nothing beside the Node executable could answer for node-gyp-build (it looks there, native-resolve does not)', () => {
    expect(existsSync(join(dirname(process.execPath), 'prebuilds'))).toBe(false);
  });

  it('agrees with node-gyp-build on generated installations and environments', () => {
    let found = 0;
    let none = 0;
    fc.assert(
      fc.property(installation, fc.option(installation), fc.boolean(), fc.constantFrom<Libc>('glibc', 'musl'), (install, elsewhere, prebuildsOnly, libc) => {
        const root = lay(install);
        const env: Record<string, string> = { LIBC: libc };
        if (elsewhere !== null) env.CODEX_SANDBOX_PREBUILD = lay(elsewhere);
        if (prebuildsOnly) env.PREBUILDS_ONLY = '1';
        const expected = nodeGypBuild(root, env);
        const got = findAddonFile(addonSearch(root, env, () => runningTarget(libc)));
        expect(got).toBe(expected);
        if (got === undefined) none++;
        else found++;
      }),
      { numRuns: 300, seed: 0x9b1d },
    );
    // Both sides of the answer must be reached, or the comparison proves little.
    expect(found).toBeGreaterThan(50);
    expect(none).toBeGreaterThan(20);
  });

  it('the package as shipped: its untagged prebuild serves glibc and musl alike, a tagged one only its own', () => {
    const root = lay({ release: null, debug: null, prebuilds: { [HERE]: ['node.napi.node'] } });
    const tagged = lay({ release: null, debug: null, prebuilds: { [HERE]: ['node.napi.glibc.node'] } });
    for (const libc of ['glibc', 'musl'] as const) {
      expect(findAddonFile(addonSearch(root, {}, () => runningTarget(libc)))).toBe(join(root, 'prebuilds', HERE, 'node.napi.node'));
    }
    expect(findAddonFile(addonSearch(tagged, {}, () => runningTarget('glibc')))).toBe(join(tagged, 'prebuilds', HERE, 'node.napi.glibc.node'));
    expect(findAddonFile(addonSearch(tagged, {}, () => runningTarget('musl')))).toBeUndefined();
  });

  it('a local build is found without asking what the process is (that reads /proc/self/maps)', () => {
    const root = lay({ release: ['codex_sandbox.node'], debug: null, prebuilds: { [HERE]: ['node.napi.node'] } });
    let asked = 0;
    const file = findAddonFile(
      addonSearch(root, {}, () => {
        asked++;
        return runningTarget('glibc');
      }),
    );
    expect(file).toBe(join(root, 'build', 'Release', 'codex_sandbox.node'));
    expect(asked).toBe(0);
  });
});
