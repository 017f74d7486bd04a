// The musl load check for an x86_64 addon file: test/fixtures/napi-fake/harness.c, built with
// musl-gcc into a dynamically linked musl program, loads the addon under musl's own loader with a
// fake of the napi_* functions it imports, and prints what its functions return; the same calls
// made on the same file in this Node give the expected lines. Debian's musl-tools is x86_64 only,
// so there is no aarch64 counterpart.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

export const MUSL_LOADER = '/lib/ld-musl-x86_64.so.1';
const SOURCE = resolve(__dirname, '../fixtures/napi-fake/harness.c');

/** Why the harness cannot be built here, or '' when it can. */
export function muslHarnessMissing(): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `musl-gcc builds x86_64 programs only, and this is ${process.platform}-${process.arch}`;
  if (spawnSync('musl-gcc', ['--version'], { stdio: 'ignore' }).status !== 0) return 'musl-gcc not installed (apt-get install musl-tools)';
  return '';
}

/** Builds the harness into `dir` against the Node headers in `nodeInclude`; returns its path. */
export function buildMuslHarness(dir: string, nodeInclude: string): string {
  const out = join(dir, 'napi-fake-harness');
  const r = spawnSync('musl-gcc', ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', '-rdynamic', `-I${nodeInclude}`, '-o', out, SOURCE], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`musl-gcc failed: ${r.stderr}`);
  return out;
}

/** The JSON lines `harness ADDON probe` prints, parsed. */
export function harnessProbe(harness: string, addon: string): unknown[] {
  const r = spawnSync(harness, [addon, 'probe'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${harness} ${addon} probe: status ${r.status}: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
}

/** The same calls as `harness probe`, on the addon loaded into this Node. */
export function nodeProbe(addon: string): unknown[] {
  const exports = createRequire(__filename)(addon) as Record<string, unknown>;
  const call = (name: string, ...args: unknown[]): unknown => {
    try {
      return (exports[name] as (...a: unknown[]) => unknown)(...args);
    } catch (error) {
      const e = error as Error;
      return { throws: e.name, message: e.message };
    }
  };
  const shown = Object.fromEntries(Object.entries(exports).map(([k, v]) => [k, typeof v === 'function' ? `function ${v.name}` : v]));
  return [
    shown,
    call('landlockAbi'),
    call('seccompAvailable'),
    call('execve'),
    call('execve', '/bin/true', [1], []),
    call('execve', '/bin/true', ['a'], ['A=\0']),
    call('execve', '/nonexistent', ['x'], []),
  ];
}
