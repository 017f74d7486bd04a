// `codex-sandbox plan --platform windows` in-process, on any host: the dispatcher reaches
// planWindows, --json is snake_case, refusals are E_UNSUPPORTED_POLICY with exit 125.
import { describe, expect, it } from 'vitest';
import { planCommand } from '../../../lib/cli/commands/plan';
import { planSandbox } from '../../../lib/platform/plan-sandbox';
import { WORKSPACE_WRITE, path } from './fixtures';
import { runCaptured } from '../../helpers/cli';

const WIN_ENV: NodeJS.ProcessEnv = { USERPROFILE: 'C:\\Users\\me', TEMP: 'C:\\Users\\me\\AppData\\Local\\Temp', TMP: 'C:\\Users\\me\\AppData\\Local\\Temp' };

function plan(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCaptured(planCommand, argv, { env: WIN_ENV, processCwd: '/' });
}

describe('codex-sandbox plan --platform windows', () => {
  it('workspace-write with network plans the restricted token, in snake_case', async () => {
    const r = await plan(['--platform', 'windows', '--cwd', 'C:\\w', '--sandbox', 'workspace-write', '--network', '--json', '--', 'cmd.exe', '/c', 'dir']);
    expect(r.code, r.err).toBe(0);
    const p = JSON.parse(r.out);
    expect(p.backend).toBe('windows-token');
    expect(p.capability_roots.map((c: { root: string }) => c.root)).toStrictEqual(['C:\\w', 'C:\\Users\\me\\AppData\\Local\\Temp']);
    expect(p.token.restricting_sids.slice(-2)).toStrictEqual(['@logon', 'S-1-1-0']);
    expect(p.launch.command_line).toBe('cmd.exe /c dir');
    expect(p.permission_profile.type).toBe('managed');
  });

  it('the default (network restricted) plans the elevated backend with the offline account', async () => {
    const r = await plan(['--platform', 'windows', '--cwd', 'C:\\w', '--sandbox', 'workspace-write', '--json']);
    expect(r.code, r.err).toBe(0);
    const p = JSON.parse(r.out);
    expect(p.backend).toBe('windows-elevated');
    expect(p.accounts.run_as).toBe('offline');
    expect(p.enforcement.network).toBe('enforced');
  });

  it('a forced restricted token with a restricted network is refused with exit 125', async () => {
    const r = await plan(['--platform', 'windows', '--cwd', 'C:\\w', '--sandbox', 'workspace-write', '--backend', 'windows-token', '--json']);
    expect(r.code).toBe(125);
    expect(JSON.parse(r.err).error.code).toBe('E_UNSUPPORTED_POLICY');
  });

  it('a non-Windows backend for the windows platform is refused', async () => {
    const r = await plan(['--platform', 'windows', '--cwd', 'C:\\w', '--backend', 'bwrap', '--json']);
    expect(r.code).toBe(125);
  });

  it('the text form names the backend and the enforcement', async () => {
    const r = await plan(['--platform', 'windows', '--cwd', 'C:\\w', '--sandbox', 'read-only', '--network']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^backend: windows-token \(windows\)$/m);
    expect(r.out).toMatch(/argv: .*codex-sandbox-helper\.exe'? --request-stdin/);
  });

  it('planSandbox passes an already-parsed policy through unchanged, with the wire profile', () => {
    const p = planSandbox(WORKSPACE_WRITE([path('C:\\w\\secret', 'deny')]), {
      platform: 'windows',
      cwd: 'C:\\w',
      command: ['x'],
      env: WIN_ENV as Record<string, string>,
    });
    expect(p.backend).toBe('windows-elevated');
    expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
  });
});
