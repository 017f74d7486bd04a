// network/ owns codex-sandbox's network proxy: the host-side HTTP and SOCKS5 proxies that decide
// each connection of a sandbox with a proxied network (docs/network.md). It may import policy/ and
// errors; the planners and spawn/ (the relay branch) use it, it uses neither.
//
// One NetworkProxy serves many sandboxes at once. Each attach() is a lease: a private 0700
// directory under os.tmpdir() holding that lease's two unix sockets (plus loopback TCP listeners
// on request, for Seatbelt), the lease's policy and its decision log, so every decision is
// attributed to the sandbox whose socket it arrived on. release() ends the lease's listeners and
// tunnels and removes its directory.

import { mkdtempSync, rmSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { PolicyInvalidError } from '../errors';
import { checkDomainRules } from '../policy/network-decide';
import { isProxiedNetwork } from '../policy/network-predicates';
import type { ProxiedNetwork } from '../policy/types';
import { createHttpProxyServer, type HandlerContext } from './http-proxy';
import { systemDialer, systemResolver, type Dialer } from './open-checked';
import { createSocksServer } from './socks5';

export type Resolver = (host: string) => Promise<string[]>;

export interface ProxyOptions {
  /** Name to addresses; default: the system resolver (getaddrinfo, so /etc/hosts counts). Called once per allowed name. */
  resolver?: (host: string) => Promise<string[]>;
  /**
   * Opens the upstream TCP connection to an address that was already checked. Default:
   * net.connect. A test seam for the network's topology (tests send checked public test
   * addresses to local servers); it sees only decided addresses, so it cannot widen a decision.
   */
  dial?: Dialer;
}

export interface NetworkDecision {
  host: string;
  port: number;
  protocol: 'http' | 'https-connect' | 'socks5';
  allowed: boolean;
  reason: 'allowed' | 'blocked-by-allowlist' | 'blocked-by-denylist' | 'blocked-private-address';
  rule?: string;
  /** Date.now() when decided. */
  at: number;
}

export interface ProxyLease {
  socketDir: string;
  httpSocket: string;
  socksSocket: string;
  tcp?: { httpPort: number; socksPort: number };
  decisions(): NetworkDecision[];
  release(): Promise<void>;
}

export interface NetworkProxy {
  attach(policy: ProxiedNetwork, opts?: { tcp?: boolean }): Promise<ProxyLease>;
  close(): Promise<void>;
}

/** sun_path is 108 bytes on Linux and 104 on macOS, NUL included: the smaller one, for both. */
const MAX_SOCKET_PATH = 103;

function listen(server: Server, at: string | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (typeof at === 'string') server.listen(at, done);
    else server.listen(at.port, at.host, done);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

function portOf(server: Server): number {
  const addr = server.address();
  return typeof addr === 'object' && addr !== null ? addr.port : 0;
}

async function openLease(policy: ProxiedNetwork, opts: { tcp?: boolean }, deps: Required<ProxyOptions>, onRelease: () => void): Promise<ProxyLease> {
  const socketDir = mkdtempSync(join(tmpdir(), 'codex-sandbox-proxy-'));
  const httpSocket = join(socketDir, 'http.sock');
  const socksSocket = join(socketDir, 'socks.sock');
  const decisions: NetworkDecision[] = [];
  const open = new Set<Duplex>();
  const servers: Server[] = [];
  let released: Promise<void> | undefined;
  const track = (s: Duplex): void => {
    if (released !== undefined) {
      s.destroy();
      return;
    }
    open.add(s);
    s.once('close', () => open.delete(s));
  };
  const ctx: HandlerContext = {
    policy,
    trackClient: track,
    deps: {
      resolver: deps.resolver,
      dial: deps.dial,
      record: (d) => {
        if (released === undefined) decisions.push(d);
      },
      track: (s: Socket) => track(s),
    },
  };
  const release = (): Promise<void> => {
    released ??= (async () => {
      for (const s of open) s.destroy();
      await Promise.all(servers.map(closeServer));
      for (const s of open) s.destroy();
      rmSync(socketDir, { recursive: true, force: true });
      onRelease();
    })();
    return released;
  };
  try {
    if (Buffer.byteLength(httpSocket) > MAX_SOCKET_PATH || Buffer.byteLength(socksSocket) > MAX_SOCKET_PATH) {
      throw new Error(`the network proxy's socket path ${socksSocket} is longer than the ${MAX_SOCKET_PATH} bytes a unix socket path may have; set TMPDIR to a shorter directory`);
    }
    const http = createHttpProxyServer(ctx);
    const socks = createSocksServer(ctx);
    servers.push(http, socks);
    await listen(http, httpSocket);
    await listen(socks, socksSocket);
    let tcp: ProxyLease['tcp'];
    if (opts.tcp === true) {
      const httpTcp = createHttpProxyServer(ctx);
      const socksTcp = createSocksServer(ctx);
      servers.push(httpTcp, socksTcp);
      await listen(httpTcp, { host: '127.0.0.1', port: 0 });
      await listen(socksTcp, { host: '127.0.0.1', port: 0 });
      tcp = { httpPort: portOf(httpTcp), socksPort: portOf(socksTcp) };
    }
    const lease: ProxyLease = { socketDir, httpSocket, socksSocket, decisions: () => [...decisions], release };
    if (tcp !== undefined) lease.tcp = tcp;
    return lease;
  } catch (err) {
    await release();
    throw err;
  }
}

/** A proxy with its own leases; close() releases every one of them. */
export function createNetworkProxy(opts: ProxyOptions = {}): NetworkProxy {
  const deps: Required<ProxyOptions> = { resolver: opts.resolver ?? systemResolver, dial: opts.dial ?? systemDialer };
  const leases = new Set<ProxyLease>();
  let closed = false;
  return {
    async attach(policy, attachOpts = {}) {
      if (closed) throw new Error('this network proxy is closed; create another with createNetworkProxy()');
      if (!isProxiedNetwork(policy)) {
        throw new PolicyInvalidError('the network proxy serves only a proxied network policy ({mode: "proxied", allowedDomains, deniedDomains, ...})', { value: policy });
      }
      checkDomainRules(policy);
      const lease = await openLease(policy, attachOpts, deps, () => leases.delete(lease));
      leases.add(lease);
      return lease;
    },
    async close() {
      closed = true;
      await Promise.all([...leases].map((l) => l.release()));
    },
  };
}

let shared: { proxy: NetworkProxy; leases: number } | undefined;

/**
 * The process-wide proxy (the system resolver): started on the first attach, and gone when its
 * last lease is released; the next attach starts a fresh one.
 */
export function sharedNetworkProxy(): NetworkProxy {
  return {
    async attach(policy, opts) {
      shared ??= { proxy: createNetworkProxy(), leases: 0 };
      const current = shared;
      current.leases++;
      let lease: ProxyLease;
      try {
        lease = await current.proxy.attach(policy, opts);
      } catch (err) {
        if (--current.leases === 0 && shared === current) shared = undefined;
        throw err;
      }
      let done = false;
      return {
        ...lease,
        async release() {
          await lease.release();
          if (done) return;
          done = true;
          if (--current.leases === 0 && shared === current) {
            shared = undefined;
            await current.proxy.close();
          }
        },
      };
    },
    async close() {
      const current = shared;
      shared = undefined;
      if (current !== undefined) await current.proxy.close();
    },
  };
}
