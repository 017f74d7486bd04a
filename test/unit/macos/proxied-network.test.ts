// Seatbelt, proxied network: the profile allows outbound IP only to the leased proxy's two
// loopback ports (checked by evaluating the generated SBPL), the proxy variables point there, and
// the policy's unix-socket allowlist becomes path rules.
import { describe, expect, it } from 'vitest';

import type { ProxiedNetwork } from '../../../lib/policy/types';
import { evaluateSbpl } from '../../helpers/sbpl-evaluate';
import { parseSbpl } from '../../helpers/sbpl-parse';
import { thrown } from '../../helpers/errors';
import { plan, resolvedFixture } from './fixtures';

const PROXIED: ProxiedNetwork = { mode: 'proxied', allowedDomains: ['example.test'], deniedDomains: [], allowLocalBinding: true, unixSockets: [] };
const LEASE = { socketDir: '/private/tmp/p', httpSocket: '/private/tmp/p/http.sock', socksSocket: '/private/tmp/p/socks.sock', tcp: { httpPort: 41001, socksPort: 41002 } };

function outbound(p: ReturnType<typeof plan>, ip: string): boolean {
  return evaluateSbpl(parseSbpl(p.profile), p.params, { operation: 'network-outbound', network: { side: 'remote', ip } }).allowed;
}

describe('seatbelt: proxied network', () => {
  it('seatbelt: outbound only to the proxy ports on localhost; every other port, host and DNS is denied', () => {
    const p = plan(resolvedFixture({ fullDiskRead: true, network: PROXIED }), { proxy: LEASE });
    expect(outbound(p, 'localhost:41001')).toBe(true);
    expect(outbound(p, 'localhost:41002')).toBe(true);
    for (const ip of ['localhost:41003', 'localhost:53', '203.0.113.10:443', '*:53', '10.0.0.5:41001']) expect(outbound(p, ip)).toBe(false);
    // allow_local_binding is the proxy's business: the sandbox itself gets no bind or DNS rule.
    expect(p.profile).not.toContain('"*:53"');
    expect(p.profile).not.toContain('(local ip "*:*")');
    expect(p.enforcement.network).toBe('proxied');
    expect(p.env).toMatchObject({ HTTP_PROXY: 'http://127.0.0.1:41001', HTTPS_PROXY: 'http://127.0.0.1:41001', ALL_PROXY: 'socks5h://127.0.0.1:41002' });
    expect(p.env.CODEX_SANDBOX_NETWORK_DISABLED).toBeUndefined();
    expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
  });

  it('seatbelt: without a lease the placeholder ports allow no IP traffic at all', () => {
    const p = plan(resolvedFixture({ fullDiskRead: true, network: PROXIED }));
    expect(outbound(p, 'localhost:41001')).toBe(false);
    expect(p.profile).not.toContain('(remote ip');
  });

  it('seatbelt: unix_sockets are allowlisted by path, others stay denied', () => {
    const p = plan(resolvedFixture({ fullDiskRead: true, network: { ...PROXIED, unixSockets: ['/private/tmp/ok.sock'] } }), { proxy: LEASE });
    const connect = (path: string) => evaluateSbpl(parseSbpl(p.profile), p.params, { operation: 'network-outbound', network: { side: 'remote', unixSocket: path } }).allowed;
    expect(connect('/private/tmp/ok.sock')).toBe(true);
    expect(connect('/private/tmp/other.sock')).toBe(false);
  });

  it('seatbelt: network options beside a proxied policy are a usage error, not a second source of ports', () => {
    const err = thrown(() => plan(resolvedFixture({ fullDiskRead: true, network: PROXIED }), { proxy: LEASE, network: { proxyEnv: { HTTP_PROXY: 'http://127.0.0.1:9' } } }));
    expect(err.code).toBe('E_USAGE');
  });
});
