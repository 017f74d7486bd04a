// Fuzzing the helper's argv (issue #7): whatever arguments it gets, codex-sandbox-helper never
// crashes, never runs the command outside seccomp + no_new_privs, and every refusal is exit 125
// with exactly one stderr line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeTempDir } from '../helpers/temp';
import { fuzzParams } from '../security/harness/fuzz-settings';

const HELPER = resolve(__dirname, '../../build/Release/codex-sandbox-helper');

const FLAGS = [
  '--network',
  '--landlock-abi',
  '--landlock-fs-handled',
  '--landlock-rule',
  '--landlock-scope',
  '--reaper',
  '--probe',
  '--print-seccomp-filter',
  '--namespaces',
  '--tmpfs',
  '--ro-bind',
  '--dev',
  '--perms',
  '--',
  '--network=enabled',
  '-n',
  '--bogus',
  '',
];
const VALUES = [
  'restricted',
  'enabled',
  'namespaces',
  '0',
  '1',
  '3',
  '6',
  '7',
  '99',
  '-1',
  '0x3',
  '0xffffffffffffffff',
  '18446744073709551616',
  'abc',
  '1:/',
  '7:/tmp',
  ':/',
  '7:',
  '1:/nonexistent',
  '1:relative',
  '/',
  ' ',
];

let dir: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  dir = makeTempDir('fuzz-helper');
});
afterAll(() => dir.remove());

describe.runIf(process.platform === 'linux')('fuzz: helper argv', () => {
  it('random argv: no crash, no unsandboxed exec, refusals are exit 125 with one stderr line', () => {
    expect(existsSync(HELPER), `helper not built at ${HELPER}`).toBe(true);
    const token = fc.oneof(
      fc.constantFrom(...FLAGS),
      fc.constantFrom(...VALUES),
      fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0')),
    );
    // Half the cases start from a valid prefix, so the runs where the command executes are many.
    const prefix = fc.oneof(
      fc.constant([] as string[]),
      fc.constantFrom(['--network', 'restricted'], ['--network', 'enabled'], ['--network', 'restricted', '--reaper'], ['--network', 'enabled', '--landlock-abi', '1']),
    );
    const args = fc.tuple(prefix, fc.array(token, { maxLength: 9 }), fc.boolean(), fc.nat({ max: 9 })).map(([p, t, w, a]) => [[...p, ...t], w, a] as const);
    let n = 0;
    let ran = 0;
    fc.assert(
      fc.property(args, ([tokens, withCommand, at]) => {
        const marker = join(dir.path, `marker-${n++}`);
        // The command records how it was confined, if it runs and may write there.
        const command = ['/bin/sh', '-c', `grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status > ${marker}`];
        const argv = [...tokens];
        if (withCommand) argv.splice(Math.min(at, argv.length), 0, '--', ...command);
        const res = spawnSync(HELPER, argv, { encoding: 'utf8', timeout: 10_000, env: { PATH: '/usr/bin:/bin' } });
        try {
          expect(res.error, 'the helper could not be run').toBeUndefined();
          expect(res.signal, `helper died of a signal; argv ${JSON.stringify(argv)}`).toBeNull();
          if (res.status === 125 && !existsSync(marker)) {
            const lines = res.stderr.split('\n').filter((l) => l !== '');
            expect(lines.length, `stderr ${JSON.stringify(res.stderr)} for ${JSON.stringify(argv)}`).toBe(1);
            expect(lines[0].startsWith('codex-sandbox-helper: ')).toBe(true);
          }
          if (existsSync(marker)) {
            ran += 1;
            const confinement = readFileSync(marker, 'utf8');
            expect(confinement, `command ran unconfined with ${JSON.stringify(argv)}`).toMatch(/NoNewPrivs:\s*1/);
            expect(confinement, `command ran without seccomp with ${JSON.stringify(argv)}`).toMatch(/Seccomp:\s*2/);
          }
        } finally {
          rmSync(marker, { force: true });
        }
      }),
      fuzzParams('fuzz helper argv'),
    );
    // Not vacuous: some generated argv were valid and the command really ran (confined).
    expect(ran).toBeGreaterThan(0);
  });
});
