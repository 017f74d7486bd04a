// The world a proxied sandbox sees in the enforcement tests, with no internet: an HTTP and an
// HTTPS (self-signed) origin on 127.0.0.1, a dumb-HTTP git repository on the HTTP origin, and a
// network proxy whose injected resolver names test hosts with documentation addresses
// (TEST-NET-3, which a real network never routes) and a private one, and whose dialer sends
// those checked addresses to the local origins.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

import { createNetworkProxy, type NetworkProxy } from '../../lib/network/proxy';
import { afterAll, beforeAll, it } from 'vitest';

import type { BackendName } from '../../lib/platform/common/types';
import { makeTempDir } from '../helpers/temp';
import { itOn, pathEntry, rootEntry } from './support';

export const HOSTS = {
  allowed: 'allowed.test',
  denied: 'denied.test',
  unlisted: 'unlisted.test',
  private: 'private.test',
} as const;

/** TEST-NET-3 (RFC 5737) for the public names, 10/8 for the private one. */
const ADDRESSES: Record<string, string> = {
  [HOSTS.allowed]: '203.0.113.10',
  [HOSTS.denied]: '203.0.113.11',
  [HOSTS.unlisted]: '203.0.113.12',
  [HOSTS.private]: '10.0.0.5',
};
export const ALLOWED_ADDRESS = ADDRESSES[HOSTS.allowed];

/** The wire form of the policies the tests run: allowed names, one of them also denied. */
export function proxiedProfile(dir: string, network: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'managed',
    file_system: { type: 'restricted', entries: [rootEntry('read'), pathEntry(dir, 'write')] },
    network: { mode: 'proxied', allowed_domains: [HOSTS.allowed, HOSTS.denied, HOSTS.private], denied_domains: [HOSTS.denied], ...network },
  };
}

export interface ProxyWorld {
  dir: string;
  /** os.tmpdir() while the world lives: where leases make their folders. */
  leaseDir: string;
  /** The self-signed certificate's file, readable in the sandbox. */
  caFile: string;
  /** Requests the origins answered, as "host path". */
  seen: string[];
  /** The HTTPS origin's own port on 127.0.0.1 (the bench's direct baseline). */
  httpsPort: number;
  proxy: NetworkProxy;
  close(): Promise<void>;
}

/** Why the clients these tests run are missing, or null when all are installed. */
export function toolsMissing(): string | null {
  for (const [tool, args] of [
    ['curl', ['--version']],
    ['openssl', ['version']],
    ['git', ['--version']],
    ['/usr/bin/python3', ['--version']],
  ] as const) {
    try {
      execFileSync(tool, args, { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (apt-get install ${tool.replace('/usr/bin/', '')})`;
    }
  }
  return null;
}

function selfSigned(dir: string): { key: string; cert: string; caFile: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const names = Object.values(HOSTS).map((n) => `DNS:${n}`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${HOSTS.allowed}`].concat([
      '-addext',
      `subjectAltName=${names.join(',')}`,
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), caFile: cert };
}

/** A bare repository served as plain files (git's dumb HTTP protocol). */
function makeRepo(dir: string): string {
  const work = join(dir, 'src');
  const bare = join(dir, 'served', 'repo.git');
  mkdirSync(work, { recursive: true });
  const git = (cwd: string, ...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd, stdio: 'ignore' });
  };
  git(work, 'init', '-q');
  writeFileSync(join(work, 'README'), 'served through the proxy\n');
  git(work, 'add', 'README');
  git(work, 'commit', '-q', '-m', 'one');
  git(dir, 'clone', '-q', '--bare', work, bare);
  git(bare, 'update-server-info');
  return join(dir, 'served');
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/**
 * Leases make their socket directories under os.tmpdir(). The world points TMPDIR at a folder of
 * its own while it lives, so other test files running at the same time (the security suite's
 * residue checks) never see a lease's folder come and go, and a leftover would be found here.
 */
export async function startProxyWorld(): Promise<ProxyWorld> {
  const tmp = makeTempDir('proxy-world');
  const leases = join(tmp.path, 'leases');
  mkdirSync(leases);
  const savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = leases;
  const tls = selfSigned(tmp.path);
  const served = makeRepo(tmp.path);
  const seen: string[] = [];
  const answer = (scheme: string) => (req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.headers.host} ${req.url}`);
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]));
    if (path.startsWith('/repo.git/')) {
      const file = join(served, path);
      if (!existsSync(file)) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.end(readFileSync(file));
      return;
    }
    res.end(`${scheme} origin: ${req.url}`);
  };
  const http = createHttpServer(answer('http'));
  const https = createHttpsServer({ key: tls.key, cert: tls.cert }, answer('https'));
  const httpPort = await listen(http);
  const httpsPort = await listen(https as unknown as Server);
  const proxy = createNetworkProxy({
    resolver: async (host) => {
      const address = ADDRESSES[host.toLowerCase()];
      if (address === undefined) throw Object.assign(new Error(`no such test host ${host}`), { code: 'ENOTFOUND' });
      return [address];
    },
    // Only checked addresses arrive here; each goes to the local origin for its port.
    dial: (_address, port) => connect({ host: '127.0.0.1', port: port === 443 ? httpsPort : httpPort }),
  });
  return {
    dir: tmp.path,
    leaseDir: leases,
    caFile: tls.caFile,
    seen,
    httpsPort,
    proxy,
    close: async () => {
      await proxy.close();
      if (savedTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmpdir;
      http.closeAllConnections();
      https.closeAllConnections();
      await Promise.all([new Promise((r) => http.close(r)), new Promise((r) => https.close(r))]);
      tmp.remove();
    },
  };
}

type Case = (name: string, fn: () => Promise<void>) => void;

/**
 * One world for the calling test file, started before its cases and closed after them, and `it`
 * for a case that needs `backend` and the clients: skipped with the reason outside CI, a failure
 * in CI, when a client is missing.
 */
export function proxyWorldSuite(timeoutMs: number): { world: () => ProxyWorld; itWith: (backend: BackendName) => Case } {
  const missing = process.platform === 'linux' ? toolsMissing() : 'not Linux';
  let world: ProxyWorld | undefined;
  beforeAll(async () => {
    if (missing === null) world = await startProxyWorld();
  }, 30_000);
  afterAll(async () => {
    await world?.close();
  });
  const itWith = (backend: BackendName): Case => {
    if (missing === null) return (name, fn) => itOn(backend)(name, fn, timeoutMs);
    if (process.env.CI === 'true') return (name) => it(name, () => Promise.reject(new Error(`CI requires the proxy clients: ${missing}`)));
    return (name, fn) => it.skip(`${name} [skipped: ${missing}]`, fn);
  };
  return { world: () => world!, itWith };
}
