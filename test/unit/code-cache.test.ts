// The bins' code cache (lib/cli/code-cache.ts): a bundle loads as require() would load it, its
// cache is written beside it once and then used, and a cache that was not made from this very
// bundle file by its owner is never handed to V8. Each case runs fresh Node processes (the cache
// is written when a process ends), from the tsc output in dist/.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { withTempDir } from '../helpers/temp';

const LOADER = resolve(__dirname, '../../dist/cli/code-cache.js');

/** Loads `dir/bundle.js` through the code cache and prints what it exported and how V8 took the cache. */
function load(dir: string): { exported: unknown; rejected: boolean | undefined } {
  const script = `
    const vm = require('node:vm');
    let rejected;
    const compile = vm.Script;
    vm.Script = class extends compile { constructor(...a) { super(...a); if (a[1] && a[1].cachedData) rejected = this.cachedDataRejected; } };
    const exported = require(${JSON.stringify(LOADER)}).loadBundle(${JSON.stringify(dir)}, 'bundle.js');
    const again = require(${JSON.stringify(LOADER)}).loadBundle(${JSON.stringify(dir)}, 'bundle.js');
    if (again !== exported) throw new Error('loaded twice');
    console.log(JSON.stringify({ exported, rejected }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { exported: unknown; rejected: boolean | undefined };
}

function bundle(dir: string, value: number): void {
  writeFileSync(join(dir, 'bundle.js'), `'use strict';\nconst { sep } = require('node:path');\nmodule.exports = { value: ${value}, sep, file: __filename };\n`);
}

beforeAll(() => {
  expect(existsSync(LOADER), 'run `npm run compile` first').toBe(true);
});

describe('code cache of the bins', () => {
  it('loads a bundle like require(), writes its cache once, and uses it', async () => {
    await withTempDir((dir) => {
      bundle(dir, 1);
      const cache = join(dir, 'bundle.js.cache');
      expect(load(dir)).toStrictEqual({ exported: { value: 1, sep: '/', file: join(dir, 'bundle.js') } });
      expect(statSync(cache).mode & 0o022).toBe(0);
      const written = readFileSync(cache);
      expect(written.toString('latin1')).toMatch(/^codex-sandbox code cache \d+:\d+:\d+:\d+:\d+ v\d/);
      // Used, not rejected, and not written again.
      expect(load(dir)).toStrictEqual({ exported: { value: 1, sep: '/', file: join(dir, 'bundle.js') }, rejected: false });
      expect(readFileSync(cache).equals(written)).toBe(true);
    });
  });

  it('a changed bundle of the same size gets no stale code: its cache is replaced', async () => {
    await withTempDir((dir) => {
      bundle(dir, 1);
      load(dir);
      const before = readFileSync(join(dir, 'bundle.js.cache'));
      // Same length, so V8's own check (source length) would accept the old data.
      bundle(dir, 2);
      expect(load(dir).exported).toMatchObject({ value: 2 });
      expect(readFileSync(join(dir, 'bundle.js.cache')).equals(before)).toBe(false);
      expect(load(dir)).toMatchObject({ exported: { value: 2 }, rejected: false });
    });
  });

  it('never uses a cache others could have written, or data it cannot place', async () => {
    await withTempDir((dir) => {
      bundle(dir, 1);
      load(dir);
      const cache = join(dir, 'bundle.js.cache');
      chmodSync(cache, 0o666);
      // Not handed to V8 at all (no cachedData, so no verdict), and replaced by a private one.
      expect(load(dir)).toStrictEqual({ exported: { value: 1, sep: '/', file: join(dir, 'bundle.js') } });
      expect(statSync(cache).mode & 0o022).toBe(0);
      writeFileSync(cache, 'garbage', { mode: 0o644 });
      expect(load(dir).rejected).toBeUndefined();
      expect(load(dir).rejected).toBe(false);
    });
  });

  it('a directory it cannot write leaves the bundle loading without a cache', async () => {
    await withTempDir((dir) => {
      bundle(dir, 1);
      chmodSync(dir, 0o555);
      try {
        // Root writes anyway; the point is that the load works either way.
        expect(load(dir).exported).toMatchObject({ value: 1 });
      } finally {
        chmodSync(dir, 0o755);
      }
    });
  });
});
