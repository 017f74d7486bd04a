// The helper empties every capability set before the command runs: the Landlock and seccomp-only
// backends have no user namespace, so a helper started by root would otherwise hand the command
// CAP_SYS_MODULE, CAP_SYS_ADMIN, CAP_DAC_OVERRIDE and the rest.
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { helperPath } from '../../lib/native';
import { withTempDir } from '../helpers/temp';

const HELPER = helperPath();
const ENV = { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin' };
const IS_ROOT = process.getuid?.() === 0;

function capLines(args: string[]): Record<string, string> {
  const r = spawnSync(HELPER, [...args, '--', 'grep', '^Cap', '/proc/self/status'], { encoding: 'utf8', env: ENV, timeout: 20_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(':\t') as [string, string]),
  );
}

describe('helper: capabilities', () => {
  it.each([
    ['seccomp only', ['--network', 'enabled']],
    ['seccomp with the reaper', ['--network', 'restricted', '--reaper']],
    ['landlock', ['--landlock-abi', '1', '--landlock-fs-handled', '0x2', '--landlock-rule', '0x2:/tmp', '--network', 'restricted']],
  ])('%s: the command has no effective, permitted, inheritable or ambient capability, and root empties the bounding set', (_name, args) => {
    const caps = capLines(args);
    for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapAmb']) expect(caps[set], set).toBe('0000000000000000');
    // Dropping from the bounding set needs CAP_SETPCAP: root does it; an ordinary user keeps the
    // full set, which grants nothing with empty permitted sets and no_new_privs.
    if (IS_ROOT) expect(caps.CapBnd).toBe('0000000000000000');
    else expect(caps.CapBnd).not.toBe('0000000000000000');
  });

  it('a root caller loses CAP_DAC_OVERRIDE: a mode-000 file is unreadable inside, readable outside', async () => {
    await withTempDir((dir) => {
      const file = join(dir, 'locked');
      writeFileSync(file, 'secret');
      chmodSync(file, 0o000);
      const outside = spawnSync('cat', [file], { encoding: 'utf8', env: ENV });
      const inside = spawnSync(HELPER, ['--network', 'enabled', '--', 'cat', file], { encoding: 'utf8', env: ENV });
      // Root reads it thanks to CAP_DAC_OVERRIDE; an ordinary user never could: both must fail
      // inside the sandbox, and the control run shows which case this is.
      expect(outside.status).toBe(IS_ROOT ? 0 : 1);
      expect(inside.status).toBe(1);
      expect(inside.stderr).toMatch(/Permission denied/);
    });
  });
});
