// The Windows native sources build: every executable in binding.gyp's OS=='win' block is compiled
// and fully linked with mingw-w64, and the addon sources are compiled to objects, warnings as
// errors. With CI=true a missing cross compiler fails the run; locally the suite is skipped.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp';

const REPO = resolve(__dirname, '../../..');
// Asynchronous, so the test worker keeps answering vitest while a slow compile runs.
const run = promisify(execFile);
const CXX = 'x86_64-w64-mingw32-g++';
// node-addon-api needs std::mutex, which only the POSIX-threads flavour of mingw-w64 provides.
const CXX_ADDON = 'x86_64-w64-mingw32-g++-posix';
const FLAGS = ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-O1', '-DUNICODE', '-D_UNICODE', '-municode'];

function hasCompiler(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

interface GypTarget {
  target_name: string;
  type?: string;
  sources?: string[];
  libraries?: string[];
  conditions?: [string, Partial<GypTarget>][];
}

/** binding.gyp is a Python literal; without its `#` comment lines it is JSON. */
function gypWindowsTargets(): { name: string; type: string; sources: string[]; libraries: string[] }[] {
  const text = readFileSync(join(REPO, 'binding.gyp'), 'utf8').replace(/^\s*#.*$/gm, '');
  const gyp = JSON.parse(text) as { targets: GypTarget[]; conditions?: [string, { targets?: GypTarget[] }][] };
  const out: { name: string; type: string; sources: string[]; libraries: string[] }[] = [];
  for (const t of gyp.targets) {
    const win = (t.conditions ?? []).find(([cond]) => cond === "OS=='win'");
    if (win !== undefined) {
      out.push({ name: t.target_name, type: t.type ?? 'loadable_module', sources: win[1].sources ?? [], libraries: win[1].libraries ?? [] });
    }
  }
  for (const [cond, body] of gyp.conditions ?? []) {
    if (cond !== "OS=='win'") continue;
    for (const t of body.targets ?? []) out.push({ name: t.target_name, type: t.type ?? 'loadable_module', sources: t.sources ?? [], libraries: t.libraries ?? [] });
  }
  return out;
}

const ci = process.env.CI === 'true';
const available = hasCompiler(CXX) && hasCompiler(CXX_ADDON);
const skipReason = `${CXX} / ${CXX_ADDON} not installed (apt-get install g++-mingw-w64-x86-64); cross-compile check skipped`;

describe('windows native sources cross-compile (mingw-w64)', () => {
  if (!available) console.warn(skipReason);
  const tmp = makeTempDir('wincc');
  afterAll(() => tmp.remove());
  const targets = gypWindowsTargets();

  it('a cross compiler is present (required when CI=true)', () => {
    if (ci) expect(available, skipReason).toBe(true);
  });

  it('binding.gyp builds every Windows source: the helper, the setup executable and the addon', () => {
    expect(targets.map((t) => `${t.name}:${t.type}`).sort()).toEqual(['codex-sandbox-helper:executable', 'codex-sandbox-setup:executable', 'codex_sandbox:loadable_module']);
    const listed = new Set(targets.flatMap((t) => t.sources));
    const onDisk = readdirSync(join(REPO, 'native/windows'))
      .filter((f) => f.endsWith('.cc'))
      .map((f) => `native/windows/${f}`);
    expect(onDisk.filter((f) => !listed.has(f))).toEqual([]);
    for (const f of listed) expect(existsSync(join(REPO, f)), f).toBe(true);
  });

  // Sources shared by both executables are compiled once; each executable is then linked.
  const objects = new Map<string, Promise<string>>();
  const objectFor = (source: string): Promise<string> => {
    let pending = objects.get(source);
    if (pending === undefined) {
      const obj = join(tmp.path, `${source.replace(/[\\/]/g, '_')}.exe.o`);
      pending = run(CXX, [...FLAGS, '-c', '-o', obj, join(REPO, source)], { cwd: REPO }).then(() => obj);
      objects.set(source, pending);
    }
    return pending;
  };

  for (const target of targets.filter((t) => t.type === 'executable')) {
    it.skipIf(!available)(
      `${target.name}.exe compiles and links with -Wall -Wextra -Werror${available ? '' : ` [skipped: ${skipReason}]`}`,
      async () => {
        const out = join(tmp.path, `${target.name}.exe`);
        const libs = target.libraries.map((l) => `-l${l.replace(/\.lib$/, '')}`);
        const objs: string[] = [];
        // One compiler at a time: the machine's cores are shared with the rest of the suite.
        for (const source of target.sources) objs.push(await objectFor(source));
        await run(CXX, ['-municode', '-static', '-o', out, ...objs, ...libs], { cwd: REPO });
        // A PE image: "MZ" at 0 and "PE\0\0" where e_lfanew points.
        const image = readFileSync(out);
        expect(image.subarray(0, 2).toString('latin1')).toBe('MZ');
        const peOffset = image.readUInt32LE(0x3c);
        expect(image.subarray(peOffset, peOffset + 4).toString('latin1')).toBe('PE\u0000\u0000');
      },
      600_000,
    );
  }

  it.skipIf(!available)(
    `the addon sources compile to objects against node-addon-api and the Node headers${available ? '' : ` [skipped: ${skipReason}]`}`,
    async () => {
      const addon = targets.find((t) => t.name === 'codex_sandbox');
      expect(addon).toBeDefined();
      const napiInclude = join(REPO, 'node_modules/node-addon-api');
      for (const source of addon?.sources ?? []) {
        const obj = join(tmp.path, `${source.replace(/[\\/]/g, '_')}.o`);
        await run(
          CXX_ADDON,
          [
            ...FLAGS,
            '-DNAPI_VERSION=8',
            '-DNAPI_DISABLE_CPP_EXCEPTIONS',
            '-DNODE_ADDON_API_DISABLE_DEPRECATED',
            `-I${napiInclude}`,
            '-I/usr/include/node',
            '-c',
            '-o',
            obj,
            join(REPO, source),
          ],
          { cwd: REPO },
        );
        expect(readFileSync(obj).readUInt16LE(0)).toBe(0x8664); // COFF machine: x86-64
      }
    },
    600_000,
  );
});
