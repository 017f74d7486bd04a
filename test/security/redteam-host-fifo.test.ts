// Red-team finding R8 (issue #20): opening a FIFO for writing ignores a read-only mount, so under
// bubblewrap a sandboxed command wrote into a host FIFO that explain() says is read-only. The
// inner helper now adds a Landlock layer that handles WRITE_FILE and grants it only where the
// mounts allow writing. A host process holds the FIFO's read end and reports what arrived; an
// unsandboxed control must get through.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { explain, parsePolicyInput, resolvePolicy } from '../../lib';
import { makeFixture, PYTHON, type Fixture } from './harness/fixture';
import { runProbe, type Target } from './harness/run-probe';

const READER = `
import os, select, sys
path = sys.argv[1]
if os.path.exists(path): os.unlink(path)
os.mkfifo(path, 0o666)
fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
print("ready", flush=True)
sys.stdin.readline()
got = b""
try:
    got = os.read(fd, 100)
except BlockingIOError:
    pass
print(got.decode(errors="replace"), flush=True)
os.close(fd); os.unlink(path)
`;

const WRITER = `
import json, os, sys
ops = []
for path in sys.argv[1:]:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.write(fd, b"ESCAPE")
        os.close(fd)
        ops.append({"op": "write " + path, "ok": True, "errno": None, "detail": ""})
    except OSError as e:
        ops.append({"op": "write " + path, "ok": False, "errno": __import__("errno").errorcode.get(e.errno), "detail": str(e)})
print(json.dumps({"probe": "fifo", "ops": ops}))
`;

/** Makes a FIFO at `path` with a host reader, runs `attack`, returns what the reader received. */
function withHostFifo(path: string, attack: () => Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = spawn(PYTHON, ['-c', READER, path], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let started = false;
    reader.stderr.on('data', (d: Buffer) => (err += d.toString()));
    reader.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!started && out.startsWith('ready\n')) {
        started = true;
        out = '';
        attack().then(
          () => reader.stdin.end('go\n'),
          (e: unknown) => {
            reader.kill();
            reject(e);
          },
        );
      }
    });
    reader.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`FIFO reader failed: ${err}`))));
  });
}

let fx: Fixture;
beforeAll(() => {
  fx = makeFixture('fifo');
});
afterAll(() => fx.remove());

const READ_ONLY = { type: 'read-only' };
const WORKSPACE = { type: 'workspace-write', network_access: false, exclude_slash_tmp: true, exclude_tmpdir_env_var: true };

describe.runIf(process.platform === 'linux')('red team R8: writes into a host FIFO the policy makes read-only', () => {
  it('no sandbox: the write reaches the host reader (the probe can see an escape)', async () => {
    const fifo = join(fx.outside, 'control.fifo');
    const got = await withHostFifo(fifo, async () => {
      const run = await runProbe({ kind: 'host' }, [PYTHON, '-c', WRITER, fifo], { cwd: fx.ws });
      expect(run.report?.ops[0]?.ok, run.stdout + run.stderr).toBe(true);
    });
    expect(got).toBe('ESCAPE');
  });

  const cases: { name: string; policy: unknown; dir: () => string }[] = [
    { name: 'read-only policy, FIFO anywhere', policy: READ_ONLY, dir: () => fx.ws },
    { name: 'workspace-write, FIFO outside the writable roots', policy: WORKSPACE, dir: () => fx.outside },
  ];
  for (const c of cases) {
    it(`bwrap, ${c.name}: nothing reaches the host reader, and explain() denies the write`, async () => {
      const fifo = join(c.dir(), 'host.fifo');
      const resolved = resolvePolicy(parsePolicyInput(c.policy), { cwd: fx.ws });
      expect(explain(resolved, fifo, 'write').allowed, 'explain() says the write is denied').toBe(false);
      const target: Target = { kind: 'sandbox', backend: 'bwrap', policy: c.policy };
      let op: { ok: boolean; errno: string | null } | undefined;
      const got = await withHostFifo(fifo, async () => {
        const run = await runProbe(target, [PYTHON, '-c', WRITER, fifo], { cwd: fx.ws });
        expect(run.refused, run.refused?.message).toBeUndefined();
        op = run.report?.ops[0];
        expect(op, run.stdout + run.stderr).toBeDefined();
      });
      expect(got, 'bytes the host reader received from the sandbox').toBe('');
      expect(op).toMatchObject({ ok: false, errno: 'EACCES' });
    });
  }

  it('bwrap, workspace-write: a FIFO inside the writable root still works both ways', async () => {
    const fifo = join(fx.ws, 'inside.fifo');
    const got = await withHostFifo(fifo, async () => {
      const run = await runProbe({ kind: 'sandbox', backend: 'bwrap', policy: WORKSPACE }, [PYTHON, '-c', WRITER, fifo], { cwd: fx.ws });
      expect(run.report?.ops[0]?.ok, run.stdout + run.stderr).toBe(true);
    });
    expect(got).toBe('ESCAPE');
  });
});
