// cli/code-cache: how the bins load their program bundles (the drop-in, apply_patch, the CLI and
// its commands, zod): compiled with V8's code cache, which Node 20 has no switch for (Node 22's
// module.enableCompileCache() does the same for every module). Compiling a bundle and the
// functions a run calls was about 8 ms of each launch (docs/benchmarks.md#start-up).
//
// scripts/bundle.js routes each bin's require of another bundle here; the library and the tsc
// output never use it. The cache of `dist/X.js` is `dist/X.js.cache`, beside it and owned like it:
// whoever can change the cache can change the bundle itself, so it trusts no one new, unlike a
// cache in a shared or per-user directory that a sandboxed command might reach. Its header names
// the bundle file it was made from (device, inode, size, modification and change times) and the
// Node build; V8 refuses data of another V8 version, flags or source length on its own. A run
// whose bundle had no usable cache writes one when it ends or replaces itself with the sandbox,
// so the cache holds the functions that run used. Where dist/ is not writable (a system-wide
// install), nothing is written and bundles load as plain modules would, only without the cache.
import { readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

import { readPrivateFile, replaceFile } from '../platform/linux/private-file';

/** Called by spawn/exec-plan.ts before execve, which ends the process without an 'exit' event. */
const BEFORE_EXEC = Symbol.for('codex-sandbox.beforeExec');

interface Pending {
  script: Script;
  cacheFile: string;
  header: Buffer;
}

/**
 * The caches to write, shared through a global: the dispatcher and the program it loads each
 * hold a copy of this module (scripts/bundle.js), and one writer must see both's bundles.
 */
const PENDING = Symbol.for('codex-sandbox.codeCachePending');

function pendingList(): Pending[] {
  const slots = globalThis as Record<symbol, unknown>;
  let list = slots[PENDING] as Pending[] | undefined;
  if (list === undefined) {
    list = [];
    slots[PENDING] = list;
    slots[BEFORE_EXEC] = writeCaches;
    process.once('exit', writeCaches);
  }
  return list;
}

function identity(st: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }): Buffer {
  return Buffer.from(`codex-sandbox code cache ${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs} ${process.version} ${process.arch}\n`);
}

/** The cache's V8 data when it was made from this very bundle file by its owner; else undefined. */
function readCache(cacheFile: string, header: Buffer, ownerUid: number): Buffer | undefined {
  const data = readPrivateFile(cacheFile, ownerUid, MAX_CACHE_BYTES);
  return data?.subarray(0, header.length).equals(header) ? data.subarray(header.length) : undefined;
}

/** Far above any bundle's cache (the largest is about 300 kB). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

function writeCaches(): void {
  // A read-only or foreign dist/ keeps no cache: bundles then load without one.
  for (const { script, cacheFile, header } of pendingList().splice(0)) replaceFile(cacheFile, Buffer.concat([header, script.createCachedData()]), 0o644);
}

/** Loads `file`, a bundle beside this one, as require() would, through its code cache. */
export function loadBundle(dir: string, file: string): unknown {
  const path = join(dir, file);
  // Windows reports every file as writable by all (mode 0o666): no cache could pass the check.
  if (process.platform === 'win32') return require(path);
  const loaded = require.cache[path];
  if (loaded !== undefined) return loaded.exports;
  const source = readFileSync(path, 'utf8');
  const st = statSync(path, { bigint: true });
  const header = identity(st);
  const cacheFile = `${path}.cache`;
  const cachedData = readCache(cacheFile, header, Number(st.uid));
  const script = new Script(Module.wrap(source), { filename: path, ...(cachedData === undefined ? {} : { cachedData }) });
  if (cachedData === undefined || script.cachedDataRejected === true) pendingList().push({ script, cacheFile, header });
  const mod = new Module(path, module);
  mod.filename = path;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(path));
  require.cache[path] = mod;
  const wrapper = script.runInThisContext() as (exports: unknown, req: NodeJS.Require, mod: Module, filename: string, dirname: string) => void;
  try {
    wrapper.call(mod.exports, mod.exports, Module.createRequire(path), mod, path, dirname(path));
  } catch (err) {
    delete require.cache[path];
    throw err;
  }
  mod.loaded = true;
  return mod.exports;
}
