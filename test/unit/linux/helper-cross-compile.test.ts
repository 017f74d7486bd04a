// The helper builds for aarch64: every source in binding.gyp's Linux helper target is compiled
// with the target's own flags by the aarch64 cross compiler and linked without a C library, and
// the result is a static PIE for aarch64 with no interpreter and only relative relocations (the
// only kind helper-start.cc applies). With qemu-aarch64 present, the binary also runs once: its
// argument errors need no exec of another aarch64 program. With CI=true a missing cross compiler
// fails the run; locally the suite is skipped.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

import { makeTempDir } from '../../helpers/temp';
import { helperBuild, REPO } from './helper-gyp';

// Asynchronous, so the test worker keeps answering vitest while a slow compile runs.
const run = promisify(execFile);
const CXX = 'aarch64-linux-gnu-g++';
const QEMU = 'qemu-aarch64';
const EM_AARCH64 = 183;
const ET_DYN = 3;

function has(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

const ci = process.env.CI === 'true';
const available = has(CXX);
const skipReason = `${CXX} not installed (apt-get install g++-aarch64-linux-gnu); aarch64 cross-compile check skipped`;

describe('linux helper cross-compiles for aarch64', () => {
  if (!available) console.warn(skipReason);
  const tmp = makeTempDir('a64cc');
  afterAll(() => tmp.remove());
  const build = helperBuild();
  const out = join(tmp.path, 'codex-sandbox-helper');

  it('a cross compiler is present (required when CI=true)', () => {
    if (ci) expect(available, skipReason).toBe(true);
  });

  it.skipIf(!available)(
    `compiles and links with the target flags into a static aarch64 PIE${available ? '' : ` [skipped: ${skipReason}]`}`,
    async () => {
      const objs: string[] = [];
      // One compiler at a time: the machine's cores are shared with the rest of the suite.
      for (const source of build.sources) {
        const obj = join(tmp.path, `${source.replace(/[\\/]/g, '_')}.o`);
        await run(CXX, [...build.cflags, '-c', '-o', obj, join(REPO, source)], { cwd: REPO });
        objs.push(obj);
      }
      await run(CXX, [...build.ldflags, '-o', out, ...objs], { cwd: REPO });

      const image = readFileSync(out);
      expect(image.subarray(0, 4).toString('latin1')).toBe('\u007fELF');
      expect(image.readUInt16LE(16)).toBe(ET_DYN);
      expect(image.readUInt16LE(18)).toBe(EM_AARCH64);
      const headers = (await run('readelf', ['-lW', out])).stdout;
      expect(headers).not.toMatch(/INTERP/);
      expect(headers).toMatch(/GNU_RELRO/);
      const dynamic = (await run('readelf', ['-dW', out])).stdout;
      expect(dynamic).not.toMatch(/NEEDED/);
      const relocations = (await run('readelf', ['-rW', out])).stdout;
      const types = [...relocations.matchAll(/^[0-9a-f]+\s+[0-9a-f]+\s+(\S+)/gm)].map((m) => m[1]);
      expect(new Set(types)).toEqual(new Set(types.length > 0 ? ['R_AARCH64_RELATIVE'] : []));
    },
    600_000,
  );

  it.skipIf(!available || !has(QEMU))(
    `runs under qemu-aarch64: a usage error is one line and exit 125${available && has(QEMU) ? '' : ` [skipped: ${available ? 'qemu-aarch64 not installed (apt-get install qemu-user)' : skipReason}]`}`,
    async () => {
      const r = spawnSync(QEMU, [out, '--network', 'sometimes', '--', 'true'], { encoding: 'utf8' });
      expect(r.stderr).toBe("codex-sandbox-helper: invalid --network 'sometimes': expected restricted, enabled or proxied\n");
      expect(r.status).toBe(125);
      const missing = spawnSync(QEMU, [out, '--network', 'enabled', '--landlock-rule', '0x1:relative', '--', 'true'], { encoding: 'utf8' });
      expect(missing.stderr).toBe("codex-sandbox-helper: invalid --landlock-rule '0x1:relative': PATH must be absolute\n");
      expect(missing.status).toBe(125);
    },
  );
});
