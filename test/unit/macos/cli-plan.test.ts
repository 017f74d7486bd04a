// `codex-sandbox plan --platform macos` in-process on a non-Mac host: the Seatbelt plan printed as
// snake_case JSON (backend, argv, profile, params, permission_profile), and refusals as exit 125.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planCommand } from '../../../lib/cli/commands/plan';
import { parseSbpl } from '../../helpers/sbpl-parse';
import { runCaptured } from '../../helpers/cli';
import { makeTempDir } from '../../helpers/temp';

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = makeTempDir('macos-cli');
  mkdirSync(join(dir.path, 'home'));
  mkdirSync(join(dir.path, 'work', '.git'), { recursive: true });
});
afterEach(() => dir.remove());

function plan(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const argv = ['--codex-home', join(dir.path, 'home'), '--platform', 'macos', ...args];
  return runCaptured(planCommand, argv, { env: {}, processCwd: dir.path });
}

describe('codex-sandbox plan --platform macos', () => {
  it('seatbelt cli: --json prints backend, argv, profile, params and permission_profile in snake_case', async () => {
    const work = join(dir.path, 'work');
    const r = await plan(['--sandbox', 'workspace-write', '--cwd', work, '--json', '--', 'git', 'status']);
    expect(r.code, r.err).toBe(0);
    const p = JSON.parse(r.out);
    expect(p.backend).toBe('seatbelt');
    expect(p.platform).toBe('macos');
    expect(p.argv.slice(0, 3)).toStrictEqual(['/usr/bin/sandbox-exec', '-p', p.profile]);
    expect(p.argv.slice(-3)).toStrictEqual(['--', 'git', 'status']);
    expect(p.params[0]).toStrictEqual(['WRITABLE_ROOT_0', work]);
    expect(
      p.params
        .filter(([k]: [string]) => k.startsWith('WRITABLE_ROOT_0_EXCLUDED_'))
        .map(([, v]: [string, string]) => v)
        .sort(),
    ).toStrictEqual([`${work}/.codex`, `${work}/.git`]);
    expect(p.argv).toContain(`-DWRITABLE_ROOT_0=${work}`);
    expect(p.env.CODEX_SANDBOX).toBe('seatbelt');
    expect(p.permission_profile.type).toBe('managed');
    expect(p.host_prep).toStrictEqual([]);
    expect(() => parseSbpl(p.profile)).not.toThrow();
  });

  it('seatbelt cli: the text form names the backend and shows the sandbox-exec argv', async () => {
    const r = await plan(['--sandbox', 'read-only', '--cwd', join(dir.path, 'work'), '--', 'ls']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('backend: seatbelt (macos)');
    expect(r.out).toContain('argv: /usr/bin/sandbox-exec -p ');
  });

  it('seatbelt cli: a writable root behind a symlink below the top level is refused with exit 125', async () => {
    mkdirSync(join(dir.path, 'real', 'sub'), { recursive: true });
    symlinkSync(join(dir.path, 'real'), join(dir.path, 'link'));
    const r = await plan(['--sandbox', 'workspace-write', '--cwd', join(dir.path, 'work'), '--writable-root', join(dir.path, 'link', 'sub'), '--json']);
    expect(r.code).toBe(125);
    const e = JSON.parse(r.err).error;
    expect(e.code).toBe('E_UNSUPPORTED_POLICY');
    expect(e.message).toContain('symlinked writable roots are not supported');
  });
});
