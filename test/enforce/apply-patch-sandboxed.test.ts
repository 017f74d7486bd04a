// applyPatch with a policy: the patch is applied by this package's own entry inside the real
// sandbox (spawn/), after an early check against explain(). Effects are checked on the host.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { applyPatch } from '../../lib/apply-patch/apply-patch';
import { isSandboxError } from '../../lib/errors';
import type { LegacySandboxPolicyWire } from '../../lib/policy/wire-types';
import { makeTempDir } from '../helpers/temp';

// Only the workspace (cwd) is writable: /tmp and $TMPDIR are excluded so a sibling temporary
// directory is outside every writable root.
const WORKSPACE_ONLY: LegacySandboxPolicyWire = {
  type: 'workspace-write',
  writable_roots: [],
  network_access: false,
  exclude_tmpdir_env_var: true,
  exclude_slash_tmp: true,
};

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; details: Record<string, unknown> | undefined }> {
  try {
    await p;
  } catch (err) {
    if (!isSandboxError(err)) throw err;
    return { code: err.code, message: err.message, details: err.details };
  }
  throw new Error('expected applyPatch to fail');
}

async function withTwoDirs(fn: (ws: string, outside: string) => Promise<void>): Promise<void> {
  const ws = makeTempDir('ws');
  const outside = makeTempDir('outside');
  try {
    await fn(ws.path, outside.path);
  } finally {
    ws.remove();
    outside.remove();
  }
}

describe.runIf(process.platform === 'linux')('applyPatch in the Linux sandbox', () => {
  beforeAll(() => {
    expect(existsSync(resolve(__dirname, '../../dist/arg0/arg0-dispatch.js')), 'run `npm run compile` first').toBe(true);
  });

  it('workspace-write: an update and an add inside the workspace are applied by the sandboxed child', async () => {
    await withTwoDirs(async (ws) => {
      writeFileSync(join(ws, 'f.txt'), 'old\n');
      const patch = '*** Begin Patch\n*** Update File: f.txt\n@@\n-old\n+new\n*** Add File: sub/g.txt\n+g\n*** End Patch';
      const result = await applyPatch(patch, { cwd: ws, policy: WORKSPACE_ONLY });
      expect(result.summary).toBe('Success. Updated the following files:\nA sub/g.txt\nM f.txt\n');
      expect(readFileSync(join(ws, 'f.txt'), 'utf8')).toBe('new\n');
      expect(readFileSync(join(ws, 'sub/g.txt'), 'utf8')).toBe('g\n');
    });
  });

  it('workspace-write: a hunk outside the writable roots is refused before the sandbox starts, naming the path', async () => {
    await withTwoDirs(async (ws, outside) => {
      const target = join(outside, 'evil.txt');
      const patch = `*** Begin Patch\n*** Add File: ok.txt\n+fine\n*** Add File: ${target}\n+x\n*** End Patch`;
      const err = await failure(applyPatch(patch, { cwd: ws, policy: WORKSPACE_ONLY }));
      expect(err.code).toBe('E_PATCH_APPLY');
      expect(err.message).toContain(`it writes ${target}, which the sandbox policy does not allow`);
      expect(err.details).toMatchObject({ reason: 'policy_refused', refusedPath: target });
      expect(existsSync(target)).toBe(false);
      expect(existsSync(join(ws, 'ok.txt'))).toBe(false);
    });
  });

  it('workspace-write: a write through a symlink that leaves the workspace does not land outside', async () => {
    await withTwoDirs(async (ws, outside) => {
      symlinkSync(outside, join(ws, 'escape'));
      const err = await failure(applyPatch('*** Begin Patch\n*** Add File: escape/evil.txt\n+x\n*** End Patch', { cwd: ws, policy: WORKSPACE_ONLY }));
      expect(err.code).toBe('E_PATCH_APPLY');
      expect(err.message).toContain('evil.txt');
      expect(existsSync(join(outside, 'evil.txt'))).toBe(false);
    });
  });

  it('workspace-write: a patch failing inside the sandbox reports the reference message and changes nothing', async () => {
    await withTwoDirs(async (ws) => {
      writeFileSync(join(ws, 'keep.txt'), 'keep\n');
      const patch = '*** Begin Patch\n*** Delete File: keep.txt\n*** Delete File: missing.txt\n*** End Patch';
      const err = await failure(applyPatch(patch, { cwd: ws, policy: WORKSPACE_ONLY }));
      expect(err).toMatchObject({ code: 'E_PATCH_APPLY', message: `Failed to delete file ${join(ws, 'missing.txt')}` });
      expect(readFileSync(join(ws, 'keep.txt'), 'utf8')).toBe('keep\n');
    });
  });

  it('workspace-write: a patch larger than one argument may be goes through stdin', async () => {
    await withTwoDirs(async (ws) => {
      const body = `+${'x'.repeat(99)}\n`.repeat(2000);
      const result = await applyPatch(`*** Begin Patch\n*** Add File: big.txt\n${body}*** End Patch`, { cwd: ws, policy: WORKSPACE_ONLY });
      expect(result.added).toEqual(['big.txt']);
      expect(readFileSync(join(ws, 'big.txt'), 'utf8')).toBe(`${'x'.repeat(99)}\n`.repeat(2000));
    });
  });

  it("workspace-write: lineEndings 'lf' (not the default) reaches the sandboxed child", async () => {
    await withTwoDirs(async (ws) => {
      writeFileSync(join(ws, 'w.txt'), 'one\r\ntwo\r\n');
      await applyPatch('*** Begin Patch\n*** Update File: w.txt\n@@\n-one\n+uno\n*** End Patch', { cwd: ws, policy: WORKSPACE_ONLY, lineEndings: 'lf' });
      expect(readFileSync(join(ws, 'w.txt'), 'utf8')).toBe('uno\ntwo\r\n');
    });
  });

  it('workspace-write: the child parses the patch as given (CR CR CR LF keeps one CR, CR CR LF none)', async () => {
    await withTwoDirs(async (ws) => {
      await applyPatch('*** Begin Patch\r\n*** Add File: cr.txt\r\n+a\r\r\r\n+b\r\r\n*** End Patch', { cwd: ws, policy: WORKSPACE_ONLY });
      expect(readFileSync(join(ws, 'cr.txt'), 'utf8')).toBe('a\r\nb\n');
    });
  });

  it('workspace-write: a patch with a NUL byte (not passable as an argument) goes through stdin', async () => {
    await withTwoDirs(async (ws) => {
      await applyPatch('*** Begin Patch\n*** Add File: nul.txt\n+a\u0000b\n*** End Patch', { cwd: ws, policy: WORKSPACE_ONLY });
      expect(readFileSync(join(ws, 'nul.txt'), 'utf8')).toBe('a\u0000b\n');
    });
  });

  it('read-only: any write is refused early and nothing changes', async () => {
    await withTwoDirs(async (ws) => {
      mkdirSync(join(ws, 'd'));
      const err = await failure(applyPatch('*** Begin Patch\n*** Add File: d/x.txt\n+x\n*** End Patch', { cwd: ws, policy: { type: 'read-only' } }));
      expect(err.details).toMatchObject({ reason: 'policy_refused', refusedPath: join(ws, 'd/x.txt') });
      expect(existsSync(join(ws, 'd/x.txt'))).toBe(false);
    });
  });

  it('a malformed patch is a parse error and no sandbox is started', async () => {
    await withTwoDirs(async (ws) => {
      const err = await failure(applyPatch('nope', { cwd: ws, policy: WORKSPACE_ONLY }));
      expect(err.code).toBe('E_PATCH_PARSE');
    });
  });
});
