// The mount-target registry names each run by pid and process start time, so a marker whose pid
// now belongs to another process (pid reuse) counts as dead and its stub is pruned (R13).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { pruneHostPrepRegistry, trackHostPrep } from '../../../lib/spawn/host-prep';
import { withTempDir } from '../../helpers/temp';

function markerDirOf(registry: string, path: string): string {
  return join(registry, createHash('sha256').update(path).digest('hex').slice(0, 16));
}

describe.runIf(process.platform === 'linux')('host-prep registry owners', () => {
  it('a marker whose pid is alive but whose start time differs is a dead run: its empty stub is pruned', async () => {
    await withTempDir((dir) => {
      const registry = join(dir, 'registry');
      mkdirSync(registry, { mode: 0o700 });
      const stub = join(dir, 'ws', '.git');
      mkdirSync(stub, { recursive: true });
      const markerDir = markerDirOf(registry, stub);
      mkdirSync(markerDir);
      // Our own pid, so kill(pid, 0) succeeds, with a start time no process of that pid has.
      writeFileSync(join(markerDir, `${process.pid}-1-1`), JSON.stringify({ kind: 'dir', path: stub }));
      pruneHostPrepRegistry(registry);
      expect(existsSync(stub)).toBe(false);
      expect(readdirSync(registry).filter((n) => n !== 'lock')).toEqual([]);
    });
  });

  it('a live run\'s own marker keeps its stub until that run cleans up', async () => {
    await withTempDir((dir) => {
      const registry = join(dir, 'registry');
      const stub = join(dir, 'ws', '.codex');
      mkdirSync(join(dir, 'ws'));
      const cleanup = trackHostPrep([{ kind: 'dir', path: stub }], registry);
      mkdirSync(stub); // what bwrap does for the mount point
      pruneHostPrepRegistry(registry);
      expect(existsSync(stub), 'pruning left a live run alone').toBe(true);
      cleanup();
      expect(existsSync(stub)).toBe(false);
    });
  });

  it('markers that are not one JSON target are never acted on', async () => {
    await withTempDir((dir) => {
      const registry = join(dir, 'registry');
      mkdirSync(registry, { mode: 0o700 });
      const victim = join(dir, 'a');
      mkdirSync(victim);
      const markerDir = join(registry, '0123456789abcdef');
      mkdirSync(markerDir);
      writeFileSync(join(markerDir, '1-1-1'), `dir\t${victim}\tb/.git`);
      writeFileSync(join(markerDir, '1-1-2'), JSON.stringify({ kind: 'dir', path: victim, extra: 1 }));
      pruneHostPrepRegistry(registry);
      expect(existsSync(victim)).toBe(true);
    });
  });
});
