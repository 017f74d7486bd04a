// network/socks5: the SOCKS5 proxy of one lease (RFC 1928): no authentication, CONNECT only. A
// domain-name address is resolved by the proxy (what clients call socks5h), so the name is what
// the rules judge; IPv4 and IPv6 addresses are judged as raw IPs. A refusal is reply 0x02
// ("connection not allowed by ruleset").

import { createServer, type Server, type Socket } from 'node:net';
import { canonicalIPv6 } from '../policy/ip-address';
import type { HandlerContext } from './http-proxy';
import { joinTunnel, openChecked } from './open-checked';

const VERSION = 0x05;
const NO_AUTH = 0x00;
const NO_ACCEPTABLE_METHOD = 0xff;
const CMD_CONNECT = 0x01;

/** The SOCKS5 reply codes a server sends back for a request. */
const REPLY = {
  succeeded: 0x00,
  generalFailure: 0x01,
  notAllowedByRuleset: 0x02,
  networkUnreachable: 0x03,
  hostUnreachable: 0x04,
  connectionRefused: 0x05,
  commandNotSupported: 0x07,
  addressTypeNotSupported: 0x08,
} as const;

function replyFor(code: string): number {
  switch (code) {
    case 'ECONNREFUSED':
      return REPLY.connectionRefused;
    case 'ENETUNREACH':
      return REPLY.networkUnreachable;
    case 'EHOSTUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
      return REPLY.hostUnreachable;
    default:
      return REPLY.generalFailure;
  }
}

/** VER REP RSV ATYP=IPv4 0.0.0.0:0: the bound address is the proxy's business, not the client's. */
function reply(code: number): Buffer {
  return Buffer.from([VERSION, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
}

/** Reads exact byte counts from a socket that delivers arbitrary chunks. */
function byteReader(socket: Socket): { read(n: number): Promise<Buffer>; release(): void } {
  let buffered = Buffer.alloc(0);
  let pending: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  const pump = (): void => {
    if (pending === undefined || buffered.length < pending.n) return;
    const out = buffered.subarray(0, pending.n);
    buffered = buffered.subarray(pending.n);
    const p = pending;
    pending = undefined;
    p.resolve(out);
  };
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    pump();
  };
  const onEnd = (): void => pending?.reject(new Error('client closed during the SOCKS handshake'));
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('close', onEnd);
  return {
    read(n) {
      return new Promise((resolve, reject) => {
        pending = { n, resolve, reject };
        pump();
      });
    },
    release() {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      // Bytes a client sent ahead of our reply belong to the tunnel.
      if (buffered.length > 0) socket.unshift(buffered);
    },
  };
}

async function readAddress(read: (n: number) => Promise<Buffer>, atyp: number): Promise<string | undefined> {
  if (atyp === 0x01) return [...(await read(4))].join('.');
  if (atyp === 0x03) {
    const len = (await read(1))[0];
    return (await read(len)).toString('latin1');
  }
  if (atyp === 0x04) {
    const b = await read(16);
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
    return canonicalIPv6(groups.join(':'));
  }
  return undefined;
}

async function handle(ctx: HandlerContext, client: Socket): Promise<void> {
  const reader = byteReader(client);
  const [ver, nMethods] = await reader.read(2);
  if (ver !== VERSION) {
    client.destroy();
    return;
  }
  const methods = await reader.read(nMethods);
  if (!methods.includes(NO_AUTH)) {
    client.end(Buffer.from([VERSION, NO_ACCEPTABLE_METHOD]));
    return;
  }
  client.write(Buffer.from([VERSION, NO_AUTH]));
  const [rver, cmd, , atyp] = await reader.read(4);
  if (rver !== VERSION) {
    client.destroy();
    return;
  }
  const host = await readAddress(reader.read, atyp);
  if (host === undefined) {
    client.end(reply(REPLY.addressTypeNotSupported));
    return;
  }
  const port = (await reader.read(2)).readUInt16BE(0);
  if (cmd !== CMD_CONNECT) {
    // BIND and UDP ASSOCIATE would open paths the per-connection decision cannot see.
    client.end(reply(REPLY.commandNotSupported));
    return;
  }
  const outcome = await openChecked(ctx.policy, { host, port, protocol: 'socks5' }, ctx.deps);
  if (outcome.kind === 'blocked') {
    client.end(reply(REPLY.notAllowedByRuleset));
    return;
  }
  if (outcome.kind === 'unreachable') {
    client.end(reply(replyFor(outcome.code)));
    return;
  }
  // Released first: bytes the client sent ahead of the reply go back on the stream the tunnel pipes.
  reader.release();
  joinTunnel(client, outcome.socket, reply(REPLY.succeeded));
  client.resume();
}

export function createSocksServer(ctx: HandlerContext): Server {
  return createServer((client) => {
    ctx.trackClient(client);
    client.on('error', () => client.destroy());
    handle(ctx, client).catch(() => client.destroy());
  });
}
