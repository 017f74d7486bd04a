// The plan and doctor commands in-process (no sandbox is started): JSON shape, refusals, exit
// statuses; doctor's report from capability fixtures.
import { describe, expect, it } from 'vitest';

import type { CommandContext } from '../../../lib/cli/command';
import { doctorCommand, doctorReport } from '../../../lib/cli/commands/doctor';
import { planCommand, toSnakeCase } from '../../../lib/cli/commands/plan';
import { reportError } from '../../../lib/cli/report';
import { planSandbox } from '../../../lib/platform/plan-sandbox';
import { capsFixture, NO_NAMESPACES } from './fixtures';

async function cli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ctx: CommandContext = { json: argv.includes('--json'), stdout: (t) => (out += t), stderr: (t) => (err += t), env, processCwd: '/' };
  // As runCli does: a thrown SandboxError becomes one stderr line (JSON with --json) and exit 125.
  const [name, ...rest] = argv;
  const handler = name === 'plan' ? planCommand : doctorCommand;
  let code: number;
  try {
    code = await handler(rest, ctx);
  } catch (e) {
    code = reportError(e, ctx);
  }
  return { code, out, err };
}

const readOnlyProfile = JSON.stringify({
  type: 'managed',
  file_system: { type: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'read' }] },
  network: 'restricted',
});

describe('codex-sandbox plan', () => {
  it('--json prints one snake_case object with backend, argv and the exact wire permission_profile', async () => {
    const r = await cli(['plan', '--permission-profile', readOnlyProfile, '--platform', 'linux', '--json', '--', 'ls']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out);
    expect(Object.keys(plan)).toStrictEqual(expect.arrayContaining(['backend', 'argv', 'permission_profile', 'host_prep', 'enforcement', 'requires', 'env']));
    expect(plan.permission_profile).toStrictEqual(JSON.parse(readOnlyProfile));
    expect(plan.argv.slice(-2)).toStrictEqual(['--', 'ls']);
    expect(plan.enforcement.no_new_privs).toBe(true);
  });

  it('a refusal is a JSON error on stderr with exit 125', async () => {
    const r = await cli(['plan', '--sandbox', 'workspace-write', '--backend', 'landlock', '--platform', 'linux', '--json']);
    expect(r.code).toBe(125);
    expect(JSON.parse(r.err).error.code).toBe('E_UNSUPPORTED_POLICY');
  });

  it('--platform macos plans Seatbelt on any host', async () => {
    const r = await cli(['plan', '--platform', 'macos', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).backend).toBe('seatbelt');
  });

  it('--platform windows plans with a Windows cwd', async () => {
    const r = await cli(['plan', '--platform', 'windows', '--cwd', 'C:\\work', '--json'], { ...process.env, USERPROFILE: 'C:\\Users\\me' });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).platform).toBe('windows');
  });

  it('an unknown platform is a usage error', async () => {
    const r = await cli(['plan', '--platform', 'beos']);
    expect(r.code).toBe(125);
    expect(r.err).toContain('--platform');
  });

  it('text output names the backend and the argv', async () => {
    const r = await cli(['plan', '--platform', 'linux']);
    expect(r.out).toMatch(/^backend: (namespaces|bwrap|landlock)/);
    expect(r.out).toContain('argv: ');
  });

  it('env variable names and the wire profile keep their spelling in snake_case output', () => {
    expect(toSnakeCase({ hostPrep: [], env: { CODEX_SANDBOX_NETWORK_DISABLED: '1' }, permissionProfile: { file_system: {} } })).toStrictEqual({
      host_prep: [],
      env: { CODEX_SANDBOX_NETWORK_DISABLED: '1' },
      permission_profile: { file_system: {} },
    });
  });
});

describe('planSandbox dispatcher', () => {
  for (const platform of ['linux', 'macos'] as const) {
    it(`${platform}: the plan is plain JSON data`, () => {
      const plan = planSandbox(JSON.parse(readOnlyProfile), { platform, cwd: '/', capabilities: capsFixture(), command: ['true'] });
      expect(JSON.parse(JSON.stringify(plan))).toStrictEqual(plan);
    });
  }

  it('linux without capabilities is a usage error (planners never probe)', () => {
    expect(() => planSandbox(JSON.parse(readOnlyProfile), { platform: 'linux', cwd: '/' })).toThrow('capabilities');
  });

  it('a Linux backend forced on macOS is refused', () => {
    expect(() => planSandbox(JSON.parse(readOnlyProfile), { platform: 'macos', cwd: '/', backend: 'bwrap', command: ['true'] })).toThrow('does not exist on macos');
  });
});

describe('doctor', () => {
  it('reports every backend usable on a complete machine', () => {
    const report = doctorReport(capsFixture(), true, '6.8.0');
    expect(report.backends.every((b) => b.usable)).toBe(true);
    expect(report.checks.every((c) => c.ok)).toBe(true);
  });

  it('missing bwrap and old Landlock: the namespaces backend alone enforces filesystems', () => {
    const report = doctorReport(capsFixture({ bwrap: null, landlock: { status: 'available', abi: 2 } }), true, '5.19.0');
    expect(report.backends.filter((b) => b.usable).map((b) => b.name)).toStrictEqual(['namespaces', 'seccomp']);
    expect(report.checks.find((c) => c.name === 'bwrap')?.fix).toBe('');
  });

  it('no user namespaces, missing bwrap and old Landlock: no filesystem backend, each with a fix', () => {
    const report = doctorReport(capsFixture({ userns: false, namespaces: NO_NAMESPACES, bwrap: null, landlock: { status: 'available', abi: 2 } }), null, '5.19.0');
    expect(report.backends.filter((b) => b.usable).map((b) => b.name)).toStrictEqual(['seccomp']);
    const bwrap = report.checks.find((c) => c.name === 'bwrap');
    expect(bwrap?.fix).toContain('install bubblewrap');
    expect(report.checks.find((c) => c.name === 'landlock')?.fix).toContain('6.2');
    expect(report.checks.find((c) => c.name === 'userns')?.value).toContain('Operation not permitted');
  });

  it('the AppArmor userns restriction is named, with the bwrap that can still work', () => {
    const report = doctorReport(capsFixture({ userns: false, namespaces: { ...NO_NAMESPACES, apparmorRestricted: true } }), null, '6.8.0');
    const userns = report.checks.find((c) => c.name === 'userns');
    expect(userns?.value).toContain('kernel.apparmor_restrict_unprivileged_userns=1');
    expect(userns?.fix).toContain('/usr/bin/bwrap');
    expect(report.backends.find((b) => b.name === 'namespaces')?.reason).toContain('AppArmor');
    expect(report.backends.find((b) => b.name === 'bwrap')?.usable).toBe(true);
  });

  it('WSL1 makes bubblewrap unusable and says how to fix it', () => {
    const report = doctorReport(capsFixture({ wsl: 'wsl1' }), true, '4.4.0-microsoft');
    expect(report.backends.find((b) => b.name === 'bwrap')?.usable).toBe(false);
    expect(report.checks.find((c) => c.name === 'wsl')?.fix).toContain('WSL2');
  });

  it('a missing helper makes every backend unusable', () => {
    const report = doctorReport(capsFixture({ helperPath: null }), true, '6.8.0');
    expect(report.backends.some((b) => b.usable)).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'native', ok: false });
  });

  it('an unusable native build is the first check, with the rebuild command; nothing probed through it is blamed on the kernel', () => {
    const nativeBuild = { reason: 'not-built', message: 'native addon codex_sandbox is not built: no .node file in …' };
    const report = doctorReport(
      capsFixture({ nativeBuild, helperPath: null, seccomp: false, landlock: { status: 'not-implemented', abi: 0 }, userns: false, namespaces: NO_NAMESPACES }),
      null,
      '6.8.0',
    );
    expect(report.checks[0]).toMatchObject({ name: 'native', ok: false, value: `not-built: ${nativeBuild.message}` });
    expect(report.checks[0]?.fix).toMatch(/npm rebuild codex-sandbox.*pnpm approve-builds/);
    const text = JSON.stringify(report.checks.slice(1));
    expect(text).not.toMatch(/sysctl|lsm=|CONFIG_SECCOMP|CONFIG_SECURITY_LANDLOCK|upgrade to Linux/);
    for (const name of ['landlock', 'seccomp', 'userns', 'proc']) expect(report.checks.find((c) => c.name === name)?.value).toMatch(/^not checked: the native build/);
    expect(report.backends.every((b) => !b.usable && b.reason.includes('npm rebuild codex-sandbox'))).toBe(true);
  });

  it.runIf(process.platform === 'linux')('doctor --json exits 0 on this machine when a filesystem backend works, with snake_case keys', async () => {
    const r = await cli(['doctor', '--json']);
    const out = JSON.parse(r.out);
    expect(r.code).toBe(out.filesystem_enforcement ? 0 : 1);
    expect(out.checks.map((c: { name: string }) => c.name)).toStrictEqual(['native', 'kernel', 'landlock', 'seccomp', 'userns', 'bwrap', 'proc', 'wsl']);
  });
});
