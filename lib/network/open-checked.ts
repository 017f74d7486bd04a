// network/open-checked: one destination from request to connected socket, in the order that
// keeps the decision honest: decide on the rules (no lookup for a name the rules refuse), resolve
// once, decide again on every address the name resolved to, then connect to one of those checked
// addresses (never a second lookup, so a rebinding DNS answer cannot swap the address between the
// check and the connection).

import type * as Dns from 'node:dns/promises';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { normalizeHost } from '../policy/domain-pattern';
import { ipFamily } from '../policy/ip-address';
import { decideNetwork } from '../policy/network-decide';
import type { ProxiedNetwork } from '../policy/types';
import type { NetworkDecision, Resolver } from './proxy';

export type Dialer = (address: string, port: number) => Socket;

export interface Destination {
  host: string;
  port: number;
  protocol: NetworkDecision['protocol'];
}

export type OpenOutcome =
  | { kind: 'blocked'; decision: NetworkDecision }
  | { kind: 'unreachable'; decision: NetworkDecision; code: string }
  | { kind: 'connected'; decision: NetworkDecision; socket: Socket };

/** getaddrinfo, so /etc/hosts counts; node:dns is loaded on the first lookup, not with the library. */
export const systemResolver: Resolver = async (host) => {
  const { lookup } = require('node:dns/promises') as typeof Dns;
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
};

export const systemDialer: Dialer = (address, port) => connect({ host: address, port });

function decisionOf(dest: Destination, verdict: ReturnType<typeof decideNetwork>): NetworkDecision {
  const d: NetworkDecision = { host: dest.host, port: dest.port, protocol: dest.protocol, allowed: verdict.allowed, reason: verdict.reason, at: Date.now() };
  if (verdict.rule !== undefined) d.rule = verdict.rule;
  return d;
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}

export interface OpenDeps {
  resolver: Resolver;
  dial: Dialer;
  /** Called once per destination with the verdict, before any connection is attempted. */
  record: (d: NetworkDecision) => void;
  /** Called with the upstream socket as soon as it exists, so a release can destroy it mid-connect. */
  track: (s: Socket) => void;
}

export async function openChecked(policy: ProxiedNetwork, dest: Destination, deps: OpenDeps): Promise<OpenOutcome> {
  const host = normalizeHost(dest.host);
  const first = decideNetwork(policy, host, dest.port);
  if (!first.allowed) {
    const decision = decisionOf(dest, first);
    deps.record(decision);
    return { kind: 'blocked', decision };
  }
  let addresses: string[];
  if (ipFamily(host) !== undefined) {
    addresses = [host];
  } else {
    try {
      addresses = (await deps.resolver(host)).map(normalizeHost);
    } catch (err) {
      const decision = decisionOf(dest, first);
      deps.record(decision);
      return { kind: 'unreachable', decision, code: errorCode(err) === 'EUNKNOWN' ? 'ENOTFOUND' : errorCode(err) };
    }
  }
  // A resolver answer that is not an IP literal cannot be checked; it refuses the name.
  if (addresses.length === 0 || addresses.some((a) => ipFamily(a) === undefined)) {
    const decision = decisionOf(dest, first);
    deps.record(decision);
    return { kind: 'unreachable', decision, code: 'ENOTFOUND' };
  }
  const verdict = decideNetwork(policy, host, dest.port, addresses);
  const decision = decisionOf(dest, verdict);
  deps.record(decision);
  if (!verdict.allowed) return { kind: 'blocked', decision };
  const socket = deps.dial(addresses[0], dest.port);
  deps.track(socket);
  return new Promise((resolve) => {
    const onError = (err: Error): void => {
      socket.destroy();
      resolve({ kind: 'unreachable', decision, code: errorCode(err) });
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve({ kind: 'connected', decision, socket });
    });
  });
}

/**
 * Joins an accepted client to its connected upstream: answers the client with `greeting`, sends
 * bytes the client sent early, then pipes both ways; either side closing or failing ends both.
 */
export function joinTunnel(client: Duplex, upstream: Socket, greeting: string | Buffer, early?: Buffer): void {
  if (client.destroyed) {
    upstream.destroy();
    return;
  }
  upstream.on('error', () => client.destroy());
  upstream.on('close', () => client.destroy());
  client.on('close', () => upstream.destroy());
  client.write(greeting);
  if (early !== undefined && early.length > 0) upstream.write(early);
  client.pipe(upstream);
  upstream.pipe(client);
}
