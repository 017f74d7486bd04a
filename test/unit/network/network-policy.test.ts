// The proxied network as a policy: decideNetwork's order, explainNetwork, the typed and wire
// schemas, the wire round trip, and `codex-sandbox explain --host`.
import { describe, expect, it } from 'vitest';
import { configCommand } from '../../../lib/cli/commands/config';
import { explainCommand } from '../../../lib/cli/commands/explain';
import { explainNetwork } from '../../../lib/policy/explain-network';
import { decideNetwork } from '../../../lib/policy/network-decide';
import { isOpenNetwork, isProxiedNetwork } from '../../../lib/policy/network-predicates';
import { parsePolicyInput } from '../../../lib/policy/public-entry';
import { parsePermissionProfile } from '../../../lib/policy/parse-policy';
import { withAdditionalPermissions, shouldRequirePlatformSandbox } from '../../../lib/policy/policy-transforms';
import { permissionProfileToPolicy, policyToPermissionProfile } from '../../../lib/policy/profile';
import { checkSandboxPolicy } from '../../../lib/policy/typed-schema';
import type { ProxiedNetwork, SandboxPolicy } from '../../../lib/policy/types';
import { permissionProfileToWire } from '../../../lib/policy/wire';
import { runCaptured } from '../../helpers/cli';
import { thrown } from '../../helpers/errors';

function net(p: Partial<ProxiedNetwork>): ProxiedNetwork {
  return { mode: 'proxied', allowedDomains: [], deniedDomains: [], allowLocalBinding: false, unixSockets: [], ...p };
}

describe('decideNetwork', () => {
  const policy = net({ allowedDomains: ['**.example.com', 'api.other.test:443', '*', '10.1.2.3', 'localhost'], deniedDomains: ['bad.example.com', '*.evil.test'] });

  it.each([
    ['www.example.com', 80, undefined, { allowed: true, reason: 'allowed', rule: '**.example.com' }],
    ['bad.example.com', 443, undefined, { allowed: false, reason: 'blocked-by-denylist', rule: 'bad.example.com' }],
    ['x.evil.test', 443, undefined, { allowed: false, reason: 'blocked-by-denylist', rule: '*.evil.test' }],
    ['api.other.test', 443, undefined, { allowed: true, reason: 'allowed', rule: 'api.other.test:443' }],
    ['api.other.test', 80, undefined, { allowed: true, reason: 'allowed', rule: '*' }],
    ['127.0.0.1', 80, undefined, { allowed: false, reason: 'blocked-private-address', rule: '*', address: '127.0.0.1' }],
    ['10.1.2.3', 80, undefined, { allowed: true, reason: 'allowed', rule: '10.1.2.3' }],
    ['localhost', 80, undefined, { allowed: true, reason: 'allowed', rule: 'localhost' }],
    ['app.localhost', 80, undefined, { allowed: false, reason: 'blocked-private-address', rule: '*', address: 'app.localhost' }],
    ['www.example.com', 80, ['93.184.215.14', '::ffff:192.168.0.1'], { allowed: false, reason: 'blocked-private-address', rule: '**.example.com', address: '::ffff:192.168.0.1' }],
    ['not a host', 80, undefined, { allowed: false, reason: 'blocked-by-allowlist' }],
    ['www.example.com', 0, undefined, { allowed: false, reason: 'blocked-by-allowlist' }],
  ] as const)('%s:%d (resolved %j)', (host, port, resolved, expected) => {
    expect(decideNetwork(policy, host, port, resolved)).toEqual(expected);
  });

  it('an empty allow list blocks everything; allow_local_binding lifts only the private-address rule', () => {
    expect(decideNetwork(net({}), 'example.com', 443)).toEqual({ allowed: false, reason: 'blocked-by-allowlist' });
    const local = net({ allowedDomains: ['*'], deniedDomains: ['169.254.169.254'], allowLocalBinding: true });
    expect(decideNetwork(local, '127.0.0.1', 80)).toEqual({ allowed: true, reason: 'allowed', rule: '*' });
    expect(decideNetwork(local, '169.254.169.254', 80)).toMatchObject({ allowed: false, reason: 'blocked-by-denylist' });
  });
});

describe('explainNetwork', () => {
  const policy: SandboxPolicy = { fileSystem: { kind: 'unrestricted' }, network: net({ allowedDomains: ['*.npmjs.org'] }) };
  it('answers with the decision, the deciding rule and a sentence', () => {
    expect(explainNetwork(policy, 'registry.npmjs.org', 443)).toEqual({
      host: 'registry.npmjs.org',
      port: 443,
      network: 'proxied',
      allowed: true,
      reason: 'allowed',
      rule: '*.npmjs.org',
      message: 'registry.npmjs.org:443: allowed by `*.npmjs.org` (the proxy still refuses it if it resolves to a private address)',
    });
    expect(explainNetwork(policy, 'npmjs.org', 443)).toMatchObject({ allowed: false, reason: 'blocked-by-allowlist', message: 'npmjs.org:443: blocked: no allow rule matches' });
  });

  it('restricted and enabled networks answer from the mode', () => {
    expect(explainNetwork({ ...policy, network: 'restricted' }, 'a.com', 443)).toMatchObject({ allowed: false, reason: 'network-restricted', network: 'restricted' });
    expect(explainNetwork({ ...policy, network: 'enabled' }, 'a.com', 443)).toMatchObject({ allowed: true, reason: 'network-enabled', network: 'enabled' });
  });
});

describe('schemas and wire form', () => {
  it('the wire form parses to the typed form with defaults, and prints back', () => {
    const wire = { type: 'managed', file_system: { type: 'unrestricted' }, network: { mode: 'proxied', allowed_domains: ['a.com'] } };
    const profile = parsePermissionProfile(wire);
    expect(profile).toEqual({ type: 'managed', fileSystem: { type: 'unrestricted' }, network: net({ allowedDomains: ['a.com'] }) });
    expect(permissionProfileToWire(profile)).toEqual({
      type: 'managed',
      file_system: { type: 'unrestricted' },
      network: { mode: 'proxied', allowed_domains: ['a.com'], denied_domains: [], allow_local_binding: false, unix_sockets: [] },
    });
    expect(policyToPermissionProfile(permissionProfileToPolicy(profile))).toEqual(profile);
  });

  it.each([
    [{ mode: 'proxied', allowed_domains: ['a.com:0'] }, 'invalid domain pattern `a.com:0`: port `0` is out of range (1-65535)', ['network', 'allowed_domains', 0]],
    [{ mode: 'proxied', denied_domains: ['*'] }, 'the global `*` is only allowed in allow rules', ['network', 'denied_domains', 0]],
    [{ mode: 'proxied', unix_sockets: ['rel.sock'] }, 'path is not absolute', ['network', 'unix_sockets', 0]],
    [{ mode: 'proxied', allowed: ['a.com'] }, 'unknown key "allowed"', ['network', 'allowed']],
    [{ mode: 'open' }, 'invalid value', ['network']],
  ])('bad wire network %j is E_POLICY_INVALID naming %s', (network, message, path) => {
    const err = thrown(() => parsePolicyInput({ type: 'managed', file_system: { type: 'unrestricted' }, network }, { flag: '--permission-profile' }, { cwd: '/' }));
    expect(err.code).toBe('E_POLICY_INVALID');
    expect(err.message).toContain(message);
    expect(err.message).toContain('(--permission-profile)');
    expect(err.path.slice(0, path.length)).toEqual(path);
  });

  it('the typed form is strict, and a proxied network cannot sit on an external sandbox', () => {
    const ok: SandboxPolicy = { fileSystem: { kind: 'unrestricted' }, network: net({ allowedDomains: ['a.com'] }) };
    expect(checkSandboxPolicy(ok)).toBe(ok);
    expect(thrown(() => checkSandboxPolicy({ ...ok, network: { ...net({}), allowedDomains: ['a..b'] } })).message).toContain('invalid domain pattern `a..b`');
    expect(thrown(() => checkSandboxPolicy({ ...ok, network: { mode: 'proxied', allowedDomains: [] } })).code).toBe('E_POLICY_INVALID');
    expect(thrown(() => checkSandboxPolicy({ fileSystem: { kind: 'external-sandbox' }, network: net({}) })).message).toContain('an external sandbox owns its network');
  });
});

describe('fail closed: a proxied network is never an open one', () => {
  const proxiedPolicy: SandboxPolicy = { fileSystem: { kind: 'unrestricted' }, network: net({ allowedDomains: ['a.com'] }) };
  it('predicates', () => {
    expect(isOpenNetwork(proxiedPolicy.network)).toBe(false);
    expect(isProxiedNetwork(proxiedPolicy.network)).toBe(true);
  });

  it('an unrestricted file system with a proxied network still needs the platform sandbox', () => {
    expect(shouldRequirePlatformSandbox(proxiedPolicy)).toBe(true);
    expect(shouldRequirePlatformSandbox({ ...proxiedPolicy, network: 'enabled' })).toBe(false);
  });

  it('extra grants keep a proxied base, and only an explicit enabled grant opens it', () => {
    expect(withAdditionalPermissions(proxiedPolicy, {}).network).toEqual(proxiedPolicy.network);
    expect(withAdditionalPermissions(proxiedPolicy, { network: 'restricted' }).network).toEqual(proxiedPolicy.network);
    expect(withAdditionalPermissions(proxiedPolicy, { network: 'enabled' }).network).toBe('enabled');
  });
});

describe('codex-sandbox explain --host', () => {
  const run = (argv: string[]) => runCaptured(explainCommand, argv, { env: { ...process.env, HOME: '/nonexistent-home' }, processCwd: '/' });

  it('allowed is exit 0, blocked exit 1, with the deciding rule', async () => {
    const ok = await run(['--allow-domain', '*.npmjs.org', '--host', 'registry.npmjs.org']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^registry\.npmjs\.org:443: allowed by `\*\.npmjs\.org`/);
    const denied = await run(['--allow-domain', '*', '--deny-domain', 'evil.test', '--host', 'evil.test:8080', '--json']);
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.out)).toMatchObject({ host: 'evil.test', port: 8080, network: 'proxied', allowed: false, reason: 'blocked-by-denylist', rule: 'evil.test' });
    const v6 = await run(['--allow-domain', '*', '--host', '[::1]:80', '--json']);
    expect(JSON.parse(v6.out)).toMatchObject({ host: '::1', port: 80, reason: 'blocked-private-address' });
    const local = await run(['--allow-domain', '*', '--allow-local-binding', '--host', '[::1]:80']);
    expect(local.code).toBe(0);
  });

  it('bad input is a usage or policy error (125)', async () => {
    expect((await run(['--host', 'a.com:99999'])).code).toBe(125);
    expect((await run(['--host', 'a.com', '/etc'])).code).toBe(125);
    expect((await run(['--host', 'a.com', '--access', 'read'])).code).toBe(125);
    const bad = await run(['--allow-domain', 'a.*.com', '--host', 'a.com']);
    expect(bad.code).toBe(125);
    expect(bad.err).toContain('invalid domain pattern `a.*.com`');
    expect(bad.err).toContain('(--allow-domain)');
    const both = await run(['--network', '--allow-domain', 'a.com', '--host', 'a.com']);
    expect(both.code).toBe(125);
    expect(both.err).toContain('--network and --allow-domain conflict');
  });
});

describe('codex-sandbox config show', () => {
  it.each(['--allow-domain', '--deny-domain'])('%s does not apply: the policy comes from the config files', async (flag) => {
    const r = await runCaptured(configCommand, ['show', flag, 'a.com'], { env: { ...process.env, HOME: '/nonexistent-home' }, processCwd: '/' });
    expect(r.code).toBe(125);
    expect(r.err).toContain(`${flag} does not apply`);
  });
});
