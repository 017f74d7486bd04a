// Property: for random rule sets, resolutions and destinations, what the proxy does (the 403
// header, the SOCKS reply, the tunnel) and the decision it records equal explainNetwork's answer
// for the same host, port and resolved addresses. Every address the resolver hands out, public or
// private, is sent by the dialer to one local origin, so an allowed destination really connects.
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetworkProxy, type NetworkProxy } from '../../lib/network/proxy';
import { explainNetwork } from '../../lib/policy/explain-network';
import type { ProxiedNetwork, SandboxPolicy } from '../../lib/policy/types';
import { propertySettings } from '../helpers/property-settings';
import { makeTempDir } from '../helpers/temp';
import { proxiedConnect, proxiedGet, socksConnect, startOrigins, tmpdirAt, type Origins } from '../unit/network/proxy-fixtures';

const { numRuns, seed } = propertySettings('network proxy = explainNetwork property');

const LABELS = ['a', 'api', 'cdn', 'x'];
const ZONES = ['test', 'example.test', 'corp.test'];
const PORTS = [80, 443, 8080];
const PUBLIC = ['203.0.113.5', '198.51.100.7', '2001:db8::5'];
const PRIVATE = ['127.0.0.1', '10.0.0.8', '169.254.169.254', '::1', 'fd00::7', '::ffff:192.168.1.1', '100.64.1.1'];

const name = fc.tuple(fc.array(fc.constantFrom(...LABELS), { maxLength: 2 }), fc.constantFrom(...ZONES)).map(([ls, z]) => [...ls, z].join('.'));
const ip = fc.constantFrom(...PUBLIC, ...PRIVATE);
const host = fc.oneof({ weight: 3, arbitrary: name }, { weight: 1, arbitrary: ip });
const port = fc.option(fc.constantFrom(...PORTS), { nil: undefined });
const bracket = (h: string): string => (h.includes(':') ? `[${h}]` : h);
const withPort = (h: string, p: number | undefined): string => (p === undefined ? h : `${bracket(h)}:${p}`);
const namePattern = fc.tuple(fc.constantFrom('', '*.', '**.'), fc.oneof(name, fc.constantFrom(...ZONES)), port).map(([w, n, p]) => withPort(`${w}${n}`, p));
const ipPattern = fc.tuple(ip, port).map(([h, p]) => withPort(h, p));
const denyPattern = fc.oneof({ weight: 3, arbitrary: namePattern }, { weight: 1, arbitrary: ipPattern });
const allowPattern = fc.oneof({ weight: 6, arbitrary: denyPattern }, { weight: 1, arbitrary: port.map((p) => withPort('*', p)) });

const policyArb = fc.record({
  allowedDomains: fc.array(allowPattern, { maxLength: 5 }),
  deniedDomains: fc.array(denyPattern, { maxLength: 3 }),
  allowLocalBinding: fc.boolean(),
});
const probe = fc.record({ host, port: fc.constantFrom(...PORTS), via: fc.constantFrom('http' as const, 'connect' as const, 'socks' as const) });
const resolutionArb = fc.array(fc.array(ip, { minLength: 1, maxLength: 3 }), { minLength: 8, maxLength: 8 });

let tmp: ReturnType<typeof makeTempDir>;
let restoreTmpdir: () => void;
let origins: Origins;
let proxy: NetworkProxy;
let names: Map<string, string[]>;

beforeAll(async () => {
  tmp = makeTempDir('proxy-property');
  restoreTmpdir = tmpdirAt(tmp.path);
  origins = await startOrigins(undefined);
  proxy = createNetworkProxy({
    resolver: async (h) => names.get(h) ?? [],
    dial: () => connect({ host: '127.0.0.1', port: origins.httpPort }),
  });
});

afterAll(async () => {
  await proxy.close();
  await origins.close();
  restoreTmpdir();
  tmp.remove();
});

function socksAddress(h: string): Parameters<typeof socksConnect>[1] {
  if (/^[0-9.]+$/.test(h)) return { type: 'ipv4', host: h };
  if (!h.includes(':')) return { type: 'domain', host: h };
  const full = h.startsWith('::ffff:') ? `0:0:0:0:0:ffff:${h.slice(7)}` : h;
  const expanded = full.includes('::')
    ? full.replace('::', `:${'0:'.repeat(8 - full.split(':').filter(Boolean).length - (full.includes('.') ? 1 : 0))}`).replace(/^:|:$/g, '')
    : full;
  const bytes: number[] = [];
  for (const g of expanded.split(':')) {
    if (g.includes('.')) bytes.push(...g.split('.').map(Number));
    else if (g !== '') bytes.push(parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff);
  }
  return { type: 'ipv6', bytes };
}

describe('network proxy agrees with explainNetwork', () => {
  it('random rules, resolutions and destinations over HTTP, CONNECT and SOCKS5', async () => {
    await fc.assert(
      fc.asyncProperty(policyArb, resolutionArb, fc.array(probe, { minLength: 1, maxLength: 4 }), async (rules, resolutions, probes) => {
        const network: ProxiedNetwork = { mode: 'proxied', unixSockets: [], ...rules };
        const policy: SandboxPolicy = { fileSystem: { kind: 'unrestricted' }, network };
        names = new Map();
        probes.forEach((p, i) => {
          if (!names.has(p.host)) names.set(p.host, resolutions[i % resolutions.length]);
        });
        const lease = await proxy.attach(network);
        try {
          for (const p of probes) {
            const expected = explainNetwork(policy, p.host, p.port, /[a-z]/.test(p.host) && !p.host.includes(':') ? { resolved: names.get(p.host) } : {});
            const target = `${bracket(p.host)}:${p.port}`;
            if (p.via === 'http') {
              const reply = await proxiedGet(lease.httpSocket, `http://${target}/`);
              expect([target, reply.status, reply.headers['x-proxy-error']]).toEqual([target, expected.allowed ? 200 : 403, expected.allowed ? undefined : expected.reason]);
            } else if (p.via === 'connect') {
              const { status, headers, socket } = await proxiedConnect(lease.httpSocket, target);
              socket.destroy();
              expect([target, status, headers['x-proxy-error']]).toEqual([target, expected.allowed ? 200 : 403, expected.allowed ? undefined : expected.reason]);
            } else {
              const { reply, socket } = await socksConnect(lease.socksSocket, socksAddress(p.host), p.port);
              socket.destroy();
              expect([target, reply]).toEqual([target, expected.allowed ? 0x00 : 0x02]);
            }
            const recorded = lease.decisions().at(-1)!;
            expect({ allowed: recorded.allowed, reason: recorded.reason, rule: recorded.rule }).toEqual({
              allowed: expected.allowed,
              reason: expected.reason,
              rule: expected.rule,
            });
          }
        } finally {
          await lease.release();
        }
      }),
      { numRuns, seed },
    );
  });
});
