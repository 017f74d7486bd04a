import { describe, expect, it } from 'vitest';
import { assertEnforceable, loadConfig, type LoadConfigOptions } from '../../../lib/config/load-config';
import type { MdmReader } from '../../../lib/config/reader';
import type { FileSystemEntry, SandboxPolicy } from '../../../lib/policy/types';
import { fakeReader, type FakeTree } from './fake-reader';
import { thrown, thrownText } from '../../helpers/errors';

const HOME = '/home/u';
const CODEX_HOME = '/home/u/.codex';
const USER = `${CODEX_HOME}/config.toml`;
const REQ = '/etc/codex/requirements.toml';

function load(tree: FakeTree, over: Partial<LoadConfigOptions> = {}) {
  return loadConfig({
    cwd: '/work/repo',
    codexHome: CODEX_HOME,
    reader: fakeReader({ dirs: ['/work/repo/.git'], ...tree }),
    homeDir: HOME,
    hostname: 'dev1.corp.example',
    platform: 'linux',
    env: {},
    ...over,
  });
}

function mdm(values: Partial<Record<'config_toml_base64' | 'requirements_toml_base64', string>>): MdmReader {
  return { read: (key) => (values[key] === undefined ? undefined : Buffer.from(values[key]!).toString('base64')) };
}

const sp = (kind: string, subpath?: string): FileSystemEntry['path'] => ({
  type: 'special',
  value: (subpath === undefined ? { kind } : { kind, subpath }) as never,
});
const entry = (path: FileSystemEntry['path'], access: FileSystemEntry['access'], skip = false): FileSystemEntry =>
  skip ? { path, access, missingPathBehavior: 'skip' } : { path, access };

/** The policy module also protects `.aws` (a narrowing beyond the reference); compare the rest. */
function withoutAws(policy: SandboxPolicy): SandboxPolicy {
  if (policy.fileSystem.kind !== 'restricted') return policy;
  const entries = policy.fileSystem.entries.filter((e) => !JSON.stringify(e.path).includes('.aws'));
  return { ...policy, fileSystem: { ...policy.fileSystem, entries } };
}

const READ_ONLY: SandboxPolicy = { fileSystem: { kind: 'restricted', entries: [entry(sp('root'), 'read')] }, network: 'restricted' };

/**
 * Legacy WorkspaceWrite as Codex 0.169.0 reports it for cwd /work/repo (docs/reference.md#legacy-conversion [C], then
 * bound to the roots): the writable roots are project roots, each project-roots entry expanded in
 * place for cwd and every root, and the roots written once more after the temp dirs.
 */
function workspaceWrite(roots: string[], network: boolean, opts: { noSlashTmp?: boolean; noTmpdir?: boolean } = {}): SandboxPolicy {
  const all = ['/work/repo', ...roots];
  const entries: FileSystemEntry[] = [entry(sp('root'), 'read'), ...all.map((r) => entry({ type: 'path', path: r }, 'write'))];
  if (!opts.noSlashTmp) entries.push(entry(sp('slash_tmp'), 'write'));
  if (!opts.noTmpdir) entries.push(entry(sp('tmpdir'), 'write'));
  for (const r of roots) entries.push(entry({ type: 'path', path: r }, 'write'));
  for (const n of ['.git', '.agents', '.codex']) for (const r of all) entries.push(entry({ type: 'path', path: `${r}/${n}` }, 'read', true));
  return { fileSystem: { kind: 'restricted', entries }, network: network ? 'enabled' : 'restricted' };
}

const trusted = (dir: string, level = 'trusted') => `[projects."${dir}"]\ntrust_level = "${level}"\n`;

describe('loadConfig: legacy sandbox_mode', () => {
  it('no config at all: read-only, decided by the default', () => {
    const cfg = load({});
    expect(cfg.policy).toEqual(READ_ONLY);
    expect(cfg.source).toEqual({ kind: 'default', key: 'sandbox_mode', value: 'read-only' });
    expect(cfg.unenforceable).toEqual([]);
  });

  it('a trusted or untrusted project defaults to workspace-write (docs/reference.md#project-trust)', () => {
    for (const level of ['trusted', 'untrusted']) {
      const cfg = load({ files: { [USER]: trusted('/work/repo', level) } });
      expect(withoutAws(cfg.policy)).toEqual(workspaceWrite([], false));
      expect(cfg.source).toEqual({ kind: 'default', key: 'sandbox_mode', value: 'workspace-write' });
    }
  });

  it('on Windows the trust-derived default stays read-only', () => {
    const cfg = load({ files: { [USER]: trusted('/work/repo') } }, { platform: 'windows' });
    expect(cfg.policy).toEqual(READ_ONLY);
  });

  it('workspace-write with [sandbox_workspace_write]: relative roots resolve against the defining file', () => {
    const cfg = load({
      files: {
        '/etc/codex/config.toml': '[sandbox_workspace_write]\nwritable_roots = ["shared"]\n',
        [USER]: 'sandbox_mode = "workspace-write"\n[sandbox_workspace_write]\nnetwork_access = true\nexclude_slash_tmp = true\n',
      },
    });
    expect(withoutAws(cfg.policy)).toEqual(workspaceWrite(['/etc/codex/shared'], true, { noSlashTmp: true }));
    expect(cfg.source).toEqual({ kind: 'config', key: 'sandbox_mode', value: 'workspace-write', layer: `user (${USER})` });
    expect(cfg.values['sandbox_workspace_write.writable_roots.0']).toEqual({ value: '/etc/codex/shared', layer: 'system (/etc/codex/config.toml)' });
    expect(cfg.values['sandbox_workspace_write.network_access']).toEqual({ value: true, layer: `user (${USER})` });
  });

  it('danger-full-access is unrestricted with network', () => {
    expect(load({ files: { [USER]: 'sandbox_mode = "danger-full-access"\n' } }).policy).toEqual({
      fileSystem: { kind: 'unrestricted' },
      network: 'enabled',
    });
  });

  it('sandbox_mode anywhere wins over default_permissions (docs/reference.md#permission-profiles-in-config)', () => {
    const cfg = load({
      files: {
        '/etc/codex/config.toml': 'sandbox_mode = "read-only"\n',
        [USER]: 'default_permissions = ":workspace"\n',
      },
    });
    expect(cfg.policy).toEqual(READ_ONLY);
    expect(cfg.source.key).toBe('sandbox_mode');
  });

  it("the selected profile's sandbox_mode beats the top-level one", () => {
    const cfg = load({ files: { [USER]: 'sandbox_mode = "read-only"\nprofile = "w"\n[profiles.w]\nsandbox_mode = "danger-full-access"\n' } });
    expect(cfg.policy.fileSystem).toEqual({ kind: 'unrestricted' });
    expect(cfg.source).toMatchObject({ key: 'profiles.w.sandbox_mode', value: 'danger-full-access' });
  });

  it('--sandbox beats every layer, --permissions beats config', () => {
    const tree = { files: { [USER]: 'sandbox_mode = "danger-full-access"\n' } };
    expect(load(tree, { sandboxModeOverride: 'read-only' }).policy).toEqual(READ_ONLY);
    const cfg = load(tree, { permissionsOverride: ':read-only' });
    expect(cfg.policy).toEqual(READ_ONLY);
    expect(cfg.source).toEqual({ kind: 'override', key: '--permissions', value: ':read-only' });
  });

  it('a -c override decides, with the session-flags layer as the source', () => {
    const cfg = load({}, { cliOverrides: ['sandbox_mode=workspace-write', 'sandbox_workspace_write.writable_roots=["out"]'] });
    expect(withoutAws(cfg.policy)).toEqual(workspaceWrite(['/work/repo/out'], false));
    expect(cfg.source.layer).toBe('session-flags');
  });

  it('an untrusted project cannot loosen the sandbox; a trusted one can', () => {
    const files = { '/work/repo/.codex/config.toml': 'sandbox_mode = "danger-full-access"\n' };
    expect(load({ files: { ...files, [USER]: trusted('/work/repo', 'untrusted') } }).policy.fileSystem.kind).toBe('restricted');
    const cfg = load({ files: { ...files, [USER]: trusted('/work/repo') } });
    expect(cfg.policy.fileSystem.kind).toBe('unrestricted');
    expect(cfg.source.layer).toBe('project (/work/repo/.codex/config.toml)');
  });
});

describe('loadConfig: permission profiles', () => {
  it('default_permissions selects a defined profile', () => {
    const cfg = load({
      files: { [USER]: 'default_permissions = "dev"\n[permissions.dev]\nextends = ":read-only"\n[permissions.dev.filesystem]\n"/data" = "write"\n' },
    });
    expect(cfg.policy).toEqual({
      fileSystem: { kind: 'restricted', entries: [entry({ type: 'path', path: '/data' }, 'write'), entry(sp('root'), 'read')] },
      network: 'restricted',
    });
    expect(cfg.source).toEqual({ kind: 'config', key: 'default_permissions', value: 'dev', layer: `user (${USER})` });
  });

  it('a profile may be defined in one layer and refined in another', () => {
    const cfg = load({
      files: {
        '/etc/codex/config.toml': '[permissions.dev.filesystem]\n":root" = "read"\n',
        [USER]: 'default_permissions = "dev"\n[permissions.dev.filesystem]\n":tmpdir" = "write"\n',
      },
    });
    expect(cfg.policy.fileSystem).toEqual({ kind: 'restricted', entries: [entry(sp('root'), 'read'), entry(sp('tmpdir'), 'write')] });
  });

  it('an undefined profile is a located error in the file that selected it', () => {
    const err = thrown(() => load({ files: { [USER]: 'default_permissions = "nope"\n[permissions.dev]\n' } }));
    expect(err.message).toBe(`default_permissions refers to undefined profile \`nope\` (${USER}:1:23)`);
  });

  it('a profile selected with --permissions that does not exist names the flag', () => {
    expect(thrown(() => load({}, { permissionsOverride: 'ghost' })).message).toBe('default_permissions requires a `[permissions]` table (--permissions)');
  });

  it('domain rules make the network proxied; nothing is left unenforceable', () => {
    const cfg = load({
      files: { [USER]: 'default_permissions = "net"\n[permissions.net]\nextends = ":read-only"\n[permissions.net.network.domains]\n"Example.COM" = "allow"\n' },
    });
    expect(cfg.unenforceable).toEqual([]);
    expect(cfg.policy.network).toEqual({ mode: 'proxied', allowedDomains: ['example.com'], deniedDomains: [], allowLocalBinding: false, unixSockets: [] });
  });
});

describe('loadConfig: requirements', () => {
  it('allowed_sandbox_modes without read-only is a hard error with the reference message', () => {
    const err = thrown(() => load({ files: { [REQ]: 'allowed_sandbox_modes = ["workspace-write"]\n' } }));
    expect(err.code).toBe('E_CONSTRAINT');
    expect(err.message).toBe(
      `invalid value for \`allowed_sandbox_modes\`: \`[WorkspaceWrite]\` is not in the allowed set must include 'read-only' to allow any PermissionProfile (set by ${REQ})`,
    );
  });

  it('an empty allowed_approval_policies is a hard error', () => {
    expect(thrown(() => load({ files: { [REQ]: 'allowed_approval_policies = []\n' } })).message).toBe('field `allowed_approval_policies` cannot be empty');
  });

  it('a disallowed configured sandbox_mode falls back to read-only with the reference warning', () => {
    const cfg = load({ files: { [REQ]: 'allowed_sandbox_modes = ["read-only", "workspace-write"]\n', [USER]: 'sandbox_mode = "danger-full-access"\n' } });
    expect(cfg.policy).toEqual(READ_ONLY);
    expect(cfg.source.fallbackFrom).toBe('danger-full-access');
    expect(cfg.warnings).toEqual([
      `Configured value for \`sandbox_mode\` is disallowed by requirements; falling back to required value ReadOnly. Details: invalid value for \`sandbox_mode\`: \`DangerFullAccess\` is not in the allowed set [ReadOnly, WorkspaceWrite] (set by ${REQ})`,
    ]);
  });

  it('a trust-derived default that requirements forbid falls back silently', () => {
    const cfg = load({ files: { [REQ]: 'allowed_sandbox_modes = ["read-only"]\n', [USER]: trusted('/work/repo') } });
    expect(cfg.policy).toEqual(READ_ONLY);
    expect(cfg.warnings).toEqual([]);
  });

  it('load_requirements_toml_produces_expected_constraints: first allowed approval is the initial value; a disallowed one warns', () => {
    expect(load({ files: { [REQ]: 'allowed_approval_policies = ["never", "on-request"]\n' } }).approvalPolicy).toEqual({ value: 'never', source: REQ });
    const cfg = load({ files: { [REQ]: 'allowed_approval_policies = ["never", "on-request"]\n', [USER]: 'approval_policy = "on-failure"\n' } });
    expect(cfg.approvalPolicy).toEqual({ value: 'never', source: REQ });
    expect(cfg.warnings[0]).toBe(
      `Configured value for \`approval_policy\` is disallowed by requirements; falling back to required value Never. Details: invalid value for \`approval_policy\`: \`OnFailure\` is not in the allowed set [Never, OnRequest] (set by ${REQ})`,
    );
  });

  it('managed_preferences_requirements_are_applied and take precedence over the legacy managed config', () => {
    const cfg = load(
      { files: { '/etc/codex/managed_config.toml': 'approval_policy = "on-request"\n', [USER]: 'sandbox_mode = "workspace-write"\n' } },
      { mdm: mdm({ requirements_toml_base64: 'allowed_approval_policies = ["never"]\nallowed_sandbox_modes = ["read-only"]\n' }) },
    );
    expect(cfg.approvalPolicy).toEqual({ value: 'never', source: 'MDM com.openai.codex:requirements_toml_base64' });
    expect(cfg.policy).toEqual(READ_ONLY);
    expect(cfg.requirements.sources).toEqual(['/etc/codex/managed_config.toml', 'MDM com.openai.codex:requirements_toml_base64']);
  });

  it('legacy_managed_config_backfill_includes_read_only_sandbox_mode', () => {
    const cfg = load({ files: { '/etc/codex/managed_config.toml': 'sandbox_mode = "workspace-write"\n' } });
    expect(cfg.requirements.allowedSandboxModes).toEqual({ value: ['read-only', 'workspace-write'], source: '/etc/codex/managed_config.toml' });
  });

  it('the legacy managed file beats the system requirements (NEW: layers, last wins)', () => {
    const cfg = load({
      files: { [REQ]: 'allowed_approval_policies = ["on-request"]\n', '/etc/codex/managed_config.toml': 'approval_policy = "never"\n' },
    });
    expect(cfg.requirements.allowedApprovalPolicies).toEqual({ value: ['never'], source: '/etc/codex/managed_config.toml' });
  });

  it("remote_sandbox_config: a matching hostname pattern replaces the layer's modes", () => {
    const text =
      'allowed_sandbox_modes = ["read-only"]\n[[remote_sandbox_config]]\nhostname_patterns = ["*.CORP.example"]\nallowed_sandbox_modes = ["read-only", "workspace-write"]\n';
    expect(load({ files: { [REQ]: text } }).requirements.allowedSandboxModes!.value).toEqual(['read-only', 'workspace-write']);
    expect(load({ files: { [REQ]: text } }, { hostname: 'laptop.home' }).requirements.allowedSandboxModes!.value).toEqual(['read-only']);
  });

  it('deny_read resolves against the requirements folder (globs: the literal prefix) and is added as deny entries', () => {
    const cfg = load({
      files: {
        [REQ]: '[permissions.filesystem]\ndeny_read = ["./sensitive", "../shared/secret.txt", "./keys/**/*.pem"]\n',
        [USER]: 'sandbox_mode = "read-only"\n',
      },
    });
    expect(cfg.requirements.denyRead.map((d) => [d.path, d.glob])).toEqual([
      ['/etc/codex/sensitive', false],
      ['/etc/shared/secret.txt', false],
      ['/etc/codex/keys/**/*.pem', true],
    ]);
    expect(cfg.policy.fileSystem).toEqual({
      kind: 'restricted',
      entries: [
        entry(sp('root'), 'read'),
        entry({ type: 'path', path: '/etc/codex/sensitive' }, 'deny'),
        entry({ type: 'path', path: '/etc/shared/secret.txt' }, 'deny'),
        entry({ type: 'glob_pattern', pattern: '/etc/codex/keys/**/*.pem' }, 'deny'),
      ],
    });
  });

  it('deny_read turns danger-full-access into root:write plus the denies', () => {
    const cfg = load({ files: { [REQ]: '[permissions.filesystem]\ndeny_read = ["/secret"]\n', [USER]: 'sandbox_mode = "danger-full-access"\n' } });
    expect(cfg.policy.fileSystem).toEqual({
      kind: 'restricted',
      entries: [entry(sp('root'), 'write'), entry({ type: 'path', path: '/secret' }, 'deny')],
    });
  });

  it('system_requirements_define_managed_permission_profiles and select the managed default', () => {
    const cfg = load({
      files: {
        [REQ]:
          'default_permissions = "locked"\n[allowed_permission_profiles]\nlocked = true\n":read-only" = true\n[permissions.locked]\nextends = ":read-only"\n[permissions.locked.filesystem]\n"/scratch" = "write"\n',
      },
    });
    expect(cfg.source).toEqual({ kind: 'requirements', key: 'default_permissions', value: 'locked', layer: REQ });
    expect(cfg.policy.fileSystem).toEqual({ kind: 'restricted', entries: [entry({ type: 'path', path: '/scratch' }, 'write'), entry(sp('root'), 'read')] });
  });

  it('the standard pair without a default defaults to :workspace', () => {
    const cfg = load({ files: { [REQ]: '[allowed_permission_profiles]\n":read-only" = true\n":workspace" = true\n' } });
    expect(cfg.source).toMatchObject({ kind: 'requirements', value: ':workspace' });
  });

  it('inconsistent permission requirements are load errors', () => {
    expect(thrown(() => load({ files: { [REQ]: 'default_permissions = ":read-only"\n' } })).message).toBe(
      `default_permissions requires allowed_permission_profiles (set by ${REQ})`,
    );
    expect(thrown(() => load({ files: { [REQ]: 'default_permissions = ":workspace"\n[allowed_permission_profiles]\n":read-only" = true\n' } })).message).toBe(
      `default_permissions \`:workspace\` must be allowed by allowed_permission_profiles (set by ${REQ})`,
    );
    expect(thrown(() => load({ files: { [REQ]: '[allowed_permission_profiles]\n":read-only" = true\n' } })).message).toMatch(
      /^default_permissions must be set unless allowed_permission_profiles allows both/,
    );
  });

  it('a disallowed configured profile falls back to the managed default with the permission_profile warning', () => {
    const req = 'default_permissions = ":read-only"\n[allowed_permission_profiles]\n":read-only" = true\n":workspace" = true\n';
    const cfg = load({ files: { [REQ]: req, [USER]: 'default_permissions = ":danger-full-access"\n' } });
    expect(cfg.policy).toEqual(READ_ONLY);
    expect(cfg.warnings).toEqual([
      'Configured value for `permission_profile` is disallowed by requirements; falling back from `:danger-full-access` to required value `:read-only`.',
    ]);
    const kept = load({ files: { [REQ]: req, [USER]: 'default_permissions = ":workspace"\n' } });
    expect(kept.source).toMatchObject({ kind: 'config', value: ':workspace' });
    expect(kept.warnings).toEqual([]);
    const flag = load({ files: { [REQ]: req } }, { permissionsOverride: ':danger-full-access' });
    expect(flag.policy).toEqual(READ_ONLY);
    expect(flag.warnings[0]).toMatch(/falling back from `:danger-full-access` to required value `:read-only`/);
  });

  it('a fallback the allowed modes refuse ends at read-only with its deny entries (Codex 0.169.0), not an error', () => {
    const req =
      'allowed_sandbox_modes = ["read-only"]\ndefault_permissions = "w"\n[allowed_permission_profiles]\nw = true\n[permissions.w]\nextends = ":workspace"\n[permissions.w.filesystem]\n"/var/s" = "deny"\n';
    const cfg = load({ files: { [REQ]: req, [USER]: 'sandbox_mode = "danger-full-access"\n' } });
    expect(cfg.policy).toEqual({
      fileSystem: { kind: 'restricted', entries: [entry(sp('root'), 'read'), entry({ type: 'path', path: '/var/s' }, 'deny')] },
      network: 'restricted',
    });
    expect(cfg.source).toMatchObject({ kind: 'requirements', key: 'sandbox_mode', value: 'read-only', fallbackFrom: 'danger-full-access' });
  });

  it('managed network requirements constrain the network; mixing legacy lists is an error', () => {
    const managed = '[experimental_network]\nenabled = true\n[experimental_network.domains]\n"a.com" = "allow"\n"bad.a.com" = "deny"\n';
    const open = load({ files: { [REQ]: managed, [USER]: 'sandbox_mode = "workspace-write"\n[sandbox_workspace_write]\nnetwork_access = true\n' } });
    expect(open.unenforceable).toEqual([]);
    expect(open.requirements.network).toMatchObject({ source: REQ, allowedDomains: ['a.com'], deniedDomains: ['bad.a.com'] });
    expect(open.policy.network).toEqual({ mode: 'proxied', allowedDomains: ['a.com'], deniedDomains: ['bad.a.com'], allowLocalBinding: false, unixSockets: [] });
    expect(load({ files: { [REQ]: managed } }).policy.network).toBe('restricted');
    const own = load({
      files: {
        [REQ]: managed,
        [USER]:
          'default_permissions = "n"\n[permissions.n]\nextends = ":read-only"\n[permissions.n.network]\nallow_local_binding = true\n[permissions.n.network.domains]\n"b.com" = "allow"\n',
      },
    });
    expect(own.policy.network).toEqual({ mode: 'proxied', allowedDomains: ['b.com', 'a.com'], deniedDomains: ['bad.a.com'], allowLocalBinding: true, unixSockets: [] });
    const only = load({
      files: {
        [REQ]: `${managed.replace('enabled = true\n', 'enabled = true\nmanaged_allowed_domains_only = true\nallow_local_binding = false\n')}`,
        [USER]:
          'default_permissions = "n"\n[permissions.n]\nextends = ":read-only"\n[permissions.n.network]\nallow_local_binding = true\n[permissions.n.network.domains]\n"b.com" = "allow"\n',
      },
    });
    expect(only.policy.network).toEqual({ mode: 'proxied', allowedDomains: ['a.com'], deniedDomains: ['bad.a.com'], allowLocalBinding: false, unixSockets: [] });
    expect(load({ files: { [REQ]: '[experimental_network]\nenabled = false\n' } }).requirements.network).toBeUndefined();
    expect(thrown(() => load({ files: { [REQ]: '[experimental_network]\nallowed_domains = ["a"]\n[experimental_network.domains]\n"b" = "allow"\n' } })).message).toBe(
      `\`experimental_network.domains\` cannot be combined with legacy \`allowed_domains\` or \`denied_domains\` (${REQ}:3:1)`,
    );
    expect(thrown(() => load({ files: { [REQ]: '[experimental_network]\nallow_unix_sockets = ["/a"]\n[experimental_network.unix_sockets]\n"/b" = "allow"\n' } })).message).toBe(
      `\`experimental_network.unix_sockets\` cannot be combined with legacy \`allow_unix_sockets\` (${REQ}:3:1)`,
    );
  });

  it('managed network: legacy lists are accepted; bad patterns and ports are located errors', () => {
    const cfg = load({
      files: { [REQ]: '[experimental_network]\nallowed_domains = ["*.corp.example"]\ndenied_domains = ["x.corp.example"]\n', [USER]: 'sandbox_mode = "danger-full-access"\n' },
    });
    expect(cfg.policy.network).toMatchObject({ mode: 'proxied', allowedDomains: ['*.corp.example'], deniedDomains: ['x.corp.example'] });
    expect(thrown(() => load({ files: { [REQ]: '[experimental_network]\nallowed_domains = ["ok.com", "bad.com:0"]\n' } })).message).toBe(
      `invalid domain pattern \`bad.com:0\`: port \`0\` is out of range (1-65535) (${REQ}:2:30)`,
    );
    expect(thrown(() => load({ files: { [REQ]: '[experimental_network]\nhttp_port = 70000\n' } })).message).toBe(
      `experimental_network.http_port 70000 is out of range (1-65535) (${REQ}:2:13)`,
    );
    expect(thrown(() => load({ files: { [REQ]: '[experimental_network.domains]\n"*" = "deny"\n' } })).message).toBe(
      `invalid domain pattern \`*\`: the global \`*\` is only allowed in allow rules (${REQ}:2:1)`,
    );
  });

  it('a managed network in front of an external sandbox cannot be enforced, and refuses', () => {
    const cfg = load({ files: { [REQ]: '[experimental_network]\nenabled = true\n' } }, { policyOverride: { fileSystem: { kind: 'external-sandbox' }, network: 'enabled' } });
    expect(cfg.unenforceable.map((u) => u.key)).toEqual(['experimental_network']);
    expect(thrown(() => assertEnforceable(cfg)).code).toBe('E_UNSUPPORTED_POLICY');
  });

  it('a requirements file with a wrong type is a located parse error; an unreadable one names the file', () => {
    expect(thrown(() => load({ files: { [REQ]: 'allowed_sandbox_modes = ["read-only", "sometimes"]\n' } })).message).toBe(
      `allowed_sandbox_modes.1 must be one of "read-only", "workspace-write", "danger-full-access", "external-sandbox", got "sometimes" (${REQ}:1:39)`,
    );
    expect(thrown(() => load({ files: { [REQ]: '' }, unreadable: [REQ] })).message).toMatch(/^Failed to read requirements file \/etc\/codex\/requirements\.toml: EACCES/);
  });

  it('allow_managed_hooks_only in a user config creates no requirement', () => {
    const cfg = load({ files: { [USER]: 'allow_managed_hooks_only = true\n[hooks]\nallow_managed_hooks_only = true\n' } });
    expect(cfg.requirements.sources).toEqual([]);
  });
});

describe('loadConfig: options and normalization', () => {
  it('ignore_user_config_keeps_empty_user_layer: a malformed user file is not read', () => {
    const cfg = load({ files: { [USER]: 'sandbox_mode =\n' } }, { ignoreUserConfig: true });
    expect(cfg.layers.map((l) => [l.source.type, l.config])).toEqual([
      ['system', {}],
      ['user', {}],
    ]);
  });

  it('load_config_layers_can_ignore_managed_requirements: everything is allowed', () => {
    const cfg = load({ files: { [REQ]: 'allowed_sandbox_modes = ["read-only"]\n', [USER]: 'sandbox_mode = "danger-full-access"\n' } }, { ignoreManagedRequirements: true });
    expect(cfg.policy.fileSystem).toEqual({ kind: 'unrestricted' });
  });

  it('windows system files live under %ProgramData%\\OpenAI\\Codex', () => {
    const reader = fakeReader({});
    loadConfig({ cwd: 'C:\\work', codexHome: 'C:\\Users\\u\\.codex', reader, homeDir: 'C:\\Users\\u', platform: 'windows', env: { ProgramData: 'D:\\PD' }, hostname: 'h' });
    expect(reader.reads).toEqual(
      expect.arrayContaining(['D:\\PD\\OpenAI\\Codex\\config.toml', 'D:\\PD\\OpenAI\\Codex\\requirements.toml', 'C:\\Users\\u\\.codex\\managed_config.toml']),
    );
  });

  it('permission network domains are host-normalized before merging: EXAMPLE.COM replaces example.com', () => {
    const cfg = load({
      files: {
        '/etc/codex/config.toml': '[permissions.p.network.domains]\n"example.com" = "deny"\n',
        [USER]: '[permissions.p.network.domains]\n"EXAMPLE.COM" = "allow"\n',
      },
    });
    expect(cfg.config.permissions).toEqual({ p: { network: { domains: { 'example.com': 'allow' } } } });
  });
});

describe('loadConfig: more requirement fallbacks and inputs', () => {
  it('system_requirements_fall_back_from_disallowed_workspace to the managed default', () => {
    const req = 'default_permissions = ":read-only"\n[allowed_permission_profiles]\n":read-only" = true\n":danger-full-access" = true\n';
    const cfg = load({ files: { [REQ]: req, [USER]: 'default_permissions = ":workspace"\n' } });
    expect(cfg.policy).toEqual(READ_ONLY);
    expect(cfg.warnings).toEqual(['Configured value for `permission_profile` is disallowed by requirements; falling back from `:workspace` to required value `:read-only`.']);
  });

  it('a legacy sandbox_mode is checked against allowed_permission_profiles under its built-in id', () => {
    const req = 'default_permissions = ":read-only"\n[allowed_permission_profiles]\n":read-only" = true\n":workspace" = true\n';
    expect(withoutAws(load({ files: { [REQ]: req, [USER]: 'sandbox_mode = "workspace-write"\n' } }).policy)).toEqual(workspaceWrite([], false));
    const denied = load({ files: { [REQ]: req, [USER]: 'sandbox_mode = "danger-full-access"\n' } });
    expect(denied.policy).toEqual(READ_ONLY);
  });

  it('a relative cwd is a usage error, never guessed', () => {
    expect(thrownText(() => load({}, { cwd: 'work/repo' }))).toBe('E_USAGE: loadConfig cwd "work/repo" is not absolute; pass an absolute directory');
  });
});

describe('loadConfig: requirement-defined profiles', () => {
  it('an error in a requirements profile points at the requirements file line', () => {
    const req = 'default_permissions = "locked"\n[allowed_permission_profiles]\nlocked = true\n[permissions.locked]\nextends = "missing"\n';
    expect(thrown(() => load({ files: { [REQ]: req } })).message).toBe(`permissions profile \`locked\` extends undefined profile \`missing\` (${REQ}:5:11)`);
  });
});

describe('loadConfig: unreadable and malformed inputs', () => {
  it('malformed requirements (file or MDM) fail with the reference prefix and a position', () => {
    expect(thrown(() => load({ files: { [REQ]: 'allowed_sandbox_modes = [\n' } })).message).toMatch(
      /^Failed to parse config requirements as TOML: invalid TOML in requirements \/etc\/codex\/requirements\.toml:2:1: /,
    );
    expect(thrown(() => load({}, { mdm: mdm({ requirements_toml_base64: 'x = = 1' }) })).message).toMatch(
      /^Failed to parse config requirements as TOML: invalid TOML in requirements MDM com\.openai\.codex:requirements_toml_base64:1:/,
    );
  });

  it('an unreadable project config is an error naming it', () => {
    const file = '/work/repo/.codex/config.toml';
    expect(thrown(() => load({ files: { [file]: '' }, unreadable: [file] })).message).toMatch(/^Failed to read project config file \/work\/repo\/\.codex\/config\.toml: EACCES/);
  });
});

describe('loadConfig: approvals reviewer requirements', () => {
  it('legacy_managed_config_backfill: auto_review allows auto_review and user; user allows only user', () => {
    const auto = load({ files: { '/etc/codex/managed_config.toml': 'approvals_reviewer = "auto_review"\n' } });
    expect(auto.requirements.allowedApprovalsReviewers).toEqual({ value: ['auto_review', 'user'], source: '/etc/codex/managed_config.toml' });
    const user = load({ files: { '/etc/codex/managed_config.toml': 'approvals_reviewer = "user"\n' } });
    expect(user.requirements.allowedApprovalsReviewers!.value).toEqual(['user']);
  });

  it('root_approvals_reviewer_falls_back_when_disallowed_by_requirements; an allowed choice is kept without a warning', () => {
    const req = 'allowed_approvals_reviewers = ["auto_review"]\n';
    const cfg = load({ files: { [REQ]: req, [USER]: 'approvals_reviewer = "user"\n' } });
    expect(cfg.approvalsReviewer).toEqual({ value: 'auto_review', source: REQ });
    expect(cfg.warnings).toEqual([
      `Configured value for \`approvals_reviewer\` is disallowed by requirements; falling back to required value AutoReview. Details: invalid value for \`approvals_reviewer\`: \`User\` is not in the allowed set [AutoReview] (set by ${REQ})`,
    ]);
    const kept = load({ files: { [REQ]: 'allowed_approvals_reviewers = ["user", "auto_review"]\n', [USER]: 'approvals_reviewer = "user"\n' } });
    expect(kept.approvalsReviewer).toEqual({ value: 'user', source: `user (${USER})` });
    expect(kept.warnings).toEqual([]);
    expect(thrown(() => load({ files: { [REQ]: 'allowed_approvals_reviewers = []\n' } })).message).toBe('field `allowed_approvals_reviewers` cannot be empty');
  });
});

describe('loadConfig: messages stay short', () => {
  it('a huge wrong-typed value is quoted cut short, with its length', () => {
    const key = `/${'a'.repeat(4000)}`;
    const err = thrown(() => load({ files: { [USER]: `sandbox_mode = { "${key}" = "write" }\n` } }));
    expect(err.code).toBe('E_CONFIG_PARSE');
    expect(err.message.length).toBeLessThan(400);
    expect(err.message).toMatch(/^sandbox_mode must be a string, got table \{"\/a+… \(\d+ chars\) \(/);
  });
});
