// spawnSandboxed reuses a remembered plan only while the host still answers every question the
// plan was built from (lib/spawn/plan-memo.ts). These runs change the host or the caller's policy
// object between two launches of the same policy and check in the real sandbox that the second
// launch enforces the new state, never the remembered one.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { describe, expect } from 'vitest';

import type { BackendName } from '../../lib/platform/common/types';
import { withTempDir } from '../helpers/temp';
import { caps, itOn, minimalEntry, pathEntry, profile, rootEntry, run } from './support';

/** Restricted read: the platform minimum, the helper's folder (bwrap runs it) and `extra`. */
function restrictedRead(extra: ReturnType<typeof pathEntry>[]): Record<string, unknown> {
  return profile([minimalEntry(), pathEntry(dirname(caps?.helperPath ?? '/'), 'read'), ...extra]);
}

function retarget(link: string, target: string): void {
  rmSync(link);
  symlinkSync(target, link);
}

describe.each<BackendName>(['landlock', 'bwrap'])('remembered plans on the %s backend', (backend) => {
  itOn(backend)('a change to the caller’s policy object in place takes effect on the next launch', async () => {
    await withTempDir(async (t) => {
      mkdirSync(join(t, 'd'));
      writeFileSync(join(t, 'd', 'f'), 'secret');
      const entry = pathEntry(join(t, 'd'), 'read');
      const policy = restrictedRead([entry]);
      const cat = () => run(backend, policy, ['cat', join(t, 'd', 'f')], { cwd: t });

      expect((await cat()).stdout).toBe('secret');
      entry.access = 'none';
      const denied = await cat();
      expect(denied.exitCode).not.toBe(0);
      expect(denied.stdout).toBe('');
    });
  });

  itOn(backend)('a read root that changes from a file into a directory can be listed on the next launch', async () => {
    await withTempDir(async (t) => {
      // Landlock plans leave directory-only rights (READ_DIR) out of a rule on a file.
      const p = join(t, 'p');
      writeFileSync(p, 'file');
      const policy = restrictedRead([pathEntry(p, 'read')]);
      expect((await run(backend, policy, ['cat', p], { cwd: t })).stdout).toBe('file');
      rmSync(p);
      mkdirSync(p);
      writeFileSync(join(p, 'inside'), '');
      const listed = await run(backend, policy, ['ls', p], { cwd: t });
      expect(listed.stderr).toBe('');
      expect(listed.stdout).toBe('inside\n');
    });
  });

  itOn(backend)('a root that was missing at the first launch is granted once it exists', async () => {
    await withTempDir(async (t) => {
      const later = join(t, 'later');
      const policy = restrictedRead([pathEntry(later, 'read')]);
      const cat = () => run(backend, policy, ['cat', join(later, 'f')], { cwd: t });

      expect((await cat()).exitCode).not.toBe(0);
      mkdirSync(later);
      writeFileSync(join(later, 'f'), 'now');
      expect((await cat()).stdout).toBe('now');
    });
  });
});

// bwrap's plan binds a writable root at its canonical path, so a stale plan would still grant
// the symlink's old target.
describe('remembered plans and symlinked writable roots (bwrap)', () => {
  itOn('bwrap')('a writable root reached through a symlink stops granting its old target once retargeted', async () => {
    await withTempDir(async (t) => {
      mkdirSync(join(t, 'a'));
      mkdirSync(join(t, 'b'));
      symlinkSync(join(t, 'a'), join(t, 'link'));
      const policy = profile([rootEntry('read'), pathEntry(join(t, 'link'), 'write')]);
      const write = (dir: string, name: string) => run('bwrap', policy, `echo x > ${join(t, dir, name)}`, { cwd: t });

      expect((await write('a', 'first')).exitCode).toBe(0);
      expect(readFileSync(join(t, 'a', 'first'), 'utf8')).toBe('x\n');
      retarget(join(t, 'link'), join(t, 'b'));
      const old = await write('a', 'second');
      expect(old.exitCode).not.toBe(0);
      expect(old.stderr).toMatch(/Read-only file system|Permission denied/);
      expect(() => readFileSync(join(t, 'a', 'second'))).toThrow();
      expect((await write('b', 'second')).exitCode).toBe(0);
      expect(readFileSync(join(t, 'b', 'second'), 'utf8')).toBe('x\n');
    });
  });
});
