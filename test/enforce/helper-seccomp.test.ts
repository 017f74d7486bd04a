import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { helperPath } from '../../lib/native';
import { int80Control, itWithControl, x32Control } from '../helpers/syscall-controls';
import { withTempDir } from '../helpers/temp';

const HELPER = helperPath();
const EPERM = 1;
const ENOSYS = 38;

// Each probe is a raw syscall through ctypes, so libc cannot substitute another call, and it
// prints the errno (0 on success) for each name.
const PROBE = String.raw`
import ctypes, json, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR = {
  'x86_64': dict(ptrace=101, process_vm_readv=310, process_vm_writev=311, socket=41, socketpair=53,
                 bpf=321, perf_event_open=298, userfaultfd=323, add_key=248, request_key=249, keyctl=250, ioctl=16),
  'aarch64': dict(ptrace=117, process_vm_readv=270, process_vm_writev=271, socket=198, socketpair=199,
                  bpf=280, perf_event_open=241, userfaultfd=282, add_key=217, request_key=218, keyctl=219, ioctl=29),
}[os.uname().machine]
NR.update(io_uring_setup=425, io_uring_enter=426, io_uring_register=427, pidfd_open=434, pidfd_getfd=438)

def sc(name, *args, nr=None):
  ctypes.set_errno(0)
  r = libc.syscall(ctypes.c_long(NR[name] if nr is None else nr), *[ctypes.c_long(a) for a in args])
  if r >= 0 and name in ('socket',):
    os.close(r)
  return 0 if r >= 0 else ctypes.get_errno()

def op(fn):
  try:
    fn()
    return 0
  except OSError as e:
    return e.errno

out = {}
out['ptrace'] = sc('ptrace', 2, 2**31 - 2, 0, 0)            # PEEKDATA of a pid that cannot exist: ESRCH
out['process_vm_readv'] = sc('process_vm_readv', os.getpid(), 0, 0, 0, 0, 0)
out['process_vm_writev'] = sc('process_vm_writev', os.getpid(), 0, 0, 0, 0, 0)
pidfd = libc.syscall(ctypes.c_long(NR['pidfd_open']), ctypes.c_long(os.getpid()), ctypes.c_long(0))
out['pidfd_getfd'] = sc('pidfd_getfd', pidfd, 0, 0)        # a copy of our own stdin: allowed unfiltered
out['io_uring_setup'] = sc('io_uring_setup', 0, 0)
out['io_uring_enter'] = sc('io_uring_enter', -1, 0, 0, 0, 0, 0)
out['io_uring_register'] = sc('io_uring_register', -1, 0, 0, 0)
# Invalid arguments: unfiltered, each fails with its own errno (EFAULT, EINVAL, EOPNOTSUPP).
out['bpf'] = sc('bpf', -1, 0, 0)
out['perf_event_open'] = sc('perf_event_open', 0, 0, -1, -1, 0)
out['userfaultfd'] = sc('userfaultfd', 0xffff)
out['add_key'] = sc('add_key', 0, 0, 0, 0, 0)
out['request_key'] = sc('request_key', 0, 0, 0, 0)
out['keyctl'] = sc('keyctl', -1, 0, 0, 0, 0)
# The kernel reads an ioctl request as a 32-bit int: high bits must not slip TIOCSTI past the rule.
# Unfiltered, fd 0 (not a terminal here) answers ENOTTY.
tiocsti_byte = ctypes.create_string_buffer(b'x')
out['ioctl_tiocsti'] = sc('ioctl', 0, 0x5412, ctypes.addressof(tiocsti_byte))
out['ioctl_tiocsti_high_bits'] = sc('ioctl', 0, (1 << 32) | 0x5412, ctypes.addressof(tiocsti_byte))
out['socket_inet'] = sc('socket', socket.AF_INET, socket.SOCK_STREAM, 0)
out['socket_inet6'] = sc('socket', socket.AF_INET6, socket.SOCK_DGRAM, 0)
out['socket_netlink'] = sc('socket', socket.AF_NETLINK, socket.SOCK_RAW, 0)
out['socket_vsock'] = sc('socket', 40, socket.SOCK_STREAM, 0)
out['socket_unix'] = sc('socket', socket.AF_UNIX, socket.SOCK_STREAM, 0)
# The kernel reads the family as an int: only the low 32 bits of the register count.
out['socket_unix_high_bits'] = sc('socket', (1 << 32) | socket.AF_UNIX, socket.SOCK_STREAM, 0)
out['socket_inet_high_bits'] = sc('socket', (1 << 32) | socket.AF_INET, socket.SOCK_STREAM, 0)
out['socketpair_inet'] = sc('socketpair', socket.AF_INET, socket.SOCK_STREAM, 0, 0)
if os.uname().machine == 'x86_64':
  out['x32_getpid'] = sc('x32', nr=0x40000000 | 39)

def pair():
  a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
  os.write(a.fileno(), b'ping')
  assert os.read(b.fileno(), 4) == b'ping'
  a.sendmsg([b'msg'])
  assert b.recvmsg(3)[0] == b'msg'
  os.write(a.fileno(), b'from')
  assert b.recvfrom(4)[0] == b'from'
out['socketpair_unix_io'] = op(pair)
def dgram_pair():
  a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
  os.write(a.fileno(), b'd')
  assert b.recv(1) == b'd'
out['socketpair_unix_dgram'] = op(dgram_pair)
u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
out['connect_unix'] = op(lambda: u.connect('/nonexistent/codex-sandbox.sock'))
out['bind_unix'] = op(lambda: u.bind('\0codex-sandbox-test-%d' % os.getpid()))
out['getsockopt'] = op(lambda: u.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
out['getsockopt_so_type'] = op(lambda: u.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE))
out['getsockopt_peercred'] = op(lambda: u.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
out['setsockopt'] = op(lambda: u.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096))
out['getsockname'] = op(lambda: u.getsockname())
def peer_name():
  a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
  a.getpeername()
out['getpeername_pair'] = op(peer_name)
out['listen'] = op(lambda: u.listen(1))
out['shutdown'] = op(lambda: u.shutdown(socket.SHUT_RDWR))
out['sendto'] = op(lambda: u.sendto(b'x', '/nonexistent/codex-sandbox.sock'))
print(json.dumps(out))
`;

type Results = Record<string, number>;

const probed = new Map<string, Results>();

/** Runs the probe script once per mode (python start-up dominates) and remembers the answers. */
function probe(network: 'restricted' | 'enabled' | null): Results {
  const key = network ?? 'unfiltered';
  const known = probed.get(key);
  if (known !== undefined) return known;
  const argv = network === null ? ['python3', '-c', PROBE] : [HELPER, '--network', network, '--', 'python3', '-c', PROBE];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const results = JSON.parse(r.stdout) as Results;
  probed.set(key, results);
  return results;
}

const BASE_DENIED = [
  'ptrace',
  'process_vm_readv',
  'process_vm_writev',
  'pidfd_getfd',
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
  'socket_vsock',
  'bpf',
  'perf_event_open',
  'userfaultfd',
  'add_key',
  'request_key',
  'keyctl',
  'ioctl_tiocsti',
  'ioctl_tiocsti_high_bits',
];
const NETWORK_DENIED = ['connect_unix', 'bind_unix', 'getsockopt', 'getsockopt_peercred', 'setsockopt', 'listen', 'shutdown', 'sendto'];
const FAMILY_DENIED = ['socket_inet', 'socket_inet6', 'socket_netlink', 'socket_inet_high_bits', 'socketpair_inet'];

describe('helper: seccomp filter', () => {
  const unfiltered = probe(null);

  it('the unfiltered control run gets other answers than EPERM for the probes', () => {
    for (const name of [
      'ptrace',
      'process_vm_readv',
      'pidfd_getfd',
      'io_uring_enter',
      'io_uring_register',
      'socket_inet',
      'socket_vsock',
      'connect_unix',
      'getsockopt',
      'bind_unix',
      'perf_event_open',
      'userfaultfd',
      'add_key',
      'request_key',
      'keyctl',
      'ioctl_tiocsti',
      'ioctl_tiocsti_high_bits',
    ]) {
      expect(unfiltered[name], name).not.toBe(EPERM);
    }
  });

  it('seccomp restricted: ptrace, process_vm_*, pidfd_getfd, io_uring, AF_VSOCK, bpf, perf_event_open, userfaultfd and the key syscalls are denied with EPERM', () => {
    const r = probe('restricted');
    for (const name of BASE_DENIED) expect(r[name], name).toBe(EPERM);
  });

  it('seccomp enabled: the base rules still deny ptrace, process_vm_*, pidfd_getfd, io_uring, AF_VSOCK, bpf, perf_event_open, userfaultfd and the key syscalls', () => {
    const r = probe('enabled');
    for (const name of BASE_DENIED) expect(r[name], name).toBe(EPERM);
  });

  it('seccomp restricted: socket and socketpair are refused for every family but AF_UNIX', () => {
    const r = probe('restricted');
    for (const name of FAMILY_DENIED) expect(r[name], name).toBe(EPERM);
    expect(r.socket_unix).toBe(0);
    expect(r.socket_unix_high_bits).toBe(0);
  });

  it('seccomp restricted: AF_UNIX stream socketpairs work with read/write, sendmsg/recvmsg and recvfrom', () => {
    const r = probe('restricted');
    expect(r.socketpair_unix_io).toBe(0);
  });

  it('seccomp restricted: AF_UNIX datagram socketpairs are refused (sendmsg from them can name any host socket, R5)', () => {
    expect(probe('restricted').socketpair_unix_dgram).toBe(EPERM);
    expect(probe('enabled').socketpair_unix_dgram).toBe(0);
  });

  it('seccomp restricted: connect, bind, listen, get/setsockopt, shutdown and sendto are denied', () => {
    const r = probe('restricted');
    for (const name of NETWORK_DENIED) expect(r[name], name).toBe(EPERM);
  });

  it('seccomp restricted: getsockname, getpeername and getsockopt(SO_TYPE) on held sockets work (libuv probes stdio with them)', () => {
    const r = probe('restricted');
    expect(r.getsockname).toBe(0);
    expect(r.getpeername_pair).toBe(0);
    expect(r.getsockopt_so_type).toBe(0);
  });

  it('seccomp restricted: node writes to socketpair stdio, as child_process hands it over', () => {
    const r = spawnSync(HELPER, ['--network', 'restricted', '--', process.execPath, '-e', 'console.log("out"); console.error("err")'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toBe('err\n');
  });

  it('seccomp enabled: ordinary sockets and socket calls keep their normal results', () => {
    const r = probe('enabled');
    for (const name of [...FAMILY_DENIED, ...NETWORK_DENIED, 'socket_unix', 'socketpair_unix_io']) {
      expect(r[name], name).toBe(unfiltered[name]);
    }
  });

  if (arch() === 'x64') {
    // Each control runs the same call with no sandbox first (test/helpers/syscall-controls.ts).
    itWithControl(x32Control(), 'seccomp: x32 syscalls fail with ENOSYS instead of bypassing the x86_64 rules', () => {
      expect(probe(null).x32_getpid, 'the control: unfiltered, an x32 getpid works').toBe(0);
      expect(probe('restricted').x32_getpid).toBe(ENOSYS);
      expect(probe('enabled').x32_getpid).toBe(ENOSYS);
    });

    itWithControl(int80Control(), 'seccomp: an i386 syscall through int 0x80 kills the process (foreign audit arch)', async () => {
      await withTempDir((dir) => {
        const source = join(dir, 'int80.c');
        const binary = join(dir, 'int80');
        // getpid (20 in the i386 table) then exit 0 through the x86_64 table.
        writeFileSync(source, 'int main(void) { long r; __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory"); return 0; }\n');
        const cc = spawnSync('cc', ['-O0', '-o', binary, source], { encoding: 'utf8' });
        expect(cc.stderr).toBe('');
        const control = spawnSync(binary);
        expect({ status: control.status, signal: control.signal }, 'the control: unsandboxed, the call returns').toEqual({ status: 0, signal: null });
        const r = spawnSync(HELPER, ['--network', 'enabled', '--', binary]);
        expect(r.signal).toBe('SIGSYS');
      });
    });
  }
});
