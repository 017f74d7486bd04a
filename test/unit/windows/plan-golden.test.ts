// Golden plans: the token and ACL plans for typical policies, pinned field by field, and the
// plain-data property (JSON round trip) for every plan.
import { describe, expect, it } from 'vitest';
import { planWindowsPolicy, type PlanWindowsPolicyOptions } from '../../helpers/plan-windows-policy';
import type { WindowsElevatedPlan, WindowsPlan, WindowsTokenPlan } from '../../../lib/platform/windows/plan-types';
import { capabilitySid, EVERYONE_SID, MASK_ALLOW_WRITE, MASK_DENY_READ, MASK_DENY_WRITE, MASK_GRANT_READ, MASK_NUL_DEVICE } from '../../../lib/platform/windows/security-ids';
import type { SandboxPolicy } from '../../../lib/policy/types';
import { CWD, ENV, PROFILE, READ_ONLY, TEMP, WORKSPACE_WRITE, cwdEntry, fakeHost, glob, path, restricted, root, tmpdir } from './fixtures';

const HELPER = 'C:\\Users\\me\\.codex\\.sandbox-bin\\codex-sandbox-helper.exe';
const sid = (key: string): string => capabilitySid('machine', key);
const W = sid('c:/w');
const T = sid('c:/users/me/appdata/local/temp');
const RO = sid('readonly');

function plan(policy: SandboxPolicy, extra: Partial<PlanWindowsPolicyOptions> = {}): WindowsPlan {
  return planWindowsPolicy(policy, { cwd: CWD, command: ['cmd.exe', '/c', 'echo hi'], env: ENV, permissionProfile: PROFILE, ...extra });
}
const token = (policy: SandboxPolicy, extra: Partial<PlanWindowsPolicyOptions> = {}): WindowsTokenPlan => {
  const p = plan(policy, { backend: 'windows-token', ...extra });
  if (p.backend !== 'windows-token') throw new Error('expected a token plan');
  return p;
};
const elevated = (policy: SandboxPolicy, extra: Partial<PlanWindowsPolicyOptions> = {}): WindowsElevatedPlan => {
  const p = plan(policy, { backend: 'windows-elevated', ...extra });
  if (p.backend !== 'windows-elevated') throw new Error('expected an elevated plan');
  return p;
};
const metadataDenies = (rootPath: string, s: string) =>
  ['.git', '.agents', '.codex'].map((name) => ({
    kind: 'ace',
    action: 'deny',
    path: `${rootPath}\\${name}`,
    principals: [s],
    mask: MASK_DENY_WRITE,
    ifMissing: 'skip',
    reason: 'protected-metadata',
  }));

describe('windows golden: capability SIDs', () => {
  it('derives S-1-5-21 SIDs from the canonical root key, stable across spellings', () => {
    expect(W).toBe('S-1-5-21-684816732-1627130728-1629238386-125342204');
    expect(W).toMatch(/^S-1-5-21-\d+-\d+-\d+-\d+$/);
    const a = token(WORKSPACE_WRITE(), { cwd: 'c:/W/' }).capabilityRoots[0];
    expect(a).toStrictEqual({ root: 'C:\\W', sid: W });
  });
  it('masks are the reference values', () => {
    expect(MASK_ALLOW_WRITE).toBe(0x001301bf);
    expect(MASK_ALLOW_WRITE & 0x40).toBe(0); // no FILE_DELETE_CHILD
    expect(MASK_DENY_WRITE).toBe(0x40130156);
    expect(MASK_DENY_READ).toBe(0x80120089);
    expect(MASK_GRANT_READ).toBe(0x001200a9);
  });
});

describe('windows golden: restricted-token plans', () => {
  it('read-only: one read-only SID, no ACEs but NUL, and the exact runner request', () => {
    const p = token(READ_ONLY());
    expect(p.capabilityRoots).toStrictEqual([]);
    expect(p.readOnlySid).toBe(RO);
    expect(p.token).toStrictEqual({
      flags: ['DISABLE_MAX_PRIVILEGE', 'LUA_TOKEN', 'WRITE_RESTRICTED'],
      flagBits: 0xd,
      restrictingSids: [RO, '@logon', EVERYONE_SID],
      defaultDaclSids: ['@logon', EVERYONE_SID, RO],
      enablePrivileges: ['SeChangeNotifyPrivilege'],
      retryWithoutUserSidOn: [],
    });
    expect(p.aclOps).toStrictEqual([{ kind: 'nul-device', principals: [RO], mask: MASK_NUL_DEVICE }]);
    expect(p.argv).toStrictEqual([HELPER, '--request-stdin']);
    expect(p.env).toStrictEqual({ GIT_PAGER: 'more.com', PAGER: 'more.com', LESS: '' });
    expect(p.enforcement).toStrictEqual({
      backend: 'windows-token',
      filesystem: true,
      network: 'not-restricted',
      noNewPrivs: false,
      seccomp: false,
      handled: ['restricted-token:write-restricted', 'capability-sids', 'dacl:allow-write', 'dacl:deny-write', 'job:kill-on-close', 'world-writable-audit:best-effort'],
      skippedHardening: [],
    });
    expect(p.runnerRequest).toBe(
      [
        'csbx-windows-request 1 runner',
        'backend\twindows-token',
        'token_flags\t0x0000000d',
        `restricting_sid\t${RO}`,
        'restricting_sid\t@logon',
        'restricting_sid\tS-1-1-0',
        'default_dacl_sid\t@logon',
        'default_dacl_sid\tS-1-1-0',
        `default_dacl_sid\t${RO}`,
        'enable_privilege\tSeChangeNotifyPrivilege',
        `nul_device\t0x001201bf\t${RO}`,
        'audit_limits\t2000\t50000\t1000',
        'audit_mask\t0x40130156',
        `audit_principal\t${RO}`,
        'audit_scan\tno-self\tchildren\tC:\\w',
        `audit_scan\tself\tchildren\t${TEMP}`,
        'audit_scan\tself\tchildren\tC:\\Users\\me',
        'audit_scan\tself\tchildren\tC:\\',
        'audit_scan\tself\tchildren\tC:\\Windows',
        'audit_skip_suffix\t\\windows\\installer',
        'audit_skip_suffix\t\\windows\\registration',
        'audit_skip_suffix\t\\programdata',
        'env\tGIT_PAGER\tmore.com',
        'env\tLESS\t',
        'env\tPAGER\tmore.com',
        'cwd\tC:\\w',
        'desktop\tWinsta0\\Default',
        'kill_on_job_close',
        'command_line\tcmd.exe /c "echo hi"',
        'end',
        '',
      ].join('\n'),
    );
  });

  it('workspace-write: one SID per root (cwd, TEMP), metadata deny-writes first, then allows', () => {
    const p = token(WORKSPACE_WRITE());
    expect(p.capabilityRoots).toStrictEqual([
      { root: CWD, sid: W },
      { root: TEMP, sid: T },
    ]);
    expect(p.token.restrictingSids).toStrictEqual([W, T, '@logon', EVERYONE_SID]);
    expect(p.aclOps).toStrictEqual([
      ...metadataDenies(CWD, W),
      ...metadataDenies(TEMP, T),
      { kind: 'ace', action: 'allow', path: CWD, principals: [W], mask: MASK_ALLOW_WRITE, ifMissing: 'skip', reason: 'writable-root' },
      { kind: 'ace', action: 'allow', path: TEMP, principals: [T], mask: MASK_ALLOW_WRITE, ifMissing: 'skip', reason: 'writable-root' },
      { kind: 'nul-device', principals: [W, T, '@logon'], mask: MASK_NUL_DEVICE },
    ]);
  });

  it('workspace-write with extra roots and a carve-out: carve-out created and denied for overlapping roots only', () => {
    const D = sid('d:/shared');
    const p = token(WORKSPACE_WRITE([path('D:\\shared', 'write'), cwdEntry('read', 'docs')]));
    expect(p.capabilityRoots).toStrictEqual([
      { root: CWD, sid: W },
      { root: TEMP, sid: T },
      { root: 'D:\\shared', sid: D },
    ]);
    expect(p.aclOps[0]).toStrictEqual({
      kind: 'ace',
      action: 'deny',
      path: 'C:\\w\\docs',
      principals: [W],
      mask: MASK_DENY_WRITE,
      ifMissing: 'create-dir',
      reason: 'read-only-carve-out',
    });
    expect(p.aclOps.slice(1, 10)).toStrictEqual([...metadataDenies(CWD, W), ...metadataDenies(TEMP, T), ...metadataDenies('D:\\shared', D)]);
    expect(p.aclOps.filter((o) => o.kind === 'ace' && o.action === 'allow').map((o) => (o.kind === 'ace' ? [o.path, o.principals] : null))).toStrictEqual([
      [CWD, [W]],
      [TEMP, [T]],
      ['D:\\shared', [D]],
    ]);
  });

  it('a nested writable root gets its own SID and deny-writes inside it name both roots', () => {
    const N = sid('c:/w/sub');
    const p = token(WORKSPACE_WRITE([path('C:\\w\\sub', 'write')]));
    expect(p.aclOps).toContainEqual(expect.objectContaining({ path: 'C:\\w\\sub\\.git', principals: [W, N] }));
    expect(p.aclOps).toContainEqual(expect.objectContaining({ path: 'C:\\w\\.codex', principals: [W] }));
  });

  it('an explicit rule at a metadata path overrides the default deny-write', () => {
    const p = token(WORKSPACE_WRITE([cwdEntry('write', '.codex')]));
    expect(p.aclOps.some((o) => o.kind === 'ace' && o.path === 'C:\\w\\.codex' && o.action === 'deny')).toBe(false);
  });

  it('the accepted advisory network block sets the reference variables and the denybin stubs', () => {
    const p = token(WORKSPACE_WRITE([], 'restricted'), { acceptAdvisoryNetworkBlock: true, env: { ...ENV, PATH: 'C:\\bin', HTTP_PROXY: 'http://corp:3128' } });
    expect(p.env).toMatchObject({
      SBX_NONET_ACTIVE: '1',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: 'localhost,127.0.0.1,::1',
      GIT_SSH_COMMAND: 'cmd /c exit 1',
      PATH: 'C:\\Users\\me\\.sbx-denybin;C:\\bin',
      PATHEXT: '.BAT;.CMD;.COM;.EXE',
    });
    expect(p.env.HTTP_PROXY).toBeUndefined();
    expect(p.advisoryNetworkBlock?.stubs.map((s) => s.name)).toStrictEqual(['ssh.bat', 'ssh.cmd', 'scp.bat', 'scp.cmd']);
    expect(p.runnerRequest).toContain('denybin_stub\tssh.bat\t@echo off%0D%0Aexit /b 1%0D%0A\n');
  });

  it('reverting ACEs after the run is opt-in and revokes every ACE and NUL grant of the plan', () => {
    expect(token(WORKSPACE_WRITE()).revertAfterExit).toStrictEqual([]);
    const p = token(WORKSPACE_WRITE(), { revertAcesAfterRun: true });
    const aced = p.aclOps.flatMap((o) => (o.kind === 'ace' ? [{ kind: 'revoke', path: o.path, principals: o.principals }] : []));
    expect(p.revertAfterExit).toStrictEqual([...aced, { kind: 'revoke-nul-device', principals: [W, T] }]);
    expect(p.runnerRequest).toContain(`revoke_after_exit\tC:\\w\t${W}\n`);
    expect(p.runnerRequest).toContain(`revoke_nul_device_after_exit\t${W}\t${T}\n`);
  });

  it('the world-writable audit scans the reference locations, leaving out writable roots', () => {
    const env = { ...ENV, PUBLIC: 'C:\\Users\\Public', PATH: 'C:\\tools;C:\\w\\bin;relative;C:\\Windows', SystemRoot: 'C:\\Windows' };
    const p = token(WORKSPACE_WRITE(), { env });
    expect(p.worldWritableAudit.scan).toStrictEqual([
      { path: 'C:\\Users\\me', self: true, children: true },
      { path: 'C:\\Users\\Public', self: true, children: true },
      { path: 'C:\\tools', self: true, children: true },
      { path: 'C:\\Windows', self: true, children: true },
      { path: 'C:\\', self: true, children: true },
    ]);
    expect(p.worldWritableAudit.exclude).toStrictEqual([CWD, TEMP]);
    expect(p.worldWritableAudit.principals).toStrictEqual([W, T]);
    expect(p.worldWritableAudit.mask).toBe(MASK_DENY_WRITE);
  });

  it('a helper directory inside a writable root is made read-only to the capability SIDs', () => {
    const p = token(WORKSPACE_WRITE(), { helperDir: 'C:\\w\\node_modules\\codex-sandbox\\bin' });
    expect(p.aclOps[0]).toStrictEqual({
      kind: 'ace',
      action: 'deny',
      path: 'C:\\w\\node_modules\\codex-sandbox\\bin',
      principals: [W, T],
      mask: MASK_DENY_WRITE,
      ifMissing: 'skip',
      reason: 'helper-protection',
    });
    expect(token(WORKSPACE_WRITE(), { helperDir: 'D:\\tools' }).aclOps.some((o) => o.kind === 'ace' && o.reason === 'helper-protection')).toBe(false);
  });

  it('codex home is never a capability root for the restricted token either (B9)', () => {
    const p = token(WORKSPACE_WRITE([path('C:\\Users\\me\\.codex', 'write')]));
    expect(p.capabilityRoots.map((r) => r.root)).toStrictEqual([CWD, TEMP]);
    expect(p.warnings).toContain('writable root C:\\Users\\me\\.codex is inside codex home C:\\Users\\me\\.codex and is not granted');
  });

  it('runs headless (no desktop) inside an SSH session', () => {
    expect(token(READ_ONLY(), { env: { ...ENV, SSH_CONNECTION: '1.2.3.4 5 6.7.8.9 22' } }).launch.desktop).toBeNull();
  });
});

describe('windows golden: elevated plans', () => {
  const host = fakeHost(['C:\\w', 'C:\\w\\app', 'C:\\w\\.git'], ['C:\\w\\.env', 'C:\\w\\app\\.env', 'C:\\w\\app\\notes.txt']);
  const policy = restricted([root('read'), cwdEntry('write'), tmpdir(), path('C:\\w\\secret', 'deny'), glob('**/*.env')], 'restricted');

  it('full read with deny-read paths and a deny glob: accounts, roots, ACL order and firewall', () => {
    const p = elevated(policy, { host });
    expect(p.accounts).toStrictEqual({ offline: 'CodexSandboxOffline', online: 'CodexSandboxOnline', group: 'CodexSandboxUsers', runAs: 'offline' });
    expect(p.stateDirs).toStrictEqual({
      sandbox: 'C:\\Users\\me\\.codex\\.sandbox',
      secrets: 'C:\\Users\\me\\.codex\\.sandbox-secrets',
      bin: 'C:\\Users\\me\\.codex\\.sandbox-bin',
    });
    expect(p.readRoots).toStrictEqual(['C:\\Windows', 'C:\\Program Files', 'C:\\Program Files (x86)', 'C:\\ProgramData']);
    expect(p.profileChildren?.parent).toBe('C:\\Users\\me');
    expect(p.profileChildren?.exceptNames).toContain('.ssh');
    expect(p.denyReadPaths).toStrictEqual(['C:\\w\\secret']);
    expect(p.denyReadGlobs).toStrictEqual([{ pattern: 'C:\\w\\**\\*.env', walkRoot: 'C:\\w', maxDepth: null, matches: ['C:\\w\\.env', 'C:\\w\\app\\.env'] }]);
    expect(p.denyWritePaths).toStrictEqual(['C:\\w\\secret', 'C:\\w\\.git', 'C:\\w\\.agents', 'C:\\w\\.codex', `${TEMP}\\.git`, `${TEMP}\\.agents`, `${TEMP}\\.codex`]);
    expect(p.token.restrictingSids).toStrictEqual([W, T, '@user', '@logon', EVERYONE_SID]);
    expect(p.token.retryWithoutUserSidOn).toStrictEqual([5, 1312]);
    const G = 'CodexSandboxUsers';
    expect(p.aclOps.map((o) => (o.kind === 'ace' ? `${o.action} ${o.reason} ${o.path} ${o.principals.join(',')}` : `${o.kind}`))).toStrictEqual([
      `deny state-dir C:\\Users\\me\\.codex\\.sandbox-secrets ${G}`,
      `deny state-dir C:\\Users\\me\\.codex\\.sandbox-bin ${G},${W},${T}`,
      `deny state-dir C:\\Users\\me\\.codex\\.sandbox ${W},${T}`,
      `deny state-dir C:\\Users\\me\\.codex\\.sandbox-secrets ${W},${T}`,
      `allow state-dir C:\\Users\\me\\.codex\\.sandbox ${G}`,
      `allow state-dir C:\\Users\\me\\.codex\\.sandbox-bin ${G}`,
      `deny deny-read C:\\w\\secret ${G}`,
      `deny deny-read C:\\w\\.env ${G}`,
      `deny deny-read C:\\w\\app\\.env ${G}`,
      `deny read-only-carve-out C:\\w\\secret ${W}`,
      `deny protected-metadata C:\\w\\.git ${W}`,
      `deny protected-metadata C:\\w\\.agents ${W}`,
      `deny protected-metadata C:\\w\\.codex ${W}`,
      `deny protected-metadata ${TEMP}\\.git ${T}`,
      `deny protected-metadata ${TEMP}\\.agents ${T}`,
      `deny protected-metadata ${TEMP}\\.codex ${T}`,
      `allow writable-root C:\\w ${G},${W}`,
      `allow writable-root ${TEMP} ${G},${T}`,
      `allow read-root C:\\Windows ${G}`,
      `allow read-root C:\\Program Files ${G}`,
      `allow read-root C:\\Program Files (x86) ${G}`,
      `allow read-root C:\\ProgramData ${G}`,
      'ace-children',
    ]);
    expect(p.firewall.rules.map((r) => [r.name, r.direction, r.protocol, r.remotePorts])).toStrictEqual([
      ['codex_sandbox_offline_block_outbound', 'out', 'any', ''],
      ['codex_sandbox_offline_block_inbound', 'in', 'any', ''],
      ['codex_sandbox_offline_block_loopback_udp', 'out', 'udp', ''],
      ['codex_sandbox_offline_block_loopback_tcp', 'out', 'tcp', ''],
    ]);
    expect(p.enforcement.network).toBe('enforced');
    expect(p.enforcement.skippedHardening).toStrictEqual(['wfp-filters']);
    expect(p.env).toMatchObject({ GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: 'C:/w' });
    expect(p.runnerRequest).toContain('logon_user\tCodexSandboxOffline\nsecrets_file\tC:\\Users\\me\\.codex\\.sandbox-secrets\\sandbox_users.txt\n');
    expect(p.setupRequest.split('\n').slice(0, 13)).toStrictEqual([
      'csbx-windows-request 1 setup',
      'setup_version\t1',
      'offline_user\tCodexSandboxOffline',
      'online_user\tCodexSandboxOnline',
      'group\tCodexSandboxUsers',
      'state_dir\tsandbox\tC:\\Users\\me\\.codex\\.sandbox',
      'state_dir\tsecrets\tC:\\Users\\me\\.codex\\.sandbox-secrets',
      'state_dir\tbin\tC:\\Users\\me\\.codex\\.sandbox-bin',
      'secrets_file\tC:\\Users\\me\\.codex\\.sandbox-secrets\\sandbox_users.txt',
      'marker_file\tC:\\Users\\me\\.codex\\.sandbox\\setup_marker.txt',
      'allow_local_binding\t0',
      `firewall_rule\tcodex_sandbox_offline_block_outbound\tout\tany\t0.0.0.0-126.255.255.255,128.0.0.0-255.255.255.255,::,::2-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\t`,
      `firewall_rule\tcodex_sandbox_offline_block_inbound\tin\tany\t0.0.0.0-126.255.255.255,128.0.0.0-255.255.255.255,::,::2-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\t`,
    ]);
  });

  it('network enabled runs as the online account without firewall enforcement', () => {
    const p = elevated(restricted([root('read'), cwdEntry('write'), path('C:\\w\\secret', 'deny')], 'enabled'));
    expect(p.accounts.runAs).toBe('online');
    expect(p.enforcement.network).toBe('not-restricted');
    expect(p.runnerRequest).toContain('logon_user\tCodexSandboxOnline\n');
  });

  it('read roots include explicit readable roots and drop ones under a deny-read path', () => {
    const p = elevated(restricted([root('read'), cwdEntry('write'), path('D:\\data', 'read'), path('D:\\data\\keys', 'deny'), path('D:\\data\\keys\\pub', 'read')]));
    expect(p.readRoots).toContain('D:\\data');
    expect(p.readRoots).not.toContain('D:\\data\\keys\\pub');
    expect(p.denyReadPaths).toStrictEqual(['D:\\data\\keys']);
    expect(p.warnings).toContain('D:\\data\\keys\\pub lies under deny-read D:\\data\\keys and stays unreadable: the inherited deny ACE wins');
  });

  it('platform default read roots follow SystemRoot and ProgramFiles, not a hard-coded C:', () => {
    const p = elevated(WORKSPACE_WRITE([path('C:\\w\\secret', 'deny')]), { env: { ...ENV, SystemRoot: 'D:\\WINDOWS', ProgramFiles: 'D:\\Program Files' } });
    expect(p.readRoots.slice(0, 2)).toStrictEqual(['D:\\WINDOWS', 'D:\\Program Files']);
  });

  it('writable roots inside the sandbox state directory are not granted, with a warning', () => {
    const p = elevated(WORKSPACE_WRITE([path('C:\\Users\\me\\.codex\\.sandbox-secrets', 'write')]));
    expect(p.capabilityRoots.map((r) => r.root)).not.toContain('C:\\Users\\me\\.codex\\.sandbox-secrets');
    expect(p.warnings.some((w) => w.includes('inside codex home'))).toBe(true);
  });

  it('proxy ports on loopback narrow the loopback TCP block to their complement', () => {
    const p = elevated(WORKSPACE_WRITE([], 'restricted'), { env: { ...ENV, http_proxy: 'http://127.0.0.1:8080' } });
    expect(p.firewall.proxyPorts).toStrictEqual([8080]);
    expect(p.firewall.rules.find((r) => r.protocol === 'tcp')?.remotePorts).toBe('1-8079,8081-65535');
  });
});

describe('windows plans are plain data', () => {
  const host = fakeHost(['C:\\w'], ['C:\\w\\.env']);
  const plans: [string, () => WindowsPlan][] = [
    ['token read-only', () => token(READ_ONLY())],
    ['token workspace-write', () => token(WORKSPACE_WRITE())],
    ['token workspace-write extra roots', () => token(WORKSPACE_WRITE([path('D:\\shared', 'write'), cwdEntry('read', 'docs')]))],
    ['token advisory network', () => token(WORKSPACE_WRITE([], 'restricted'), { acceptAdvisoryNetworkBlock: true })],
    ['elevated deny-read', () => elevated(restricted([root('read'), cwdEntry('write'), path('C:\\w\\secret', 'deny'), glob('**/*.env')], 'restricted'), { host })],
    ['elevated online', () => elevated(WORKSPACE_WRITE())],
  ];
  for (const [name, make] of plans) {
    it(`${name}: JSON round trip is identical and planning is deterministic`, () => {
      const p = make();
      expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
      expect(make()).toStrictEqual(p);
    });
  }
});
