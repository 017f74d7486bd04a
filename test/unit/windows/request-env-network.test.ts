// The request renderer's escaping, the child environment rules (docs/reference.md#windows-restricted-token) and the offline firewall
// rules (docs/reference.md#windows-elevated-backend).
import { describe, expect, it } from 'vitest';
import { elevatedChildEnv, findGitRoot, tokenChildEnv } from '../../../lib/platform/windows/child-env';
import { complementPorts, offlineNetworkSettings, planOfflineFirewall, ALL_FIREWALL_RULE_NAMES } from '../../../lib/platform/windows/firewall-rules';
import { tryParseWindowsPath } from '../../../lib/policy/windows-paths';
import { escapeField, parseRequestLines, renderRunnerRequest, unescapeField } from '../../../lib/platform/windows/render-request';
import { fakeHost } from './fixtures';

describe('windows request format', () => {
  it('escapes exactly %, tab, CR and LF and round-trips them', () => {
    const value = 'a%b\tc\rd\ne\\f "g"';
    expect(escapeField(value)).toBe('a%25b%09c%0Dd%0Ae\\f "g"');
    expect(unescapeField(escapeField(value))).toBe(value);
  });
  it('an environment value with newlines and tabs survives a rendered request', () => {
    const text = renderRunnerRequest({
      backend: 'windows-token',
      token: { flags: [], flagBits: 13, restrictingSids: ['S-1-5-21-1-2-3-4', '@logon', 'S-1-1-0'], defaultDaclSids: [], enablePrivileges: [], retryWithoutUserSidOn: [] },
      aclOps: [
        { kind: 'ace-children', action: 'allow', parent: 'C:\\Users\\me', exceptNames: ['.ssh', '.aws'], principals: ['CodexSandboxUsers'], mask: 0x1200a9, reason: 'read-root' },
      ],
      env: { MULTI: 'line1\nline2\tx%' },
      advisoryNetworkBlock: null,
      launch: { commandLine: 'a "b c"', cwd: 'C:\\w', desktop: null, killOnJobClose: true },
      logon: null,
      revertAfterExit: [{ kind: 'revoke', path: 'C:\\w', principals: ['S-1-5-21-1-2-3-4'] }],
      worldWritableAudit: null,
    });
    const { header, lines } = parseRequestLines(text);
    expect(header).toBe('csbx-windows-request 1 runner');
    expect(lines).toContainEqual(['env', 'MULTI', 'line1\nline2\tx%']);
    expect(lines).toContainEqual(['ace_children', 'allow', '0x001200a9', 'C:\\Users\\me', '2', '.ssh', '.aws', 'CodexSandboxUsers']);
    expect(lines.some((l) => l[0] === 'desktop')).toBe(false);
    expect(lines).toContainEqual(['revoke_after_exit', 'C:\\w', 'S-1-5-21-1-2-3-4']);
    expect(lines[lines.length - 1]).toStrictEqual(['command_line', 'a "b c"']);
  });
  it('a request without its end line is rejected by the reader', () => {
    expect(() => parseRequestLines('csbx-windows-request 1 runner\nbackend\twindows-token\n')).toThrow(/end/);
  });
});

describe('windows child environment', () => {
  it('maps /dev/null spellings to NUL and defaults pagers only when unset', () => {
    const r = tokenChildEnv({ OUT: '/dev/null', ERR: '\\DEV\\NULL', pager: 'less' }, false);
    expect(r.set).toStrictEqual({ OUT: 'NUL', ERR: 'NUL', GIT_PAGER: 'more.com', LESS: '' });
    expect(r.advisoryNetworkBlock).toBeNull();
  });
  it('the advisory block keeps a user proxy, always sets SBX_NONET_ACTIVE, and needs USERPROFILE for stubs', () => {
    const r = tokenChildEnv({ https_proxy: 'http://corp:1' }, true);
    expect(r.set.SBX_NONET_ACTIVE).toBe('1');
    expect(r.set.HTTPS_PROXY).toBeUndefined();
    expect(r.set.HTTP_PROXY).toBe('http://127.0.0.1:9');
    expect(r.set.GIT_ALLOW_PROTOCOLS).toBe('');
    expect(r.advisoryNetworkBlock).toBeNull();
  });
  it('the elevated environment adds safe.directory after existing GIT_CONFIG entries', () => {
    const root = tryParseWindowsPath('C:\\w');
    const r = elevatedChildEnv({ GIT_CONFIG_COUNT: '2', HTTP_PROXY: 'http://corp:1' }, root);
    expect(r.set).toMatchObject({ GIT_CONFIG_KEY_2: 'safe.directory', GIT_CONFIG_VALUE_2: 'C:/w', GIT_CONFIG_COUNT: '3' });
    expect(r.set.HTTP_PROXY).toBeUndefined();
  });
  it('finds the git root above the cwd, through a .git directory or pointer file', () => {
    const cwd = tryParseWindowsPath('C:\\w\\pkg\\src');
    if (cwd === null) throw new Error('fixture');
    expect(findGitRoot(cwd, fakeHost(['C:\\w\\.git']))).toStrictEqual(tryParseWindowsPath('C:\\w'));
    expect(findGitRoot(cwd, fakeHost([], ['C:\\w\\pkg\\.git']))).toStrictEqual(tryParseWindowsPath('C:\\w\\pkg'));
    expect(findGitRoot(cwd, fakeHost([]))).toBeNull();
  });
});

describe('windows offline firewall rules', () => {
  it('complements proxy ports (8080 gives 1-8079,8081-65535)', () => {
    expect(complementPorts([8080])).toBe('1-8079,8081-65535');
    expect(complementPorts([1, 3, 65535])).toBe('2,4-65534');
    expect(complementPorts([2, 2, 3])).toBe('1,4-65535');
  });
  it('reads loopback proxy ports from the proxy variables and CODEX_WINDOWS_SANDBOX_PROXY_PORTS', () => {
    expect(
      offlineNetworkSettings({
        HTTP_PROXY: 'http://127.0.0.1:3128',
        https_proxy: 'http://localhost:8443/',
        ALL_PROXY: 'socks5://[::1]:1080',
        WS_PROXY: 'http://corp.example:9000',
        WSS_PROXY: 'http://127.0.0.1:0',
        CODEX_WINDOWS_SANDBOX_PROXY_PORTS: '7000, x, 70000',
        CODEX_NETWORK_ALLOW_LOCAL_BINDING: '1',
      }),
    ).toStrictEqual({ proxyPorts: [1080, 3128, 7000, 8443], allowLocalBinding: true });
  });
  it('local binding allowed removes both loopback blocks and the legacy allow rule', () => {
    const plan = planOfflineFirewall([], true);
    expect(plan.rules.map((r) => r.name)).toStrictEqual(['codex_sandbox_offline_block_outbound', 'codex_sandbox_offline_block_inbound']);
    expect(plan.remove).toStrictEqual(['codex_sandbox_offline_block_loopback_udp', 'codex_sandbox_offline_block_loopback_tcp', 'codex_sandbox_offline_allow_loopback_proxy']);
  });
  it('uninstall knows every rule name, including the inbound rule the reference omits', () => {
    expect(ALL_FIREWALL_RULE_NAMES).toContain('codex_sandbox_offline_block_inbound');
    expect(ALL_FIREWALL_RULE_NAMES).toHaveLength(5);
  });
});
