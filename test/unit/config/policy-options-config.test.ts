// policyFromOptions takes its policy from loadConfig: -c, --codex-home and named --permissions work,
// and --sandbox / --permissions / --permission-profile stay subject to requirements.
import { describe, expect, it } from 'vitest';
import { parsePolicyOptions, policyFromOptions, resolveOptionsPolicy } from '../../../lib/cli/policy-options';
import { fakeReader, type FakeTree } from './fake-reader';
import { thrownText } from '../../helpers/errors';

const REQ = '/etc/codex/requirements.toml';

function select(argv: string[], tree: FakeTree = {}) {
  const ctx = {
    processCwd: '/work/repo',
    env: { HOME: '/home/u' },
    config: { reader: fakeReader({ dirs: ['/work/repo'], ...tree }), hostname: 'h', platform: 'linux' as const },
  };
  return resolveOptionsPolicy(parsePolicyOptions(argv).options, ctx);
}

const rootRead = { path: { type: 'special', value: { kind: 'root' } }, access: 'read' };

describe('policyFromOptions with config', () => {
  it('-c sets the mode through a session-flags layer', () => {
    const r = select(['-c', 'sandbox_mode=workspace-write']);
    expect(r.origin).toBe('sandbox_mode = workspace-write in session-flags');
    expect(r.policy.fileSystem.kind).toBe('restricted');
    // Bound to the cwd, as the reference reports the project root.
    expect(r.policy.fileSystem.kind === 'restricted' && r.policy.fileSystem.entries[1]).toEqual({ path: { type: 'path', path: r.cwd }, access: 'write' });
  });

  it('--codex-home points at the user config, and --permissions NAME selects its profile', () => {
    const tree = { files: { '/cfg/config.toml': '[permissions.dev.filesystem]\n":root" = "read"\n"/data" = "write"\n' } };
    const r = select(['--codex-home', '/cfg', '--permissions', 'dev'], tree);
    expect(r.origin).toBe('--permissions dev');
    expect(r.policy.fileSystem).toEqual({ kind: 'restricted', entries: [{ path: { type: 'path', path: '/data' }, access: 'write' }, rootRead] });
    expect(r.config.layers.map((l) => l.name)).toContain('user (/cfg/config.toml)');
  });

  it('the configured default applies with no policy option; --network overrides only the network', () => {
    const tree = { files: { '/home/u/.codex/config.toml': 'sandbox_mode = "read-only"\n' } };
    const r = select(['--network'], tree);
    expect(r.origin).toBe('sandbox_mode = read-only in user (/home/u/.codex/config.toml)');
    expect(r.policy).toEqual({ fileSystem: { kind: 'restricted', entries: [rootRead] }, network: 'enabled' });
  });

  it('--writable-root adds to the configured writable roots', () => {
    const tree = { files: { '/home/u/.codex/config.toml': '[sandbox_workspace_write]\nwritable_roots = ["/srv/a"]\n' } };
    const text = JSON.stringify(select(['--sandbox', 'workspace-write', '--writable-root', 'b'], tree).policy);
    expect(text.indexOf('"/srv/a"')).toBeGreaterThan(-1);
    expect(text.indexOf('"/work/repo/b"')).toBeGreaterThan(text.indexOf('"/srv/a"'));
  });

  it('a --writable-root holding U+FFFD (an invalid UTF-8 byte in argv) is E_POLICY_INVALID (issue #20)', () => {
    expect(thrownText(() => select(['--sandbox', 'workspace-write', '--writable-root', '/srv/a\uFFFD']))).toBe(
      'E_POLICY_INVALID: --writable-root "/srv/a\uFFFD" contains U+FFFD, so it cannot be named exactly (invalid UTF-8 decodes to U+FFFD); name it in valid UTF-8',
    );
  });

  it('requirements constrain --sandbox and --permission-profile: both fall back to read-only', () => {
    const tree = { files: { [REQ]: 'allowed_sandbox_modes = ["read-only"]\n' } };
    const r = select(['--sandbox', 'danger-full-access'], tree);
    expect(r.policy).toEqual({ fileSystem: { kind: 'restricted', entries: [rootRead] }, network: 'restricted' });
    expect(r.origin).toBe('sandbox_mode = read-only in requirements (managed); requirements replaced danger-full-access');
    const p = select(['--permission-profile', '{"type":"disabled"}'], tree);
    expect(p.policy.fileSystem).toEqual({ kind: 'restricted', entries: [rootRead] });
    expect(p.config.warnings[0]).toMatch(/^Configured value for `permission_profile` is disallowed by requirements; falling back from `--permission-profile`/);
  });

  it('a managed network holds --network and the domain flags to its rules', () => {
    const tree = { files: { [REQ]: '[experimental_network]\nenabled = true\n[experimental_network.domains]\n"a.com" = "allow"\n"no.a.com" = "deny"\n' } };
    expect(select(['--network'], tree).policy.network).toEqual({
      mode: 'proxied',
      allowedDomains: ['a.com'],
      deniedDomains: ['no.a.com'],
      allowLocalBinding: false,
      unixSockets: [],
    });
    expect(select(['--no-network'], tree).policy.network).toBe('restricted');
    expect(select(['--allow-domain', 'b.com', '--deny-domain', 'c.com'], tree).policy.network).toEqual({
      mode: 'proxied',
      allowedDomains: ['b.com', 'a.com'],
      deniedDomains: ['c.com', 'no.a.com'],
      allowLocalBinding: false,
      unixSockets: [],
    });
  });

  it('policyFromOptions keeps its shape: policy, cwd, origin', () => {
    const ctx = { processCwd: '/work/repo', env: { HOME: '/home/u' }, config: { reader: fakeReader({ dirs: ['/work/repo'] }), platform: 'linux' as const } };
    expect(Object.keys(policyFromOptions(parsePolicyOptions([]).options, ctx)).sort()).toEqual(['cwd', 'origin', 'policy']);
  });
});
