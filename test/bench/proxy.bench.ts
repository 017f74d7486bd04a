// A proxied network's cost (docs/benchmarks.md#proxied-network), on the helper's namespaces and
// on bubblewrap, interleaved in shuffled rounds like linux-spawn.bench.ts:
//  - launch-to-exit of `true` with a restricted network (the baseline), with a proxied network
//    through a proxy that is already running (warm: a lease per launch), and as the first
//    proxied launch of a process (a new proxy started for it and closed after);
//  - the latency one HTTPS request gains through the relay and the proxy: one python3 process in
//    the sandbox makes REQUESTS sequential HTTPS requests (a new connection and TLS handshake
//    each) through a CONNECT tunnel to the relay, against the same loop in a sandbox whose
//    network is enabled, straight to the origin's port (same process start-up, same TLS).
// Run with `npm run bench`; never part of `npm test`.
import { afterAll, bench, describe } from 'vitest';

import { createNetworkProxy, type NetworkProxy } from '../../lib/network/proxy';
import { probeCapabilities } from '../../lib/platform/linux/probe';
import { RELAY_HTTP_PORT } from '../../lib/platform/linux/proxy-routes';
import { runSandboxed } from '../../lib/spawn/run-sandboxed';
import { HOSTS, proxiedProfile, startProxyWorld, toolsMissing, type ProxyWorld } from '../enforce/proxy-fixture';
import { seededShuffler } from './seeded-shuffle';

const caps = process.platform === 'linux' ? probeCapabilities() : null;
const REQUESTS = 50;
const samples: Record<string, number[]> = {};
const declared: string[] = [];

async function timed(name: string, run: () => Promise<void>): Promise<void> {
  const start = performance.now();
  await run().catch((err: Error) => {
    process.stderr.write(`bench variant "${name}" failed: ${err.message}\n`);
    throw err;
  });
  (samples[name] ??= []).push(performance.now() - start);
}

function restrictedProfile(dir: string): Record<string, unknown> {
  const profile = proxiedProfile(dir);
  return { ...profile, network: 'restricted' };
}

async function sandboxed(policy: unknown, backend: 'namespaces' | 'bwrap', command: string[], proxy?: NetworkProxy): Promise<void> {
  const r = await runSandboxed(command, { permissionProfile: policy, backend, cwd: world!.dir, capabilities: caps!, ...(proxy === undefined ? {} : { proxy }) });
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr}`);
}

const HTTPS_LOOP = [
  'import http.client, os, ssl, sys',
  'ctx = ssl.create_default_context(cafile=os.environ["CA"])',
  'ctx.check_hostname = False',
  'port = int(sys.argv[1])',
  `for _ in range(${REQUESTS}):`,
  '    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx)',
  `    if port == ${RELAY_HTTP_PORT}: c.set_tunnel("${HOSTS.allowed}", 443)`,
  '    c.request("GET", "/")',
  '    c.getresponse().read()',
  '    c.close()',
].join('\n');
const httpsLoop = (port: number): string[] => ['/usr/bin/python3', '-c', HTTPS_LOOP, String(port)];

function enabledProfile(dir: string): Record<string, unknown> {
  return { ...proxiedProfile(dir), network: 'enabled' };
}

const runnable = caps !== null && caps.helperPath !== null && toolsMissing() === null;
// Started by the first round (the warm-up), shared by every variant.
const worldReady: Promise<ProxyWorld> | undefined = runnable ? startProxyWorld() : undefined;
let world: ProxyWorld | undefined;

describe.runIf(runnable)('proxied network', () => {
  // Read when a variant runs, after the first round has started the world.
  const w = (): ProxyWorld => world!;
  const backends = (['namespaces', 'bwrap'] as const).filter((b) => (b === 'bwrap' ? caps?.bwrap !== null : caps?.namespaces.usable));
  const variants: [string, () => Promise<void>][] = [];
  for (const backend of backends) {
    variants.push([`${backend}: restricted`, () => sandboxed(restrictedProfile(w().dir), backend, ['/bin/true'])]);
    variants.push([`${backend}: proxied, warm proxy`, () => sandboxed(proxiedProfile(w().dir), backend, ['/bin/true'], w().proxy)]);
    variants.push([
      `${backend}: proxied, first launch`,
      async () => {
        const fresh = createNetworkProxy();
        try {
          await sandboxed(proxiedProfile(w().dir), backend, ['/bin/true'], fresh);
        } finally {
          await fresh.close();
        }
      },
    ]);
    variants.push([`${backend}: ${REQUESTS} https via relay and proxy`, () => sandboxed(proxiedProfile(w().dir), backend, httpsLoop(RELAY_HTTP_PORT), w().proxy)]);
    variants.push([`${backend}: ${REQUESTS} https direct`, () => sandboxed(enabledProfile(w().dir), backend, httpsLoop(w().httpsPort))]);
  }
  declared.push(...variants.map(([name]) => name));
  const shuffle = seededShuffler(0x2545f491);
  bench(
    'one round of every proxied-network variant',
    async () => {
      world ??= await worldReady;
      process.env.CA = world!.caFile;
      const order = shuffle(variants);
      for (const [name, run] of order) await timed(name, run);
    },
    { time: 60_000, warmupTime: 1_000 },
  );
});

function median(name: string): number | undefined {
  const s = samples[name];
  if (s === undefined) return undefined;
  const sorted = [...s].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

afterAll(async () => {
  const lines = ['', 'variant                                   n   median ms'];
  for (const name of declared) {
    const m = median(name);
    if (m !== undefined) lines.push(`${name.padEnd(40)} ${String(samples[name].length).padStart(4)} ${m.toFixed(2).padStart(10)}`);
  }
  const ratio = (a: string, b: string): string => {
    const x = median(a);
    const y = median(b);
    return x === undefined || y === undefined ? 'n/a' : `${(x / y).toFixed(2)}x`;
  };
  for (const backend of ['namespaces', 'bwrap']) {
    lines.push(`${backend}: proxied warm / restricted: ${ratio(`${backend}: proxied, warm proxy`, `${backend}: restricted`)}`);
    lines.push(`${backend}: proxied first / restricted: ${ratio(`${backend}: proxied, first launch`, `${backend}: restricted`)}`);
    const via = median(`${backend}: ${REQUESTS} https via relay and proxy`);
    const direct = median(`${backend}: ${REQUESTS} https direct`);
    if (via !== undefined && direct !== undefined) lines.push(`${backend}: added latency per https request: ${((via - direct) / REQUESTS).toFixed(2)} ms`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  await world?.close();
});
