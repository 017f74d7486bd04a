// `codex-sandbox run` plans a launch once: when it cannot replace itself (workspace-write leaves
// host mount targets to remove afterwards), it spawns the plan it made to decide that.
import { vi, describe, expect } from 'vitest';

import { prepareLaunch } from '../../lib/spawn/prepare-launch';
import { execSandboxedIfAlone } from '../../lib/spawn/spawn-sandboxed';
import { makeTempDir } from '../helpers/temp';
import { caps, itOn, MOUNT_BACKEND } from './support';

vi.mock('../../lib/spawn/prepare-launch', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lib/spawn/prepare-launch')>();
  return { ...actual, prepareLaunch: vi.fn(actual.prepareLaunch) };
});

describe('run plans once', () => {
  itOn(MOUNT_BACKEND)(`${MOUNT_BACKEND}: workspace-write is spawned with the plan made to decide it cannot exec`, async () => {
    const tmp = makeTempDir('plans-once');
    try {
      const planned = vi.mocked(prepareLaunch);
      planned.mockClear();
      const start = execSandboxedIfAlone(['/bin/true'], { policy: 'workspace-write', cwd: tmp.path, stdio: 'inherit', backend: MOUNT_BACKEND, capabilities: caps! });
      expect(planned).toHaveBeenCalledTimes(1);
      const child = start();
      const outcome = await child.sandboxOutcome;
      expect(outcome.exitCode).toBe(0);
      expect(planned).toHaveBeenCalledTimes(1);
      expect(child.sandboxPlan).toStrictEqual(planned.mock.results[0]!.value.plan);
    } finally {
      tmp.remove();
    }
  });
});
