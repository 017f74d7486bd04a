// `codex-sandbox explain`: output, --json shape and exit statuses, with runCli's error handling.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainCommand } from '../../../lib/cli/commands/explain';
import { runCaptured } from '../../helpers/cli';
import { withTempDir } from '../../helpers/temp';

function run(argv: string[], processCwd = '/'): Promise<{ code: number; out: string; err: string }> {
  return runCaptured(explainCommand, argv, { env: { ...process.env }, processCwd });
}

describe('codex-sandbox explain', () => {
  it('allowed is exit 0 with one line naming the path, the entry and the policy origin', async () => {
    await withTempDir(async (dir) => {
      const r = await run(['--cwd', dir, '--sandbox', 'workspace-write', 'src/a.ts', '--access', 'write']);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${dir}/src/a.ts: write allowed: entries[1] ${dir} = write [policy: --sandbox workspace-write]\n`);
    });
  });

  it('denied is exit 1; --json prints the snake_case decision', async () => {
    await withTempDir(async (dir) => {
      const r = await run(['--cwd', dir, '--sandbox', 'workspace-write', '--access=write', '--json', '.git/config']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out)).toEqual({
        path: `${dir}/.git/config`,
        access: 'write',
        allowed: false,
        effective: 'write',
        decided_by: { kind: 'protected', name: '.git', root: dir, path: `${dir}/.git` },
        reason: `write denied: ${dir}/.git is protected metadata (.git) under writable root ${dir}; add a write entry at or below it to allow`,
      });
    });
  });

  it('the default policy is read-only: reads allowed, writes denied', async () => {
    expect((await run(['/etc/hostname'])).code).toBe(0);
    const w = await run(['/etc/hostname', '--access', 'write', '--json']);
    expect(w.code).toBe(1);
    expect(JSON.parse(w.out).decided_by).toEqual({ kind: 'entry', index: 0, label: ':root', path: '/', access: 'read' });
  });

  it('follows host symlinks: a link in a writable root to a read-only place is not writable', async () => {
    await withTempDir(async (dir) => {
      mkdirSync(join(dir, 'w'));
      mkdirSync(join(dir, 'outside'));
      symlinkSync(join(dir, 'outside'), join(dir, 'w/link'));
      // Not workspace-write: the temp dir may sit under /tmp, which that mode makes writable.
      const profile = JSON.stringify({
        type: 'managed',
        file_system: {
          type: 'restricted',
          entries: [
            { path: { type: 'special', value: { kind: 'root' } }, access: 'read' },
            { path: { type: 'special', value: { kind: 'project_roots' } }, access: 'write' },
          ],
        },
        network: 'restricted',
      });
      const r = await run(['--cwd', join(dir, 'w'), '--permission-profile', profile, '--access', 'write', 'link/f']);
      expect((await run(['--cwd', join(dir, 'w'), '--permission-profile', profile, '--access', 'write', 'f'])).code).toBe(0);
      expect(r.code).toBe(1);
      expect(r.out).toContain(`resolves to ${join(dir, 'outside/f')}`);
    });
  });

  it('bad input is exit 125 with one stderr line', async () => {
    for (const argv of [[], ['a', 'b'], ['--access', 'exec', 'p'], ['--frobnicate', 'p'], ['--permission-profile', '{"type":"nope"}', 'p']]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(125);
      expect(r.err.split('\n').filter(Boolean), argv.join(' ')).toHaveLength(1);
      expect(r.err).toMatch(/^codex-sandbox: /);
    }
    const nul = await run(['a\0b']);
    expect(nul.code).toBe(125);
  });

  it('--help documents the exit statuses', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('exit status: 0 when the access is allowed, 1 when it is denied, 125 for bad input.');
  });
});
