// Local origin servers and clients for the proxy tests: an HTTP and an HTTPS (self-signed,
// made with openssl) server on 127.0.0.1, and raw clients for HTTP-through-proxy, CONNECT and
// SOCKS5 over the lease's unix sockets.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';

export interface Origins {
  httpPort: number;
  httpsPort: number;
  cert: string | undefined;
  /** Requests the HTTP origin saw: its Host header and path. */
  seen: { host: string | undefined; path: string | undefined }[];
  /** Connections the origins still hold open. */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

/** Points os.tmpdir() (and so the proxy's lease directories) at `dir` until the returned function restores it. */
export function tmpdirAt(dir: string): () => void {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  };
}

export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A self-signed certificate for `names`, made in `dir`. */
export function selfSignedCert(dir: string, names: string[]): { key: string; cert: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${names[0]}`,
      '-addext',
      `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export async function startOrigins(tls: { key: string; cert: string } | undefined): Promise<Origins> {
  const seen: Origins['seen'] = [];
  const http = createHttpServer((req, res) => {
    seen.push({ host: req.headers.host, path: req.url });
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => res.end(`http origin: ${req.method} ${req.url}${body === '' ? '' : ` body=${body}`}`));
  });
  const https = tls === undefined ? undefined : createHttpsServer(tls, (req, res) => res.end(`https origin: ${req.url}`));
  const httpPort = await listen(http);
  const httpsPort = https === undefined ? 0 : await listen(https as unknown as Server);
  return {
    httpPort,
    httpsPort,
    cert: tls?.cert,
    seen,
    openConnections: async () => {
      const count = (server: Server | undefined): Promise<number> => new Promise((resolve) => (server === undefined ? resolve(0) : server.getConnections((_err, n) => resolve(n))));
      return (await count(http)) + (await count(https as unknown as Server | undefined));
    },
    close: async () => {
      http.closeAllConnections();
      https?.closeAllConnections();
      await Promise.all([new Promise((r) => http.close(r)), https === undefined ? undefined : new Promise((r) => https.close(r))]);
    },
  };
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An absolute-URI request through the proxy's HTTP socket. */
export function proxiedGet(socketPath: string, url: string, headers: Record<string, string> = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const host = URL.canParse(url) ? new URL(url).host : 'proxy';
    const req = request({ socketPath, path: url, method: 'GET', headers: { host, connection: 'close', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** CONNECT through the proxy's HTTP socket: the reply status and headers, and the tunnel on 200. */
export function proxiedConnect(socketPath: string, target: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method: 'CONNECT', path: target, headers: { host: target } });
    req.on('connect', (res, socket) => resolve({ status: res.statusCode ?? 0, headers: res.headers, socket: socket as Socket }));
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, socket: res.socket as Socket });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends one HTTP/1.1 request over an open stream and returns everything until the peer closes. */
export function rawExchange(stream: Socket | ReturnType<typeof tlsConnect>, host: string, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (out += c));
    stream.on('end', () => resolve(out));
    stream.on('close', () => resolve(out));
    stream.on('error', reject);
    stream.resume();
    stream.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  });
}

/** TLS over a CONNECT tunnel, verifying `servername` against `ca`. */
export function tlsOver(socket: Socket, servername: string, ca: string): Promise<ReturnType<typeof tlsConnect>> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ socket, servername, ca }, () => resolve(tls));
    tls.on('error', reject);
  });
}

/** Reads exactly n bytes. */
function readN(socket: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer): void => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= n) {
        socket.off('data', onData);
        socket.off('close', onClose);
        socket.pause();
        if (buf.length > n) socket.unshift(buf.subarray(n));
        resolve(buf.subarray(0, n));
      }
    };
    const onClose = (): void => reject(new Error(`closed after ${buf.length} of ${n} bytes`));
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.resume();
  });
}

export type SocksAddress = { type: 'domain'; host: string } | { type: 'ipv4'; host: string } | { type: 'ipv6'; bytes: number[] };

/** A SOCKS5 CONNECT (no auth) over the lease's socket: the reply code, and the open socket. */
export async function socksConnect(socketPath: string, address: SocksAddress, port: number, cmd = 0x01): Promise<{ reply: number; socket: Socket }> {
  const socket = connect(socketPath);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(Buffer.from([5, 1, 0]));
  const method = await readN(socket, 2);
  if (method[1] !== 0) throw new Error(`method ${method[1]}`);
  let addr: Buffer;
  if (address.type === 'domain') addr = Buffer.concat([Buffer.from([3, Buffer.byteLength(address.host)]), Buffer.from(address.host)]);
  else if (address.type === 'ipv4') addr = Buffer.from([1, ...address.host.split('.').map(Number)]);
  else addr = Buffer.from([4, ...address.bytes]);
  const p = Buffer.alloc(2);
  p.writeUInt16BE(port);
  socket.write(Buffer.concat([Buffer.from([5, cmd, 0]), addr, p]));
  const reply = await readN(socket, 10);
  return { reply: reply[1], socket };
}
