import { describe, expect, it } from 'vitest';
import { normalizeUnixSockets, proxyLoopbackPorts } from '../../../lib/platform/macos/network-rules';
import { fakeMacHost } from './fake-mac-host';
import { paramsWithPrefix, plan, resolvedFixture } from './fixtures';

const restricted = resolvedFixture({ fullDiskRead: true });
const enabled = resolvedFixture({ fullDiskRead: true, network: 'enabled' });
const BLANKET_OUT = '\n(allow network-outbound)\n';
const BLANKET_IN = '\n(allow network-inbound)\n';

describe('seatbelt network (A8)', () => {
  it('seatbelt: proxy ports 43128 and 48081 allow exactly those loopback ports, nothing broad (A13.2)', () => {
    const p = plan(restricted, {
      network: { proxyEnv: { HTTP_PROXY: 'http://127.0.0.1:43128', ALL_PROXY: 'socks5h://localhost:48081' } },
    });
    expect(p.profile).toContain('(allow network-outbound (remote ip "localhost:43128"))');
    expect(p.profile).toContain('(allow network-outbound (remote ip "localhost:48081"))');
    for (const absent of [BLANKET_OUT, '(local ip "*:*")', '(local ip "localhost:*")', '"*:53"']) {
      expect(p.profile).not.toContain(absent);
    }
  });

  it('seatbelt: local binding with a proxy port adds bind, loopback traffic and DNS, still no blanket outbound (A13.2)', () => {
    const p = plan(restricted, { network: { allowLocalBinding: true, proxyEnv: { HTTPS_PROXY: 'http://localhost:43128' } } });
    expect(p.profile).toContain('; allow local binding and loopback traffic\n(allow network-bind (local ip "*:*"))');
    expect(p.profile).toContain('(allow network-inbound (local ip "localhost:*"))');
    expect(p.profile).toContain('(allow network-outbound (remote ip "localhost:*"))');
    expect(p.profile).toContain('(allow network-outbound (remote ip "*:53"))');
    expect(p.profile).not.toContain(BLANKET_OUT);
  });

  it('seatbelt: local binding without ports binds but gets no DNS (A13.2)', () => {
    const p = plan(restricted, { network: { allowLocalBinding: true, enforceManagedNetwork: true } });
    expect(p.profile).toContain('(allow network-bind (local ip "*:*"))');
    expect(p.profile).not.toContain('"*:53"');
  });

  it('seatbelt: full network allows inbound and outbound with trust services and no cache-dir param (A13.3)', () => {
    const p = plan(enabled);
    expect(p.profile).toContain(BLANKET_OUT.slice(1));
    expect(p.profile).toContain('(allow network-inbound)\n');
    expect(p.profile).toContain('(global-name "com.apple.trustd.agent")');
    expect(p.profile).not.toContain('DARWIN_USER_CACHE_DIR');
  });

  it('seatbelt: network enabled with proxy config but no loopback port, or managed without endpoints, allows no IP traffic (A13.3)', () => {
    for (const network of [{ proxyEnv: { HTTP_PROXY: 'http://proxy.corp:3128' } }, { enforceManagedNetwork: true }]) {
      const p = plan(enabled, { network });
      expect(p.profile).toContain('(socket-domain AF_SYSTEM)');
      for (const absent of [BLANKET_OUT, BLANKET_IN, 'localhost:', '"*:53"']) expect(p.profile).not.toContain(absent);
      expect(p.enforcement.network).toBe('enforced');
    }
  });

  it('seatbelt: full network plus a proxy port stays proxy-only (A13.3)', () => {
    const p = plan(enabled, { network: { proxyEnv: { http_proxy: '127.0.0.1:8080' } } });
    expect(p.profile).toContain('(remote ip "localhost:8080")');
    expect(p.profile).not.toContain(BLANKET_OUT);
    expect(p.profile).not.toContain(BLANKET_IN);
  });

  it('seatbelt: a managed context allows exactly its ports, without bind or blanket rules (A13.4)', () => {
    const p = plan(restricted, {
      network: { managed: { loopbackPorts: [48081, 43123], allowLocalBinding: false }, proxyEnv: { HTTP_PROXY: 'http://127.0.0.1:9999' } },
    });
    expect(p.profile).toContain('(remote ip "localhost:43123"))\n(allow network-outbound (remote ip "localhost:48081"))');
    expect(p.profile).not.toContain('9999');
    expect(p.profile).not.toContain('network-bind');
    expect(p.profile).not.toContain(BLANKET_OUT);
  });

  it('seatbelt: restricted network with nothing to allow emits no network rules at all', () => {
    const p = plan(restricted);
    expect(p.profile).not.toMatch(/network-(outbound|inbound|bind)/);
    expect(p.profile).not.toContain('AF_SYSTEM');
  });

  it('seatbelt: a restricted unix socket gets AF_UNIX plus bind/outbound subpath rules on its param, never network* subpath (A13.9)', () => {
    const p = plan(restricted, { network: { unixSockets: ['/tmp/example.sock'] } });
    expect(p.profile).toContain('(allow system-socket (socket-domain AF_UNIX))');
    expect(p.profile).toContain('(allow network-bind (local unix-socket (subpath (param "UNIX_SOCKET_PATH_0"))))');
    expect(p.profile).toContain('(allow network-outbound (remote unix-socket (subpath (param "UNIX_SOCKET_PATH_0"))))');
    expect(p.profile).not.toContain('(allow network* (subpath');
    expect(p.argv).toContain('-DUNIX_SOCKET_PATH_0=/private/tmp/example.sock');
    expect(p.profile.endsWith('\n')).toBe(true);
  });

  it('seatbelt: unix socket params are sorted, not in input order, and de-duplicated (A13.9)', () => {
    const p = plan(restricted, { network: { unixSockets: ['/tmp/codex-proxy-use', '/tmp/codex-browser-use'] } });
    expect(paramsWithPrefix(p, 'UNIX')).toStrictEqual([
      ['UNIX_SOCKET_PATH_0', '/private/tmp/codex-browser-use'],
      ['UNIX_SOCKET_PATH_1', '/private/tmp/codex-proxy-use'],
    ]);
    expect(normalizeUnixSockets(fakeMacHost(), ['/tmp/b.sock', '/tmp/a.sock', '/tmp/a.sock'])).toStrictEqual(['/private/tmp/a.sock', '/private/tmp/b.sock']);
  });

  it('seatbelt: a relative unix socket path normalizes to nothing', () => {
    expect(normalizeUnixSockets(fakeMacHost(), ['relative.sock'])).toStrictEqual([]);
    const p = plan(restricted, { network: { unixSockets: ['relative.sock'] } });
    expect(p.profile).not.toContain('unix-socket');
  });

  it('seatbelt: network enabled plus an explicit socket keeps the blanket allows and adds the socket rules (A13.9)', () => {
    const p = plan(enabled, { network: { unixSockets: ['/tmp/s.sock'] } });
    expect(p.profile).toContain('(allow network-outbound)\n(allow network-inbound)\n');
    expect(p.profile).toContain('(local unix-socket (subpath (param "UNIX_SOCKET_PATH_0")))');
  });

  it('seatbelt: allow-all unix sockets gives the three broad rules and no socket params (A13.9)', () => {
    const p = plan(restricted, { network: { unixSockets: 'all' } });
    expect(p.profile).toContain('(allow system-socket (socket-domain AF_UNIX))\n(allow network-bind (local unix-socket))\n(allow network-outbound (remote unix-socket))');
    expect(paramsWithPrefix(p, 'UNIX')).toStrictEqual([]);
  });

  it('proxy env: scheme defaults, loopback-only hosts, sorted ports, and config flagged even without a port', () => {
    expect(
      proxyLoopbackPorts({
        HTTPS_PROXY: 'https://LOCALHOST',
        ALL_PROXY: 'socks5://127.0.0.1',
        HTTP_PROXY: 'http://[::1]:3128',
        https_proxy: 'http://10.0.0.1:8080',
      }),
    ).toStrictEqual({ ports: [443, 1080, 3128], hasProxyConfig: true });
    expect(proxyLoopbackPorts({ HTTP_PROXY: 'http://proxy.corp:3128' })).toStrictEqual({ ports: [], hasProxyConfig: true });
    expect(proxyLoopbackPorts({ HTTP_PROXY: '  ' })).toStrictEqual({ ports: [], hasProxyConfig: false });
  });
});

describe('seatbelt network options from JavaScript callers', () => {
  it.each([
    ['an unknown key', { unixSocket: ['/tmp/a'] }, 'unknown key "unixSocket" in the Seatbelt network options; did you mean "unixSockets"?'],
    ['a bad port', { managed: { loopbackPorts: [0], allowLocalBinding: false } }, 'invalid loopback port 0 in network.managed'],
    ['a non-boolean flag', { allowLocalBinding: 'yes' }, 'network.allowLocalBinding must be true or false'],
    ['a bad socket list', { unixSockets: '/tmp/a' }, 'network.unixSockets must be "all" or an array of socket paths'],
    ['a non-string proxy variable', { proxyEnv: { HTTP_PROXY: 1 } }, 'network.proxyEnv must map variable names to strings'],
  ])('seatbelt: %s is a policy error, not a narrower sandbox', (_what, network, message) => {
    expect(() => plan(restricted, { network: network as never })).toThrowError(expect.objectContaining({ code: 'E_POLICY_INVALID', message: expect.stringContaining(message) }));
  });
});
