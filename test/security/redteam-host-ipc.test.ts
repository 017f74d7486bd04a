// Red-team finding R6 (issue #20): the Landlock and seccomp-only backends have no IPC namespace,
// so a sandboxed command could attach the host's SysV shared memory, read and add messages on its
// message queues, and open its POSIX message queues, by key, id or name. The helper now refuses
// those calls on the helper-only backends (--deny-ipc); bubblewrap has a private IPC namespace.
// The host owns the objects and checks them afterwards; an unsandboxed control must get through.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeFixture, PYTHON, type Fixture } from './harness/fixture';
import { runProbe, type Target } from './harness/run-probe';

// ctypes bindings shared by the host side and the probe.
const LIBC = `
import ctypes, ctypes.util, errno, json, os, sys
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
class Msg(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 64)]
IPC_CREAT, IPC_EXCL, IPC_NOWAIT, IPC_RMID, O_RDWR, O_CREAT = 0o1000, 0o2000, 0o4000, 0, 2, 0o100
def err():
    e = ctypes.get_errno()
    return errno.errorcode.get(e, str(e))
`;

// Creates a shm segment holding a secret, a message queue holding one message and a POSIX
// queue; prints their ids; on "check" prints their state; on "remove" removes them.
const HOST = `${LIBC}
key = int(sys.argv[1]); mqname = sys.argv[2].encode()
shm = libc.shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0o600)
if shm < 0: sys.exit("shmget: " + err())
addr = libc.shmat(shm, None, 0)
ctypes.memmove(addr, b"HOST-SECRET\\0", 12)
msq = libc.msgget(key, IPC_CREAT | IPC_EXCL | 0o600)
if msq < 0: sys.exit("msgget: " + err())
m = Msg(1, b"HOST-MESSAGE")
if libc.msgsnd(msq, ctypes.byref(m), 64, 0) != 0: sys.exit("msgsnd: " + err())
mq = libc.mq_open(mqname, O_RDWR | O_CREAT, 0o600, None)
if mq < 0: sys.exit("mq_open: " + err())
print(json.dumps({"shm": shm, "msq": msq}), flush=True)
sys.stdin.readline()
info = (ctypes.c_char * 256)()
libc.msgctl(msq, 2, info)  # IPC_STAT: struct msqid_ds; msg_qnum sits after ipc_perm (48) and three times (24) and msg_cbytes (8)
qnum = ctypes.c_ulong.from_buffer(info, 48 + 24 + 8).value
attrs = (ctypes.c_long * 8)()
libc.mq_getattr(mq, attrs)
print(json.dumps({"shm": ctypes.string_at(addr, 12).rstrip(b"\\0").decode(), "msq_messages": qnum, "mq_messages": attrs[3]}), flush=True)
libc.shmdt(ctypes.c_void_p(addr)); libc.shmctl(shm, IPC_RMID, None); libc.msgctl(msq, IPC_RMID, None); libc.mq_unlink(mqname)
`;

// Tries every road to the host's objects: by key and by id, read and write.
const PROBE = `${LIBC}
key = int(sys.argv[1]); mqname = sys.argv[2].encode(); ids = json.loads(sys.argv[3])
ops = []
def record(op, ok, detail=""):
    ops.append({"op": op, "ok": ok, "errno": None if ok else err(), "detail": detail})
shm = libc.shmget(key, 0, 0o600)
record("shmget-key", shm >= 0)
for name, shmid in (("key", shm), ("id", ids["shm"])):
    if shmid < 0: continue
    addr = libc.shmat(shmid, None, 0)
    ok = addr not in (None, ctypes.c_void_p(-1).value)
    detail = ""
    if ok:
        detail = ctypes.string_at(addr, 12).decode(errors="replace")
        ctypes.memmove(addr, b"SANDBOX-WROTE", 12)
    record("shmat-" + name, ok, detail)
msq = libc.msgget(key, 0o600)
record("msgget-key", msq >= 0)
m = Msg()
record("msgrcv-id", libc.msgrcv(ids["msq"], ctypes.byref(m), 64, 0, IPC_NOWAIT) >= 0, m.mtext.decode(errors="replace"))
record("msgsnd-id", libc.msgsnd(ids["msq"], ctypes.byref(Msg(2, b"SANDBOX")), 64, IPC_NOWAIT) == 0)
mq = libc.mq_open(mqname, O_RDWR, 0, None)
record("mq_open", mq >= 0)
if mq >= 0: record("mq_send", libc.mq_send(mq, b"SANDBOX", 7, 0) == 0)
print(json.dumps({"probe": "host-ipc", "ops": ops}))
`;

interface HostState {
  shm: string;
  msq_messages: number;
  mq_messages: number;
}

/** Runs `attack(ids)` while the host holds its IPC objects; returns their state afterwards. */
async function withHostIpc(key: number, mqName: string, attack: (ids: string) => Promise<void>): Promise<HostState> {
  const host = spawn(PYTHON, ['-c', HOST, String(key), mqName], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  host.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  host.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      const w = waiters.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const closed = new Promise<number | null>((res) => host.once('close', (code) => res(code)));
  const nextLine = (): Promise<string> =>
    lines.length > 0
      ? Promise.resolve(lines.shift()!)
      : Promise.race([new Promise<string>((res) => waiters.push(res)), closed.then(() => Promise.reject(new Error(`host IPC side failed: ${err}`)))]);
  try {
    const ids = await nextLine();
    await attack(ids);
    host.stdin.write('check\n');
    return JSON.parse(await nextLine()) as HostState;
  } finally {
    host.stdin.end();
    await closed;
  }
}

const READ_ONLY = { type: 'read-only' };
const FULL_WRITE_NO_NETWORK = {
  type: 'managed',
  file_system: { type: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'write' }] },
  network: 'restricted',
};
const FULL_WRITE_NETWORK_ON = { type: 'managed', file_system: { type: 'unrestricted' }, network: 'enabled' };
const UNTOUCHED: HostState = { shm: 'HOST-SECRET', msq_messages: 1, mq_messages: 0 };

let fx: Fixture;
beforeAll(() => {
  fx = makeFixture('ipc');
});
afterAll(() => fx.remove());

function attackFrom(target: Target, key: number, mqName: string): (ids: string) => Promise<{ op: string; ok: boolean; errno: string | null }[]> {
  return async (ids) => {
    const run = await runProbe(target, [PYTHON, '-c', PROBE, String(key), mqName, ids], { cwd: fx.ws });
    expect(run.refused, run.refused?.message).toBeUndefined();
    expect(run.report, `probe output: ${run.stdout}${run.stderr}`).toBeDefined();
    return run.report!.ops;
  };
}

describe.runIf(process.platform === 'linux')('red team R6: host SysV IPC and POSIX message queues', () => {
  it('no sandbox: the probe reads and changes the host objects (it can see an escape)', async () => {
    const key = randomInt(1 << 20, 1 << 30);
    const mqName = `/csbx-ipc-${process.pid}-control`;
    let ops: { op: string; ok: boolean }[] = [];
    const state = await withHostIpc(key, mqName, async (ids) => {
      ops = await attackFrom({ kind: 'host' }, key, mqName)(ids);
    });
    expect(
      ops.every((o) => o.ok),
      JSON.stringify(ops),
    ).toBe(true);
    expect(state).toEqual({ shm: 'SANDBOX-WROT', msq_messages: 1, mq_messages: 1 });
  });

  const cases: { name: string; target: Target; blockedWith: string | null }[] = [
    { name: 'landlock, read-only', target: { kind: 'sandbox', backend: 'landlock', policy: READ_ONLY }, blockedWith: 'EPERM' },
    { name: 'auto, full write with the network off', target: { kind: 'sandbox', backend: 'auto', policy: FULL_WRITE_NO_NETWORK }, blockedWith: 'EPERM' },
    { name: 'seccomp, unrestricted filesystem with the network on', target: { kind: 'sandbox', backend: 'seccomp', policy: FULL_WRITE_NETWORK_ON }, blockedWith: 'EPERM' },
    // A private IPC namespace: the keys and ids name nothing there.
    { name: 'bwrap, read-only', target: { kind: 'sandbox', backend: 'bwrap', policy: READ_ONLY }, blockedWith: null },
  ];
  for (const c of cases) {
    it(`${c.name}: the host's shm, message queue and POSIX queue cannot be reached`, async () => {
      const key = randomInt(1 << 20, 1 << 30);
      const mqName = `/csbx-ipc-${process.pid}-${c.name.replace(/\W+/g, '-')}`;
      let ops: { op: string; ok: boolean; errno: string | null }[] = [];
      const state = await withHostIpc(key, mqName, async (ids) => {
        ops = await attackFrom(c.target, key, mqName)(ids);
      });
      expect(state, 'the host objects after the sandboxed attack').toEqual(UNTOUCHED);
      for (const op of ops) {
        expect(op.ok, `${op.op} worked: ${JSON.stringify(op)}`).toBe(false);
        if (c.blockedWith !== null) expect(op.errno, op.op).toBe(c.blockedWith);
      }
    });
  }
});
