// Every async API reports every failure as a rejection with a coded SandboxError, so
// `runSandboxed(...).catch(handler)` sees a bad policy, a missing cwd, a bad command or an
// aborted signal instead of a synchronous throw that would end the caller's process (issue #19).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { applyPatch } from '../../lib/apply-patch/apply-patch';
import { isSandboxError } from '../../lib/errors';
import { resolvePolicy } from '../../lib/policy/public-entry';
import { runSandboxed } from '../../lib/spawn/run-sandboxed';
import { capsFixture } from './linux/fixtures';

const READ_ONLY = { type: 'read-only' };
const BAD_POLICY = { type: 'managed', file_system: { type: 'restricted', entries: [{ path: '/', access: 'rw' }] }, network: 'restricted' };

/** Calls `start` and checks it neither throws nor resolves, and rejects with `code`. */
async function rejectsWith(start: () => Promise<unknown>, code: string): Promise<void> {
  let promise: Promise<unknown> | undefined;
  expect(() => {
    promise = start();
  }).not.toThrow();
  const err = await promise!.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSandboxError(err), String(err)).toBe(true);
  expect(err).toMatchObject({ code });
}

describe('runSandboxed failures are rejections', () => {
  const aborted = AbortSignal.abort();
  const run = (command: unknown, opts: unknown) => () => runSandboxed(command as string[], opts as Parameters<typeof runSandboxed>[1]);
  it.each([
    ['a malformed policy', run(['true'], { permissionProfile: BAD_POLICY }), 'E_POLICY_INVALID'],
    ['a malformed policy under the policy option', run(['true'], { policy: BAD_POLICY }), 'E_POLICY_INVALID'],
    ['an unknown built-in name', run(['true'], { policy: 'read-write' }), 'E_POLICY_INVALID'],
    ['a short form with an unknown key', run(['true'], { policy: { sandbox: 'read-only', writeableRoots: [] } }), 'E_POLICY_INVALID'],
    ['no policy', run(['true'], {}), 'E_USAGE'],
    ['no options at all', run(['true'], undefined), 'E_USAGE'],
    ['both policy and permissionProfile', run(['true'], { policy: 'read-only', permissionProfile: READ_ONLY }), 'E_USAGE'],
    ['a missing cwd', run(['true'], { policy: READ_ONLY, cwd: join(tmpdir(), 'csbx-no-such-dir-for-this-test') }), 'E_SPAWN'],
    ['a command that is a string', run('true', { policy: READ_ONLY }), 'E_USAGE'],
    ['an empty command', run([], { policy: READ_ONLY }), 'E_USAGE'],
    ['a program path Linux cannot exec (4096 bytes)', run([`/${'a/'.repeat(2047)}b`], { policy: READ_ONLY, platform: 'linux' }), 'E_USAGE'],
    ['a program name with a component over 255 bytes', run(['t'.repeat(256)], { policy: READ_ONLY, platform: 'linux' }), 'E_USAGE'],
    ['an already aborted signal', run(['true'], { policy: READ_ONLY, signal: aborted }), 'E_SPAWN'],
    ['a negative timeout', run(['true'], { policy: READ_ONLY, timeoutMs: -1 }), 'E_USAGE'],
    ['an unknown encoding', run(['true'], { policy: READ_ONLY, encoding: 'latin1' }), 'E_USAGE'],
    ['a maxBuffer past the string limit', run(['true'], { policy: READ_ONLY, maxBuffer: 2 ** 40 }), 'E_USAGE'],
    ['input that is neither string nor Buffer', run(['true'], { policy: READ_ONLY, input: 42 }), 'E_USAGE'],
    ['a killSignal the sandbox does not forward', run(['true'], { policy: READ_ONLY, killSignal: 'SIGUSR2' }), 'E_USAGE'],
    ['a bad envPolicy', run(['true'], { policy: READ_ONLY, envPolicy: { inherit: 'some' } }), 'E_POLICY_INVALID'],
    ['an envPolicy with an unknown key', run(['true'], { policy: READ_ONLY, envPolicy: { include_only: ['PATH'] } }), 'E_POLICY_INVALID'],
    ['a backend this policy cannot use', run(['true'], { policy: 'workspace-write', cwd: tmpdir(), backend: 'seccomp', capabilities: capsFixture() }), 'E_UNSUPPORTED_POLICY'],
  ] as const)('%s', async (_name, start, code) => {
    await rejectsWith(start, code);
  });
});

describe('program names Linux cannot exec', () => {
  it('are refused before anything starts, naming the name shortened and its size; the longest that can run pass', async () => {
    const err = await runSandboxed([`/${'abcdefghijklmnopqrstuvwxyz/'.repeat(160)}x`], { policy: 'read-only', platform: 'linux' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_USAGE' });
    const message = (err as Error).message;
    expect(message).toContain('"/abcdefghijklmnopqrstuvwxyz/abcdefghijklmnopqrstuvwxyz/abcde..." is 4322 bytes');
    expect(message.length).toBeLessThan(250);
    // 4095 bytes with 255-byte components, and a 255-byte name: not refused here (a missing
    // program is the helper's 127, which needs the sandbox; planning is enough to see no refusal).
    const longest = `/${'p'.repeat(255)}`.repeat(16).slice(0, 4095);
    for (const program of [longest, 'n'.repeat(255)]) {
      const r = await runSandboxed([program], { policy: 'read-only', platform: 'linux' }).catch((e: unknown) => e);
      expect((r as { code?: string }).code).not.toBe('E_USAGE');
    }
  });
});

describe('applyPatch failures are rejections', () => {
  const patch = '*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\n';
  it.each([
    ['a malformed policy', () => applyPatch(patch, { cwd: tmpdir(), policy: BAD_POLICY as never }), 'E_POLICY_INVALID'],
    ['no options', () => applyPatch(patch, undefined as never), 'E_USAGE'],
    ['a patch that is not a string', () => applyPatch(42 as never, { cwd: tmpdir() }), 'E_USAGE'],
    ['a malformed patch', () => applyPatch('not a patch', { cwd: tmpdir() }), 'E_PATCH_PARSE'],
  ] as const)('%s', async (_name, start, code) => {
    await rejectsWith(start, code);
  });
});

describe('resolvePolicy takes every policy form and refuses bad ones with a code', () => {
  it('a PermissionProfile wire form resolves', () => {
    const wire = {
      type: 'managed',
      file_system: { type: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'read' }] },
      network: 'restricted',
    } as const;
    expect(resolvePolicy(wire, { cwd: '/' }).fullDiskRead).toBe(true);
  });

  it.each([
    ['a malformed wire profile', BAD_POLICY],
    ['a number', 42],
    ['null', null],
  ])('%s is a PolicyInvalidError, not a TypeError', (_name, input) => {
    let err: unknown;
    try {
      resolvePolicy(input as never, { cwd: '/' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'E_POLICY_INVALID' });
  });

  it('missing options are a PolicyInvalidError', () => {
    expect(() => resolvePolicy('read-only', undefined as never)).toThrow(expect.objectContaining({ code: 'E_POLICY_INVALID' }));
  });
});
