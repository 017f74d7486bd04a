// The network proxy on the host (no sandbox): HTTP absolute-URI and CONNECT, SOCKS5 with each
// address type, against local HTTP and HTTPS origins. Test names resolve through the injected
// resolver to public test addresses (TEST-NET-3, 2001:db8::/32), and the injected dialer sends
// those checked addresses to the local origins, so the private-address rule is exercised for
// real: 127.0.0.1 itself stays private.
import { readdirSync, statSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSandboxError } from '../../../lib/errors';
import { createNetworkProxy, sharedNetworkProxy, type NetworkProxy, type ProxyLease } from '../../../lib/network/proxy';
import type { ProxiedNetwork } from '../../../lib/policy/types';
import { makeTempDir } from '../../helpers/temp';
import { opensslAvailable, proxiedConnect, proxiedGet, rawExchange, selfSignedCert, socksConnect, startOrigins, tlsOver, tmpdirAt, type Origins } from './proxy-fixtures';

const ci = process.env.CI === 'true';
const haveOpenssl = opensslAvailable();
if (!haveOpenssl && !ci) console.log('proxy tests: HTTPS cases skipped: openssl is not installed (it makes the self-signed certificate)');

const NAMES: Record<string, string[]> = {
  'api.test': ['203.0.113.10'],
  'tls.test': ['203.0.113.11'],
  'other.test': ['203.0.113.12'],
  'unlisted.test': ['203.0.113.13'],
  'private.test': ['10.0.0.5'],
  'loop.test': ['127.0.0.1'],
  'mixed.test': ['203.0.113.10', '192.168.1.9'],
  'v6.test': ['2001:db8::10'],
};

function policy(p: Partial<ProxiedNetwork>): ProxiedNetwork {
  return { mode: 'proxied', allowedDomains: [], deniedDomains: [], allowLocalBinding: false, unixSockets: [], ...p };
}

function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/**
 * Lets destroyed handles finish closing (libuv closes on later loop turns), and the local
 * origins notice their peers went away: their sockets are this process's fds too. Bounded in
 * loop turns, not in time.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  for (let turns = 0; turns < 10_000 && (await origins.openConnections()) > 0; turns++) await new Promise((r) => setImmediate(r));
}

let tmp: ReturnType<typeof makeTempDir>;
let restoreTmpdir: () => void;
let origins: Origins;
let proxy: NetworkProxy;
const lookups: string[] = [];

beforeAll(async () => {
  tmp = makeTempDir('proxy');
  // Leases live under os.tmpdir(): point it at this test's directory so leftovers are ours to see.
  restoreTmpdir = tmpdirAt(tmp.path);
  origins = await startOrigins(haveOpenssl ? selfSignedCert(tmp.path, ['tls.test']) : undefined);
  const routes: Record<string, number> = {
    '203.0.113.10:80': origins.httpPort,
    '203.0.113.12:80': origins.httpPort,
    '10.0.0.5:80': origins.httpPort,
    '2001:db8::10:80': origins.httpPort,
    '203.0.113.11:443': origins.httpsPort,
  };
  proxy = createNetworkProxy({
    resolver: async (host) => {
      lookups.push(host);
      const found = NAMES[host];
      if (found === undefined) throw Object.assign(new Error(`no such test host ${host}`), { code: 'ENOTFOUND' });
      return found;
    },
    dial: (address, port) => {
      const local = routes[`${address}:${port}`];
      return local === undefined ? connect({ host: address, port }) : connect({ host: '127.0.0.1', port: local });
    },
  });
});

afterAll(async () => {
  await proxy.close();
  await origins.close();
  restoreTmpdir();
  tmp.remove();
});

async function withLease<T>(p: ProxiedNetwork, fn: (lease: ProxyLease) => Promise<T>, opts?: { tcp?: boolean }): Promise<T> {
  const lease = await proxy.attach(p, opts);
  try {
    return await fn(lease);
  } finally {
    await lease.release();
  }
}

describe('http proxy: absolute-URI requests', () => {
  it('an allowed name reaches its origin, with the decision recorded', async () => {
    await withLease(policy({ allowedDomains: ['api.test'] }), async (lease) => {
      const reply = await proxiedGet(lease.httpSocket, 'http://api.test/hello?x=1');
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('http origin: GET /hello?x=1');
      expect(lease.decisions()).toEqual([expect.objectContaining({ host: 'api.test', port: 80, protocol: 'http', allowed: true, reason: 'allowed', rule: 'api.test' })]);
    });
  });

  it('the origin sees the host that was decided, not a different Host header (no fronting)', async () => {
    await withLease(policy({ allowedDomains: ['api.test'] }), async (lease) => {
      origins.seen.length = 0;
      const reply = await proxiedGet(lease.httpSocket, 'http://api.test/front', { host: 'other.test' });
      expect(reply.status).toBe(200);
      expect(origins.seen).toEqual([{ host: 'api.test', path: '/front' }]);
    });
  });

  it('a denied name gets 403 blocked-by-denylist, and is never looked up', async () => {
    await withLease(policy({ allowedDomains: ['*'], deniedDomains: ['other.test'] }), async (lease) => {
      lookups.length = 0;
      const reply = await proxiedGet(lease.httpSocket, 'http://other.test/');
      expect(reply.status).toBe(403);
      expect(reply.headers['x-proxy-error']).toBe('blocked-by-denylist');
      expect(lookups).toEqual([]);
      expect(lease.decisions()[0]).toMatchObject({ allowed: false, reason: 'blocked-by-denylist', rule: 'other.test' });
    });
  });

  it('an unlisted name gets 403 blocked-by-allowlist, and is never looked up', async () => {
    await withLease(policy({ allowedDomains: ['api.test'] }), async (lease) => {
      lookups.length = 0;
      const reply = await proxiedGet(lease.httpSocket, 'http://unlisted.test/');
      expect(reply.status).toBe(403);
      expect(reply.headers['x-proxy-error']).toBe('blocked-by-allowlist');
      expect(lookups).toEqual([]);
    });
  });

  it('an allowed name resolving to a private address is refused, unless allow_local_binding', async () => {
    await withLease(policy({ allowedDomains: ['private.test', 'loop.test'] }), async (lease) => {
      for (const name of ['private.test', 'loop.test']) {
        const reply = await proxiedGet(lease.httpSocket, `http://${name}/`);
        expect(reply.status).toBe(403);
        expect(reply.headers['x-proxy-error']).toBe('blocked-private-address');
      }
    });
    await withLease(policy({ allowedDomains: ['private.test'], allowLocalBinding: true }), async (lease) => {
      const reply = await proxiedGet(lease.httpSocket, 'http://private.test/');
      expect(reply.status).toBe(200);
    });
  });

  it('every resolved address is checked: one private address among public ones refuses the name', async () => {
    await withLease(policy({ allowedDomains: ['mixed.test'] }), async (lease) => {
      const reply = await proxiedGet(lease.httpSocket, 'http://mixed.test/');
      expect(reply.status).toBe(403);
      expect(reply.headers['x-proxy-error']).toBe('blocked-private-address');
    });
  });

  it('a loopback IP literal is refused under *, reachable with allow_local_binding or an exact allow rule', async () => {
    const url = `http://127.0.0.1:${origins.httpPort}/lit`;
    await withLease(policy({ allowedDomains: ['*'] }), async (lease) => {
      const reply = await proxiedGet(lease.httpSocket, url);
      expect(reply.status).toBe(403);
      expect(reply.headers['x-proxy-error']).toBe('blocked-private-address');
    });
    await withLease(policy({ allowedDomains: ['*'], allowLocalBinding: true }), async (lease) => {
      expect((await proxiedGet(lease.httpSocket, url)).body).toBe('http origin: GET /lit');
    });
    await withLease(policy({ allowedDomains: ['127.0.0.1'] }), async (lease) => {
      expect((await proxiedGet(lease.httpSocket, url)).status).toBe(200);
    });
  });

  it('a request body is forwarded to the origin', async () => {
    await withLease(policy({ allowedDomains: ['api.test'] }), async (lease) => {
      const body = await new Promise<string>((resolve, reject) => {
        const req = request({ socketPath: lease.httpSocket, path: 'http://api.test/push', method: 'POST', headers: { host: 'api.test', 'content-type': 'text/plain' } }, (res) => {
          let out = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (out += c));
          res.on('end', () => resolve(out));
        });
        req.on('error', reject);
        req.write('x'.repeat(70_000));
        req.end('!');
      });
      expect(body).toBe(`http origin: POST /push body=${'x'.repeat(70_000)}!`);
    });
  });

  it('an unresolvable allowed name is 502, not a block', async () => {
    await withLease(policy({ allowedDomains: ['*.test'] }), async (lease) => {
      const reply = await proxiedGet(lease.httpSocket, 'http://nowhere.test/');
      expect(reply.status).toBe(502);
      expect(reply.headers['x-proxy-error']).toBeUndefined();
    });
  });

  it('non-proxy requests and non-http schemes are 400', async () => {
    await withLease(policy({ allowedDomains: ['*'] }), async (lease) => {
      expect((await proxiedGet(lease.httpSocket, '/relative')).status).toBe(400);
      expect((await proxiedGet(lease.httpSocket, 'ftp://api.test/')).status).toBe(400);
    });
  });

  it('keep-alive: each request on one client connection is decided on its own', async () => {
    await withLease(policy({ allowedDomains: ['api.test'] }), async (lease) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const get = (url: string): Promise<{ status: number; reused: boolean; error: unknown }> =>
        new Promise((resolve, reject) => {
          const req = request({ socketPath: lease.httpSocket, path: url, agent, headers: { host: new URL(url).host } }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket, error: res.headers['x-proxy-error'] }));
          });
          req.on('error', reject);
          req.end();
        });
      const a = await get('http://api.test/1');
      const b = await get('http://unlisted.test/2');
      const c = await get('http://api.test/3');
      agent.destroy();
      expect([a.status, b.status, c.status]).toEqual([200, 403, 200]);
      expect(b.error).toBe('blocked-by-allowlist');
      expect([b.reused, c.reused]).toEqual([true, true]);
      expect(lease.decisions().map((d) => d.allowed)).toEqual([true, false, true]);
    });
  });
});

describe('http proxy: CONNECT', () => {
  it.skipIf(!haveOpenssl && !ci)('an allowed name gets a tunnel; TLS to the self-signed origin verifies its name', async () => {
    await withLease(policy({ allowedDomains: ['tls.test:443'] }), async (lease) => {
      const { status, socket } = await proxiedConnect(lease.httpSocket, 'tls.test:443');
      expect(status).toBe(200);
      const tls = await tlsOver(socket, 'tls.test', origins.cert!);
      const out = await rawExchange(tls, 'tls.test', '/secure');
      expect(out).toMatch(/^HTTP\/1\.1 200/);
      expect(out).toContain('https origin: /secure');
      expect(lease.decisions()).toEqual([expect.objectContaining({ host: 'tls.test', port: 443, protocol: 'https-connect', allowed: true, rule: 'tls.test:443' })]);
    });
  });

  it('a port the rule does not name, a denied and a private target get 403 with the reason', async () => {
    await withLease(policy({ allowedDomains: ['tls.test:443', 'private.test'], deniedDomains: ['**.other.test'] }), async (lease) => {
      const cases: [string, string][] = [
        ['tls.test:8443', 'blocked-by-allowlist'],
        ['other.test:443', 'blocked-by-denylist'],
        ['private.test:443', 'blocked-private-address'],
        ['[::1]:443', 'blocked-by-allowlist'],
      ];
      for (const [target, reason] of cases) {
        const { status, headers, socket } = await proxiedConnect(lease.httpSocket, target);
        socket.destroy();
        expect([target, status, headers['x-proxy-error']]).toEqual([target, 403, reason]);
      }
    });
  });

  it('a malformed CONNECT target is 400', async () => {
    await withLease(policy({ allowedDomains: ['*'] }), async (lease) => {
      const { status, socket } = await proxiedConnect(lease.httpSocket, 'api.test');
      socket.destroy();
      expect(status).toBe(400);
    });
  });
});

describe('socks5 proxy', () => {
  it('a domain-name CONNECT is resolved by the proxy and reaches the origin', async () => {
    await withLease(policy({ allowedDomains: ['api.test'] }), async (lease) => {
      const { reply, socket } = await socksConnect(lease.socksSocket, { type: 'domain', host: 'api.test' }, 80);
      expect(reply).toBe(0x00);
      expect(await rawExchange(socket, 'api.test', '/socks')).toContain('http origin: GET /socks');
      expect(lease.decisions()).toEqual([expect.objectContaining({ host: 'api.test', port: 80, protocol: 'socks5', allowed: true })]);
    });
  });

  it('denied, unlisted and private destinations get reply 0x02 (not allowed by ruleset)', async () => {
    await withLease(policy({ allowedDomains: ['api.test', 'private.test', '*'], deniedDomains: ['other.test'] }), async (lease) => {
      const cases: [Parameters<typeof socksConnect>[1], string][] = [
        [{ type: 'domain', host: 'other.test' }, 'blocked-by-denylist'],
        [{ type: 'domain', host: 'private.test' }, 'blocked-private-address'],
        [{ type: 'ipv4', host: '127.0.0.1' }, 'blocked-private-address'],
        [{ type: 'ipv4', host: '169.254.169.254' }, 'blocked-private-address'],
        [{ type: 'ipv6', bytes: [...new Array(15).fill(0), 1] }, 'blocked-private-address'],
        [{ type: 'ipv6', bytes: [...new Array(10).fill(0), 0xff, 0xff, 127, 0, 0, 1] }, 'blocked-private-address'],
      ];
      for (const [address, reason] of cases) {
        const { reply, socket } = await socksConnect(lease.socksSocket, address, 80);
        socket.destroy();
        expect([address, reply]).toEqual([address, 0x02]);
        expect(lease.decisions().at(-1)?.reason).toBe(reason);
      }
    });
    await withLease(policy({ allowedDomains: ['api.test'] }), async (lease) => {
      const { reply, socket } = await socksConnect(lease.socksSocket, { type: 'domain', host: 'unlisted.test' }, 80);
      socket.destroy();
      expect(reply).toBe(0x02);
    });
  });

  it('IPv4 and IPv6 address types are decided as raw IPs', async () => {
    await withLease(policy({ allowedDomains: ['203.0.113.12', '[2001:db8::10]:80'] }), async (lease) => {
      const v4 = await socksConnect(lease.socksSocket, { type: 'ipv4', host: '203.0.113.12' }, 80);
      expect(v4.reply).toBe(0x00);
      expect(await rawExchange(v4.socket, '203.0.113.12', '/v4')).toContain('GET /v4');
      const v6 = await socksConnect(lease.socksSocket, { type: 'ipv6', bytes: [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 0x10] }, 80);
      expect(v6.reply).toBe(0x00);
      expect(await rawExchange(v6.socket, 'v6', '/v6')).toContain('GET /v6');
      // A name that resolves to an allowed IP is still judged by its name.
      const byName = await socksConnect(lease.socksSocket, { type: 'domain', host: 'v6.test' }, 80);
      byName.socket.destroy();
      expect(byName.reply).toBe(0x02);
      expect(lease.decisions().map((d) => d.host)).toEqual(['203.0.113.12', '2001:db8::10', 'v6.test']);
    });
  });

  it('BIND and UDP ASSOCIATE are refused with 0x07 (command not supported)', async () => {
    await withLease(policy({ allowedDomains: ['*'] }), async (lease) => {
      for (const cmd of [0x02, 0x03]) {
        const { reply, socket } = await socksConnect(lease.socksSocket, { type: 'domain', host: 'api.test' }, 80, cmd);
        socket.destroy();
        expect(reply).toBe(0x07);
      }
    });
  });
});

describe('leases', () => {
  it('each lease has its own sockets and its own decisions', async () => {
    const a = await proxy.attach(policy({ allowedDomains: ['api.test'] }));
    const b = await proxy.attach(policy({ allowedDomains: ['other.test'] }));
    try {
      expect(a.socketDir).not.toBe(b.socketDir);
      expect((await proxiedGet(a.httpSocket, 'http://api.test/')).status).toBe(200);
      expect((await proxiedGet(b.httpSocket, 'http://api.test/')).status).toBe(403);
      expect((await proxiedGet(b.httpSocket, 'http://other.test/')).status).toBe(200);
      expect(a.decisions().map((d) => [d.host, d.allowed])).toEqual([['api.test', true]]);
      expect(b.decisions().map((d) => [d.host, d.allowed])).toEqual([
        ['api.test', false],
        ['other.test', true],
      ]);
    } finally {
      await a.release();
      await b.release();
    }
  });

  it('tcp: true adds loopback TCP listeners that decide the same way', async () => {
    await withLease(
      policy({ allowedDomains: ['api.test'] }),
      async (lease) => {
        expect(lease.tcp?.httpPort).toBeGreaterThan(0);
        expect(lease.tcp?.socksPort).toBeGreaterThan(0);
        const reply = await new Promise<number>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: lease.tcp!.httpPort, path: 'http://unlisted.test/', headers: { host: 'unlisted.test' } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
        expect(reply).toBe(403);
      },
      { tcp: true },
    );
  });

  it('a malformed pattern is refused at attach, as E_POLICY_INVALID naming it', async () => {
    const err = await proxy.attach(policy({ allowedDomains: ['api.test:99999'] })).catch((e: unknown) => e);
    expect(isSandboxError(err) && err.code).toBe('E_POLICY_INVALID');
    expect((err as Error).message).toContain('api.test:99999');
  });

  it('release ends open tunnels and leaves no fd, socket or socket file behind', async () => {
    await settle();
    const before = fdCount();
    const lease = await proxy.attach(policy({ allowedDomains: ['api.test', 'tls.test'] }), { tcp: true });
    expect(readdirSync(lease.socketDir).sort()).toEqual(['http.sock', 'socks.sock']);
    expect(statSync(lease.socketDir).mode & 0o777).toBe(0o700);
    expect(lease.socketDir.startsWith(`${tmp.path}/codex-sandbox-proxy-`)).toBe(true);
    const sockets: Socket[] = [];
    for (let i = 0; i < 10; i++) {
      expect((await proxiedGet(lease.httpSocket, `http://api.test/${i}`)).status).toBe(200);
      const s = await socksConnect(lease.socksSocket, { type: 'domain', host: 'api.test' }, 80);
      sockets.push(s.socket);
    }
    const tunnel = await proxiedConnect(lease.httpSocket, 'api.test:80');
    sockets.push(tunnel.socket);
    const closed = sockets.map((s) => new Promise((r) => (s.destroyed ? r(null) : s.once('close', r))));
    await lease.release();
    await Promise.all(closed);
    await lease.release();
    await settle();
    expect(fdCount()).toBe(before);
    expect(readdirSync(tmp.path).filter((n) => n.startsWith('codex-sandbox-proxy-'))).toEqual([]);
  });

  it('50 concurrent leases, 1,000 requests: every answer follows its own lease, and nothing is left after release', async () => {
    await settle();
    const before = fdCount();
    const leases = await Promise.all(Array.from({ length: 50 }, (_, i) => proxy.attach(policy({ allowedDomains: [i % 2 === 0 ? 'api.test' : 'other.test'] }))));
    const results = await Promise.all(
      leases.map(async (lease, i) => {
        const statuses: number[] = [];
        for (let r = 0; r < 20; r++) {
          const target = r % 2 === 0 ? 'api.test' : 'other.test';
          if (r % 4 < 2) statuses.push((await proxiedGet(lease.httpSocket, `http://${target}/${i}/${r}`)).status);
          else {
            const s = await socksConnect(lease.socksSocket, { type: 'domain', host: target }, 80);
            s.socket.destroy();
            statuses.push(s.reply === 0 ? 200 : 403);
          }
        }
        return { i, statuses, decisions: lease.decisions().length };
      }),
    );
    for (const { i, statuses, decisions } of results) {
      const mine = i % 2 === 0 ? 'api.test' : 'other.test';
      expect(statuses).toEqual(Array.from({ length: 20 }, (_, r) => ((r % 2 === 0 ? 'api.test' : 'other.test') === mine ? 200 : 403)));
      expect(decisions).toBe(20);
    }
    await Promise.all(leases.map((l) => l.release()));
    await settle();
    expect(fdCount()).toBe(before);
    expect(readdirSync(tmp.path).filter((n) => n.startsWith('codex-sandbox-proxy-'))).toEqual([]);
  });

  it('close() releases every lease; a closed proxy refuses to attach', async () => {
    const own = createNetworkProxy({ resolver: async () => ['203.0.113.10'] });
    const l1 = await own.attach(policy({ allowedDomains: ['*'] }));
    const l2 = await own.attach(policy({ allowedDomains: ['*'] }));
    await own.close();
    expect(readdirSync(tmp.path).filter((n) => n.startsWith('codex-sandbox-proxy-'))).toEqual([]);
    expect([l1.socketDir, l2.socketDir].every((d) => !readdirSync(tmp.path).includes(d))).toBe(true);
    await expect(own.attach(policy({}))).rejects.toThrow(/closed/);
  });

  it('the shared proxy ends with its last lease and starts again on the next attach', async () => {
    const shared = sharedNetworkProxy();
    const l1 = await shared.attach(policy({ allowedDomains: ['*'] }));
    const l2 = await shared.attach(policy({ allowedDomains: ['*'] }));
    await l1.release();
    // Still serving the other lease.
    expect(readdirSync(l2.socketDir).sort()).toEqual(['http.sock', 'socks.sock']);
    await l2.release();
    expect(readdirSync(tmp.path).filter((n) => n.startsWith('codex-sandbox-proxy-'))).toEqual([]);
    const l3 = await sharedNetworkProxy().attach(policy({ allowedDomains: ['*'] }));
    expect(readdirSync(l3.socketDir).length).toBe(2);
    await l3.release();
  });
});
