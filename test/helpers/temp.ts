// Fresh temporary directories for tests. Every directory made here is removed by the test that
// made it; the global teardown fails the run if any is left.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEMP_PREFIX = 'csbx-test-';

/** Makes a directory (canonical path) and returns it with a remover. */
export function makeTempDir(label = 'dir'): { path: string; remove: () => void } {
  const path = realpathSync(mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${label}-`)));
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` with a fresh temporary directory that is removed afterwards, whatever happens. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T> | T, label = 'dir'): Promise<T> {
  const dir = makeTempDir(label);
  try {
    return await fn(dir.path);
  } finally {
    dir.remove();
  }
}
