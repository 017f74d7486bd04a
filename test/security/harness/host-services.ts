// Things on the host that a sandboxed process must not reach: listeners that stand in for host
// daemons (a pathname Unix socket like docker.sock, an abstract socket like X11's, loopback TCP on
// IPv4 and IPv6, UDP), and a long-lived host process holding a secret in its environment.
// Every service records what reached it, so the check happens on the host side.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { PROBES_SRC, PYTHON } from './fixture';

export interface Listeners {
  unixPath: string;
  abstractName: string;
  tcp4Port: number;
  tcp6Port: number;
  udpPort: number;
  /** Waits until every connection already made has been counted. */
  settle(): Promise<void>;
  /** Connections (or datagrams) each listener received, by listener name. */
  hits: Record<'unix' | 'abstract' | 'tcp4' | 'tcp6' | 'udp', number>;
  close(): Promise<void>;
}

function listen(server: Server, ...args: unknown[]): Promise<void> {
  return new Promise((res, rej) => {
    server.once('error', rej);
    (server.listen as (...a: unknown[]) => void)(...args, () => res());
  });
}

export async function startListeners(dir: string): Promise<Listeners> {
  const hits = { unix: 0, abstract: 0, tcp4: 0, tcp6: 0, udp: 0 };
  const servers: Server[] = [];
  const make = (name: keyof typeof hits): Server => {
    const s = createServer((conn) => {
      hits[name] += 1;
      conn.on('error', () => undefined);
      conn.resume();
      conn.end();
    });
    servers.push(s);
    return s;
  };
  const unixPath = join(dir, 'daemon.sock');
  const abstractName = `csbx-test-${randomBytes(6).toString('hex')}`;
  await listen(make('unix'), unixPath);
  const abstract = spawn(PYTHON, [join(PROBES_SRC, 'abstract-listener.py'), abstractName], { stdio: ['pipe', 'pipe', 'inherit'] });
  let abstractOut = '';
  let onOutput = (): void => undefined;
  abstract.stdout?.on('data', (d: Buffer) => {
    abstractOut += d.toString();
    hits.abstract = (abstractOut.match(/^hit$/gm) ?? []).length;
    onOutput();
  });
  const waitFor = (line: string, count: number): Promise<void> =>
    new Promise((res, rej) => {
      const check = (): void => {
        if ((abstractOut.match(new RegExp(`^${line}$`, 'gm')) ?? []).length >= count) res();
      };
      onOutput = check;
      abstract.once('exit', (code) => rej(new Error(`abstract listener exited with ${code}`)));
      check();
    });
  await waitFor('ready', 1);
  let syncs = 0;
  const tcp4 = make('tcp4');
  await listen(tcp4, 0, '127.0.0.1');
  const tcp6 = make('tcp6');
  await listen(tcp6, 0, '::1');
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', () => (hits.udp += 1));
  await new Promise<void>((res) => udp.bind(0, '127.0.0.1', () => res()));
  const port = (s: Server): number => (s.address() as { port: number }).port;
  return {
    unixPath,
    abstractName,
    tcp4Port: port(tcp4),
    tcp6Port: port(tcp6),
    udpPort: udp.address().port,
    hits,
    settle: async () => {
      syncs += 1;
      abstract.stdin?.write('sync\n');
      await waitFor('synced', syncs);
      // Node's listeners report a queued connection on the next turns of the event loop.
      for (let i = 0; i < 5; i++) await new Promise((res) => setImmediate(res));
    },
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
      if (abstract.exitCode === null) {
        const exited = new Promise<void>((res) => abstract.once('exit', () => res()));
        abstract.stdin?.end();
        await exited;
      }
      await new Promise<void>((res) => udp.close(() => res()));
    },
  };
}

export interface HostVictim {
  pid: number;
  secret: string;
  alive(): boolean;
  stop(): Promise<void>;
}

/** A host process outside any sandbox, with a secret in its environment. */
export async function startVictim(): Promise<HostVictim> {
  const secret = `csbx-secret-${randomBytes(8).toString('hex')}`;
  const child: ChildProcess = spawn('/bin/sleep', ['600'], { env: { CSBX_VICTIM_SECRET: secret }, stdio: 'ignore' });
  await new Promise<void>((res, rej) => {
    child.once('spawn', () => res());
    child.once('error', rej);
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const pid = child.pid as number;
  return {
    pid,
    secret,
    alive: () => !exited && child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (exited) return;
      const done = new Promise<void>((res) => child.once('exit', () => res()));
      child.kill('SIGKILL');
      await done;
    },
  };
}

/** Host pids whose command line contains `token` (a daemon that outlived its sandbox). */
export function processesWithToken(token: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(token)) found.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return found;
}
