// network/http-proxy: the HTTP proxy of one lease. CONNECT opens a tunnel; an absolute-URI
// request (`GET http://host/path`) is forwarded on a fresh upstream connection per request, so
// every request on a keep-alive client connection is decided on its own. Blocked requests get
// 403 with `x-proxy-error` (the reference's header and values).

import type * as Http from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { splitHostPort } from '../policy/domain-pattern';
import { joinTunnel, openChecked, type OpenDeps, type OpenOutcome } from './open-checked';
import type { ProxiedNetwork } from '../policy/types';

/**
 * node:http on first use: requiring the library must not load the HTTP stack for callers that
 * never attach a proxy (start-up cost, docs/benchmarks.md#start-up).
 */
let httpModule: typeof Http | undefined;
function http(): typeof Http {
  httpModule ??= require('node:http') as typeof Http;
  return httpModule;
}

export interface HandlerContext {
  policy: ProxiedNetwork;
  deps: OpenDeps;
  /** Every client connection, so a release can end it. */
  trackClient: (s: Duplex) => void;
}

/**
 * Hop-by-hop headers (they describe one connection, not the request) and the proxy's own: never
 * forwarded. `host` is rewritten from the absolute URI, which HTTP ranks above a Host header that
 * disagrees, so the origin sees the host the decision was made for (a mismatching Host is a
 * fronting attempt).
 */
const DROPPED = new Set(['connection', 'proxy-connection', 'keep-alive', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

function forwardedHeaders(raw: string[], extraDrop: Set<string>): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (!DROPPED.has(name) && !extraDrop.has(name)) out.push([raw[i], raw[i + 1]]);
  }
  return out;
}

/** Header names a Connection header lists are hop-by-hop too. */
function connectionListed(raw: string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name === 'connection' || name === 'proxy-connection') for (const t of raw[i + 1].split(',')) out.add(t.trim().toLowerCase());
  }
  return out;
}

function refuse(res: ServerResponse, status: number, error: string | undefined, text: string): void {
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) };
  if (error !== undefined) headers['x-proxy-error'] = error;
  res.writeHead(status, headers);
  res.end(text);
}

function outcomeText(o: Exclude<OpenOutcome, { kind: 'connected' }>): string {
  const d = o.decision;
  if (o.kind === 'unreachable') return `codex-sandbox proxy: ${d.host}:${d.port} is unreachable (${o.code})\n`;
  return `codex-sandbox proxy: ${d.host}:${d.port} ${d.reason}${d.rule === undefined ? '' : ` (rule \`${d.rule}\`)`}\n`;
}

async function forward(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '');
  } catch {
    refuse(res, 400, undefined, 'codex-sandbox proxy: only absolute http:// URLs and CONNECT are proxied\n');
    return;
  }
  if (url.protocol !== 'http:') {
    refuse(res, 400, undefined, `codex-sandbox proxy: ${url.protocol} URLs are not proxied; use CONNECT for https\n`);
    return;
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? 80 : Number(url.port);
  const outcome = await openChecked(ctx.policy, { host, port, protocol: 'http' }, ctx.deps);
  if (outcome.kind !== 'connected') {
    refuse(res, outcome.kind === 'blocked' ? 403 : 502, outcome.kind === 'blocked' ? outcome.decision.reason : undefined, outcomeText(outcome));
    return;
  }
  const upstreamSocket = outcome.socket;
  const headers = forwardedHeaders(req.rawHeaders, connectionListed(req.rawHeaders));
  headers.unshift(['Host', url.host]);
  const upstream = http().request({
    method: req.method,
    path: `${url.pathname}${url.search}`,
    headers: headers.flat(),
    // No agent: the request uses this checked socket and sends `Connection: close` on it.
    createConnection: () => upstreamSocket,
    setHost: false,
  });
  upstream.on('response', (up) => {
    const back = forwardedHeaders(up.rawHeaders, connectionListed(up.rawHeaders));
    // The host header is dropped with the hop-by-hop set above; a response never carries one that matters.
    res.writeHead(up.statusCode ?? 502, up.statusMessage, back.flat());
    up.pipe(res);
    up.on('error', () => res.destroy());
  });
  upstream.on('error', () => {
    if (!res.headersSent) refuse(res, 502, undefined, `codex-sandbox proxy: ${host}:${port} closed the connection\n`);
    else res.destroy();
    upstreamSocket.destroy();
  });
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

async function tunnel(ctx: HandlerContext, req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
  ctx.trackClient(client);
  client.on('error', () => client.destroy());
  const target = splitHostPort(req.url ?? '');
  if (target === undefined) {
    client.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    return;
  }
  const outcome = await openChecked(ctx.policy, { ...target, protocol: 'https-connect' }, ctx.deps);
  if (outcome.kind !== 'connected') {
    const status = outcome.kind === 'blocked' ? '403 Forbidden' : '502 Bad Gateway';
    const body = outcomeText(outcome);
    const error = outcome.kind === 'blocked' ? `x-proxy-error: ${outcome.decision.reason}\r\n` : '';
    client.end(`HTTP/1.1 ${status}\r\n${error}content-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    return;
  }
  joinTunnel(client, outcome.socket, 'HTTP/1.1 200 Connection Established\r\n\r\n', head);
}

export function createHttpProxyServer(ctx: HandlerContext): Server {
  const server = http().createServer();
  server.on('connection', (s: Socket) => ctx.trackClient(s));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void forward(ctx, req, res);
  });
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    void tunnel(ctx, req, client, head);
  });
  // A malformed request or a client reset ends that connection only.
  server.on('clientError', (_err, socket: Duplex) => socket.destroy());
  return server;
}
