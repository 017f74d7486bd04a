// The effective permission profile, as `plan --json` reports it, against golden outputs of the
// reference (Codex 0.169.0 `codex sandbox`, the --permission-profile it hands its Linux helper) for
// the same config files and flags. Fixture paths use placeholders, bound here to a fresh temp tree.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASSUMED_LINUX_CAPABILITIES } from '../../../lib/cli/commands/plan';
import { parsePolicyOptions, resolveOptionsPolicy } from '../../../lib/cli/policy-options';
import { materializeLegacyWorkspace, materializeProfileRoots } from '../../../lib/config/workspace-roots';
import { planSandbox } from '../../../lib/platform/plan-sandbox';
import { explain, resolvePolicy } from '../../../lib/policy/public-entry';
import { policyToPermissionProfile } from '../../../lib/policy/profile';
import type { FileSystemEntry, SandboxPolicy } from '../../../lib/policy/types';
import { permissionProfileToWire } from '../../../lib/policy/wire';
import { withTempDir } from '../../helpers/temp';
import { fakeHost } from '../policy/fake-host';

interface ParityCase {
  name: string;
  user_config: string;
  project_config?: string;
  /** The machine's requirements.toml (the reference read it from /etc/codex). */
  requirements?: string;
  /** `codex sandbox` arguments: `-P NAME` (our --permissions), `-c key=value`, `--include-managed-config`. */
  args: string[];
  reference: unknown;
}

const FIXTURES = JSON.parse(readFileSync(join(__dirname, 'reference-parity.fixtures.json'), 'utf8')) as { cases: ParityCase[] };

function bind(text: string, base: string): string {
  return text.replaceAll('<CWD>', join(base, 'proj')).replaceAll('<BASE>', base).replaceAll('<HOME>', join(base, 'userhome'));
}

/** Our flags for the reference's: requirements always apply here, so its opt-in flag has no counterpart. */
function ourArgs(args: string[]): string[] {
  return args.filter((a) => a !== '--include-managed-config').map((a) => (a === '-P' ? '--permissions' : a));
}

/** What `plan --json` reports as permission_profile for the case, in a fresh tree under `base`. */
function reported(c: ParityCase, base: string): string {
  const cwd = join(base, 'proj');
  const home = join(base, 'home');
  for (const dir of [join(cwd, '.git'), home, join(base, 'userhome'), join(base, 'extra')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(home, 'config.toml'), bind(c.user_config, base));
  if (c.project_config !== undefined) {
    mkdirSync(join(cwd, '.codex'));
    writeFileSync(join(cwd, '.codex', 'config.toml'), bind(c.project_config, base));
  }
  const requirements = join(base, 'etc', 'requirements.toml');
  if (c.requirements !== undefined) {
    mkdirSync(join(base, 'etc'));
    writeFileSync(requirements, bind(c.requirements, base));
  }
  const argv = [...ourArgs(c.args.map((a) => bind(a, base))), '--cwd', cwd, '--codex-home', home];
  const { options } = parsePolicyOptions(argv);
  const { policy } = resolveOptionsPolicy(options, {
    processCwd: cwd,
    env: { HOME: join(base, 'userhome') },
    // No machine-wide config layer, as in the reference runs; requirements only where the case has them.
    config: { systemConfigPath: join(base, 'etc', 'config.toml'), systemRequirementsPath: requirements },
  });
  return JSON.stringify(permissionProfileToWire(policyToPermissionProfile(policy)));
}

describe('reference parity: the effective permission profile (Codex 0.169.0)', () => {
  it('has golden cases for built-ins, profiles, extends, extra roots, -c, legacy modes, a project layer and requirements', () => {
    expect(FIXTURES.cases.length).toBeGreaterThanOrEqual(26);
    expect(FIXTURES.cases.some((c) => c.project_config !== undefined)).toBe(true);
    expect(FIXTURES.cases.filter((c) => c.requirements !== undefined).length).toBeGreaterThanOrEqual(8);
  });

  for (const c of FIXTURES.cases) {
    it(`${c.name}: ${c.args.join(' ') || '(no flags)'}`, async () => {
      await withTempDir((base) => {
        expect(reported(c, base)).toBe(bind(JSON.stringify(c.reference), base));
      });
    });
  }
});

const sp = (kind: string, subpath?: string): FileSystemEntry['path'] => ({
  type: 'special',
  value: (subpath === undefined ? { kind } : { kind, subpath }) as never,
});
const entry = (path: FileSystemEntry['path'], access: FileSystemEntry['access'], skip = false): FileSystemEntry =>
  skip ? { path, access, missingPathBehavior: 'skip' } : { path, access };
const restricted = (entries: FileSystemEntry[]): SandboxPolicy => ({ fileSystem: { kind: 'restricted', entries }, network: 'restricted' });

describe('reference parity: binding project roots changes no decision', () => {
  const cwd = '/w';
  const extra = '/x';
  const host = fakeHost({ dirs: ['/w/.git', '/w/src', '/w/docs', '/w/secrets', '/x/.git', '/x/docs', '/tmp', '/etc'] });
  const probes = [
    '/w/src/a.ts',
    '/w/.git/config',
    '/w/.codex/c',
    '/w/.agents/a',
    '/w/.aws/credentials',
    '/w/docs/d',
    '/w/secrets/k',
    '/w/src/.env',
    '/x/a',
    '/x/.git/config',
    '/x/docs/d',
    '/x/.env',
    '/etc/passwd',
    '/tmp/t',
  ];
  const decide = (policy: SandboxPolicy, workspaceRoots = [cwd]): boolean[][] => {
    const r = resolvePolicy(policy, { cwd, host, workspaceRoots });
    return probes.map((p) => [explain(r, p, 'read').allowed, explain(r, p, 'write').allowed]);
  };

  it('the old :workspace expansion (explicit .git/.agents/.codex reads) and the reference form decide the same', () => {
    const old = restricted([
      entry(sp('root'), 'read'),
      entry(sp('slash_tmp'), 'write'),
      entry(sp('tmpdir'), 'write'),
      entry(sp('project_roots'), 'write'),
      ...['.agents', '.codex', '.git'].map((n) => entry(sp('project_roots', n), 'read')),
    ]);
    const now = restricted([
      entry(sp('root'), 'read'),
      entry({ type: 'path', path: cwd }, 'write'),
      entry(sp('slash_tmp'), 'write'),
      entry(sp('tmpdir'), 'write'),
      ...['.git', '.agents', '.codex', '.aws'].map((n) => entry({ type: 'path', path: `${cwd}/${n}` }, 'read', true)),
    ]);
    expect(decide(now)).toEqual(decide(old));
    // Inside cwd the protected names stay read-only without any entry naming them.
    const bare = restricted([entry(sp('root'), 'read'), entry({ type: 'path', path: cwd }, 'write')]);
    expect(decide(bare).slice(0, 8)).toEqual(decide(old).slice(0, 8));
    expect(decide(bare)[1]).toEqual([true, false]);
  });

  it('a profile with scoped entries, a deny glob and an extra root decides the same bound or symbolic', () => {
    const symbolic = restricted([
      entry(sp('root'), 'read'),
      entry({ type: 'glob_pattern', pattern: 'codex-project-roots://**/*.env' }, 'deny'),
      entry(sp('project_roots'), 'write'),
      entry(sp('project_roots', 'docs'), 'read'),
      entry(sp('project_roots', 'secrets'), 'deny'),
    ]);
    const bound = materializeProfileRoots(symbolic, cwd, [extra]);
    expect(JSON.stringify(bound)).not.toContain('project_roots');
    expect(decide(bound)).toEqual(decide(symbolic, [cwd, extra]));
    // No entry names .git, yet it is read-only in cwd and in the extra root.
    expect([decide(bound)[1], decide(bound)[9]]).toEqual([
      [true, false],
      [true, false],
    ]);
  });

  it('the legacy mode with a writable root decides the same bound or symbolic', () => {
    const symbolic = restricted([
      entry(sp('root'), 'read'),
      entry(sp('project_roots'), 'write'),
      entry(sp('tmpdir'), 'write'),
      ...['.git', '.agents', '.codex', '.aws'].map((n) => entry(sp('project_roots', n), 'read', true)),
    ]);
    const bound = materializeLegacyWorkspace(symbolic, cwd, [extra]);
    expect(JSON.stringify(bound)).not.toContain('project_roots');
    expect(decide(bound)).toEqual(decide(symbolic, [cwd, extra]));
  });
});

describe('reference parity: the bubblewrap plan is unchanged by binding', () => {
  it('the workspace profile with scoped entries plans the same argv bound or symbolic', async () => {
    await withTempDir((base) => {
      const cwd = join(base, 'proj');
      for (const d of ['.git', 'docs', 'secrets']) mkdirSync(join(cwd, d), { recursive: true });
      const symbolic = restricted([
        entry({ type: 'path', path: '/opt' }, 'read'),
        entry(sp('root'), 'read'),
        entry(sp('slash_tmp'), 'write'),
        entry(sp('tmpdir'), 'write'),
        entry(sp('project_roots'), 'write'),
        ...['.agents', '.codex', '.git'].map((n) => entry(sp('project_roots', n), 'read')),
        entry(sp('project_roots', 'docs'), 'read'),
        entry(sp('project_roots', 'secrets'), 'deny'),
      ]);
      // The reported form of the same profile: bound to cwd, no metadata entries.
      const bound = materializeProfileRoots(
        restricted((symbolic.fileSystem as { entries: FileSystemEntry[] }).entries.filter((e) => !JSON.stringify(e.path).match(/"\.(agents|codex|git)"/))),
        cwd,
        [],
      );
      const plan = (p: SandboxPolicy) => planSandbox(p, { platform: 'linux', cwd, capabilities: ASSUMED_LINUX_CAPABILITIES, backend: 'bwrap', command: ['true'], commandCwd: cwd });
      const { permissionProfile: _a, ...was } = plan(symbolic) as unknown as Record<string, unknown>;
      const { permissionProfile: _b, ...now } = plan(bound) as unknown as Record<string, unknown>;
      expect(now).toEqual(was);
      expect(JSON.stringify(now.argv)).toContain(`${cwd}/.git`);
    });
  });
});
