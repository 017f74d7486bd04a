// Property: the network section of generated Seatbelt profiles, evaluated with the Seatbelt model,
// allows exactly what the reference's decision table says (docs/reference.md#seatbelt-network): blanket traffic only for an enabled
// network without a proxy; otherwise only the proxy's loopback ports, loopback and DNS with local
// binding, and the listed unix sockets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MacosNetworkOptions } from '../../lib/platform/macos/network-rules';
import { evaluateSbpl, type SbplRequest } from '../helpers/sbpl-evaluate';
import { parseSbpl } from '../helpers/sbpl-parse';
import { fakeMacHost } from '../unit/macos/fake-mac-host';
import { plan, resolvedFixture } from '../unit/macos/fixtures';
import { propertySettings } from '../helpers/property-settings';

const { numRuns: NUM_RUNS, seed: SEED } = propertySettings('macos network property', { defaultRuns: 500, runsVar: 'CSBX_PROPERTY_RUNS_MACOS' });
const PORTS = [80, 443, 1080, 3128, 8080];

const options: fc.Arbitrary<MacosNetworkOptions> = fc.record(
  {
    managed: fc.record({ loopbackPorts: fc.subarray(PORTS), allowLocalBinding: fc.boolean() }),
    proxyEnv: fc.dictionary(
      fc.constantFrom('HTTP_PROXY', 'https_proxy', 'ALL_PROXY'),
      fc.constantFrom('http://127.0.0.1:3128', 'localhost:8080', 'https://localhost', 'socks5://[::1]', 'http://proxy.corp:3128'),
    ),
    allowLocalBinding: fc.boolean(),
    enforceManagedNetwork: fc.boolean(),
    unixSockets: fc.oneof(fc.constant<'all'>('all'), fc.subarray(['/tmp/a.sock', '/tmp/b', 'relative.sock'])),
  },
  { requiredKeys: [] },
);

/** The reference's decision table, stated directly. */
function expected(network: 'enabled' | 'restricted', o: MacosNetworkOptions, request: SbplRequest): boolean {
  let ports: number[] = [];
  let proxy = false;
  let binding = o.allowLocalBinding ?? false;
  if (o.managed !== undefined) {
    ports = o.managed.loopbackPorts;
    proxy = true;
    binding = o.managed.allowLocalBinding;
  } else {
    for (const v of Object.values(o.proxyEnv ?? {})) {
      proxy = true;
      const m = /^(?:(\w+):\/\/)?(localhost|127\.0\.0\.1|\[::1\])(?::(\d+))?$/.exec(v);
      if (m === null) continue;
      ports.push(m[3] !== undefined ? Number(m[3]) : m[1] === 'https' ? 443 : m[1]?.startsWith('socks') ? 1080 : 80);
    }
  }
  const sockets = o.unixSockets === 'all' ? 'all' : (o.unixSockets ?? []).filter((s) => s.startsWith('/')).map((s) => `/private${s}`);
  const socketAccess = sockets === 'all' || sockets.length > 0;
  const restricted = ports.length > 0 || proxy || o.enforceManagedNetwork === true || (network !== 'enabled' && socketAccess);
  const net = request.network!;
  if (net.unixSocket !== undefined) {
    const listed = sockets === 'all' || sockets.some((s) => net.unixSocket === s || net.unixSocket!.startsWith(`${s}/`));
    return listed || (!restricted && network === 'enabled' && request.operation !== 'network-bind');
  }
  const [host, port] = [net.ip!.slice(0, net.ip!.lastIndexOf(':')), Number(net.ip!.slice(net.ip!.lastIndexOf(':') + 1))];
  const loopback = host === '127.0.0.1';
  if (!restricted) return network === 'enabled' && request.operation !== 'network-bind';
  if (request.operation === 'network-bind') return binding;
  if (request.operation === 'network-inbound') return binding && loopback;
  if (loopback && (binding || ports.includes(port))) return true;
  return port === 53 && binding && ports.length > 0;
}

const requests: SbplRequest[] = [
  ...['127.0.0.1:3128', '127.0.0.1:8080', '127.0.0.1:443', '127.0.0.1:9999', '93.184.216.34:443', '1.1.1.1:53'].map(
    (ip): SbplRequest => ({ operation: 'network-outbound', network: { side: 'remote', ip } }),
  ),
  { operation: 'network-inbound', network: { side: 'local', ip: '127.0.0.1:8000' } },
  { operation: 'network-bind', network: { side: 'local', ip: '0.0.0.0:8000' } },
  { operation: 'network-outbound', network: { side: 'remote', unixSocket: '/private/tmp/a.sock' } },
  { operation: 'network-outbound', network: { side: 'remote', unixSocket: '/private/tmp/b/inner.sock' } },
  { operation: 'network-bind', network: { side: 'local', unixSocket: '/private/tmp/c.sock' } },
];

describe('property: seatbelt network rules follow the reference decision table', () => {
  it(`seatbelt: network decisions for generated proxy and socket settings (${NUM_RUNS} runs)`, () => {
    console.log(`macos network property: seed=${SEED} numRuns=${NUM_RUNS}`);
    fc.assert(
      fc.property(fc.constantFrom('enabled' as const, 'restricted' as const), options, (network, o) => {
        const p = plan(resolvedFixture({ fullDiskRead: true, network }), { network: o, host: fakeMacHost() });
        const items = parseSbpl(p.profile);
        for (const request of requests) {
          const got = evaluateSbpl(items, p.params, request).allowed;
          expect(got, `${request.operation} ${JSON.stringify(request.network)} with ${network} ${JSON.stringify(o)}`).toBe(expected(network, o, request));
        }
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });
});
