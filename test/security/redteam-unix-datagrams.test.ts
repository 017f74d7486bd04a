// Red-team finding R5 (issue #20): with the network restricted, a datagram sent with sendmsg and
// an explicit address reached host Unix sockets: pathname ones on every backend, abstract ones
// under the seccomp-only shape. seccomp cannot read the msghdr, so the filter refuses AF_UNIX
// datagram sockets instead (stream and seqpacket sockets cannot address a peer by name).
// Each case runs unsandboxed first: that control must reach the listeners.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeFixture, PYTHON, type Fixture } from './harness/fixture';
import { runProbe, type Target } from './harness/run-probe';

// Sends one datagram to each target from an unbound AF_UNIX datagram socket and from one end of a
// datagram socketpair, and prints what each attempt got.
const SENDER = `
import json, socket, sys
out = []
for how in ("socket", "socketpair"):
    for name, addr in (("path", sys.argv[1]), ("abstract", "\\0" + sys.argv[2])):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) if how == "socket" else socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)[0]
            s.sendmsg([b"ESCAPE " + how.encode() + b" " + name.encode()], [], 0, addr)
            out.append({"op": how + "-" + name, "ok": True, "errno": None, "detail": ""})
        except OSError as e:
            out.append({"op": how + "-" + name, "ok": False, "errno": e.errno and __import__("errno").errorcode.get(e.errno), "detail": str(e)})
print(json.dumps({"probe": "unix-datagrams", "ops": out}))
`;

/**
 * Two host listeners, a pathname and an abstract datagram socket, in a python child (Node's dgram
 * has no AF_UNIX sockets). Returns what they received after the probe ran.
 */
function withListeners(dir: string, abstract: string, run: (path: string) => Promise<void>): Promise<string[]> {
  const path = join(dir, 'dgram.sock');
  const listener = `
import select, socket, sys, os
if os.path.exists(sys.argv[1]): os.unlink(sys.argv[1])
a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); a.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777)
b = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); b.bind("\\0" + sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()
got = []
while True:
    r, _, _ = select.select([a, b], [], [], 0.2)
    if not r: break
    for s in r: got.append(s.recv(100).decode())
print("\\n".join(got), flush=True)
`;
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', listener, path, abstract], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let started = false;
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!started && out.includes('ready\n')) {
        started = true;
        out = out.slice(out.indexOf('ready\n') + 6);
        run(path).then(
          () => child.stdin.end('done\n'),
          (e: unknown) => {
            child.kill();
            reject(e);
          },
        );
      }
    });
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`listener failed: ${err}`));
      else resolve(out.split('\n').filter((l) => l.startsWith('ESCAPE')));
    });
  });
}

const READ_ONLY = { type: 'read-only' };
const WORKSPACE = { type: 'workspace-write', network_access: false };
const FULL_WRITE_NO_NETWORK = {
  type: 'managed',
  file_system: { type: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'write' }] },
  network: 'restricted',
};

const CASES: { name: string; target: Target }[] = [
  { name: 'bwrap, workspace-write', target: { kind: 'sandbox', backend: 'bwrap', policy: WORKSPACE } },
  { name: 'bwrap, read-only', target: { kind: 'sandbox', backend: 'bwrap', policy: READ_ONLY } },
  { name: 'landlock, read-only', target: { kind: 'sandbox', backend: 'landlock', policy: READ_ONLY } },
  { name: 'auto, full write with the network off', target: { kind: 'sandbox', backend: 'auto', policy: FULL_WRITE_NO_NETWORK } },
];

let fx: Fixture;

beforeAll(() => {
  fx = makeFixture('dgram');
  execFileSync('chmod', ['0755', fx.root, fx.outside]);
});

afterAll(() => fx.remove());

describe.runIf(process.platform === 'linux')('red team R5: Unix datagrams to host sockets with the network restricted', () => {
  it('no sandbox: both listeners receive from a socket and from a socketpair end (the probe can see an escape)', async () => {
    const abstract = `csbx-dgram-${process.pid}-control`;
    const got = await withListeners(fx.outside, abstract, async (path) => {
      const run = await runProbe({ kind: 'host' }, [PYTHON, '-c', SENDER, path, abstract], { cwd: fx.ws });
      expect(
        run.report?.ops.every((o) => o.ok),
        run.stdout + run.stderr,
      ).toBe(true);
    });
    expect(got.sort()).toEqual(['ESCAPE socket abstract', 'ESCAPE socket path', 'ESCAPE socketpair abstract', 'ESCAPE socketpair path']);
  });

  for (const c of CASES) {
    it(`${c.name}: no datagram reaches a host pathname or abstract socket; AF_UNIX datagram sockets are refused (EPERM)`, async () => {
      const abstract = `csbx-dgram-${process.pid}-${c.name.replace(/\W+/g, '-')}`;
      let ops: { op: string; ok: boolean; errno: string | null }[] = [];
      const got = await withListeners(fx.outside, abstract, async (path) => {
        const run = await runProbe(c.target, [PYTHON, '-c', SENDER, path, abstract], { cwd: fx.ws });
        expect(run.refused, `the sandbox refused: ${run.refused?.message}`).toBeUndefined();
        expect(run.report, `probe output: ${run.stdout}${run.stderr}`).toBeDefined();
        ops = run.report?.ops ?? [];
      });
      expect(got, 'datagrams the host listeners received from the sandbox').toEqual([]);
      for (const op of ops) expect(op, `${op.op} was not refused by the filter`).toMatchObject({ ok: false, errno: 'EPERM' });
    });
  }
});
