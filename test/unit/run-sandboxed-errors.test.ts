// runSandboxed reports every failure as a rejection, so `runSandboxed(...).catch(handler)` sees
// a bad policy, a missing cwd, a bad command or an aborted signal instead of a synchronous throw
// that would end the caller's process (issue #19).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { runSandboxed } from '../../lib/spawn/run-sandboxed';

const READ_ONLY = { type: 'read-only' };

describe('runSandboxed failures are rejections', () => {
  const aborted = AbortSignal.abort();
  it.each([
    [
      'a malformed policy',
      ['true'],
      { permissionProfile: { type: 'managed', file_system: { type: 'restricted', entries: [{ path: '/', access: 'rw' }] }, network: 'restricted' } },
      'E_POLICY_INVALID',
    ],
    ['a missing cwd', ['true'], { permissionProfile: READ_ONLY, cwd: join(tmpdir(), 'csbx-no-such-dir-for-this-test') }, 'E_SPAWN'],
    ['a command that is a string', 'true' as unknown as string[], { permissionProfile: READ_ONLY }, 'E_USAGE'],
    ['an already aborted signal', ['true'], { permissionProfile: READ_ONLY, signal: aborted }, 'E_SPAWN'],
  ] as const)('%s', async (_name, command, opts, code) => {
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = runSandboxed(command as string[], opts);
    }).not.toThrow();
    await expect(promise).rejects.toMatchObject({ code });
  });
});
