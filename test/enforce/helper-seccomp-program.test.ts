// The helper's seccomp program, read back with --print-seccomp-filter and run in the interpreter
// of test/helpers/seccomp-bpf.ts. This checks the rules a kernel may not let a live probe reach
// (helper-seccomp.test.ts skips its x32 and int 0x80 probes on a kernel without those ABIs): an
// x32 call fails with ENOSYS and a foreign-arch call kills the process, in every configuration.
// The verdicts mean something only if the interpreter and the printed program behave as the
// kernel does with the filter a launch installs, so each configuration also runs a set of real
// calls under the helper and checks that the kernel's answer matches the interpreter's, call by call.
import { spawnSync } from 'node:child_process';
import { arch } from 'node:os';

import { describe, expect, it } from 'vitest';

import { helperPath } from '../../lib/native';
import { describeSeccompAction, evaluateSeccomp, parseSockFilters, type SeccompData, type SockFilter } from '../helpers/seccomp-bpf';

const HELPER = helperPath();
const EPERM = 1;
const ENOSYS = 38;
const X32_SYSCALL_BIT = 0x40000000;

// linux/audit.h
const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_I386 = 0x40000003;
const AUDIT_ARCH_AARCH64 = 0xc00000b7;
const AUDIT_ARCH_ARM = 0x40000028;

type CallName =
  | 'getpid'
  | 'socket_unix'
  | 'socket_inet'
  | 'socket_inet_high_bits'
  | 'socket_unix_dgram'
  | 'socket_vsock'
  | 'socketpair_inet'
  | 'connect'
  | 'getsockopt_so_type'
  | 'getsockopt_rcvbuf'
  | 'ptrace'
  | 'keyctl'
  | 'ioctl_fionread'
  | 'ioctl_tiocsti'
  | 'shmget';

interface Machine {
  native: number;
  nr: Record<'getpid' | 'socket' | 'socketpair' | 'connect' | 'getsockopt' | 'ptrace' | 'keyctl' | 'ioctl' | 'shmget', number>;
  /** Whether the native arch has the x32 numbering (nr | __X32_SYSCALL_BIT under the same audit arch). */
  x32: boolean;
  /** Other syscall ABIs this CPU's kernel may offer; their getpid number, so the call is harmless. */
  foreign: { name: string; arch: number; getpid: number }[];
}

const MACHINES: Record<string, Machine> = {
  x64: {
    native: AUDIT_ARCH_X86_64,
    nr: { getpid: 39, socket: 41, socketpair: 53, connect: 42, getsockopt: 55, ptrace: 101, keyctl: 250, ioctl: 16, shmget: 29 },
    x32: true,
    foreign: [{ name: 'i386 (int 0x80)', arch: AUDIT_ARCH_I386, getpid: 20 }],
  },
  arm64: {
    native: AUDIT_ARCH_AARCH64,
    nr: { getpid: 172, socket: 198, socketpair: 199, connect: 203, getsockopt: 209, ptrace: 117, keyctl: 219, ioctl: 29, shmget: 194 },
    x32: false,
    foreign: [{ name: 'arm32 (compat)', arch: AUDIT_ARCH_ARM, getpid: 20 }],
  },
};

const machine = MACHINES[arch()];
if (machine === undefined) throw new Error(`no syscall table for ${arch()}: the helper supports x64 and arm64`);

const AF_UNIX = 1;
const AF_INET = 2;
const AF_VSOCK = 40;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOL_SOCKET = 1;
const SO_TYPE = 3;
const SO_RCVBUF = 8;

// Calls with integer arguments only, each harmless and each with an answer of its own when no
// filter is installed (mostly EBADF, EFAULT or EINVAL from bad arguments), so a filter's EPERM
// cannot be mistaken for it. `closes`: the result is a descriptor to close.
const CALLS: Record<CallName, { nr: number; args: number[]; closes?: boolean }> = {
  getpid: { nr: machine.nr.getpid, args: [] },
  socket_unix: { nr: machine.nr.socket, args: [AF_UNIX, SOCK_STREAM, 0], closes: true },
  socket_inet: { nr: machine.nr.socket, args: [AF_INET, SOCK_STREAM, 0], closes: true },
  // The family is an int: a high bit in the register must not turn AF_INET into something allowed.
  socket_inet_high_bits: { nr: machine.nr.socket, args: [2 ** 32 + AF_INET, SOCK_STREAM, 0], closes: true },
  socket_unix_dgram: { nr: machine.nr.socket, args: [AF_UNIX, SOCK_DGRAM, 0], closes: true },
  socket_vsock: { nr: machine.nr.socket, args: [AF_VSOCK, SOCK_STREAM, 0], closes: true },
  socketpair_inet: { nr: machine.nr.socketpair, args: [AF_INET, SOCK_STREAM, 0, 0] },
  connect: { nr: machine.nr.connect, args: [-1, 0, 0] },
  getsockopt_so_type: { nr: machine.nr.getsockopt, args: [-1, SOL_SOCKET, SO_TYPE, 0, 0] },
  getsockopt_rcvbuf: { nr: machine.nr.getsockopt, args: [-1, SOL_SOCKET, SO_RCVBUF, 0, 0] },
  ptrace: { nr: machine.nr.ptrace, args: [2, 2 ** 31 - 2, 0, 0] },
  keyctl: { nr: machine.nr.keyctl, args: [-1, 0, 0, 0, 0] },
  ioctl_fionread: { nr: machine.nr.ioctl, args: [-1, 0x541b, 0] },
  ioctl_tiocsti: { nr: machine.nr.ioctl, args: [-1, 0x5412, 0] },
  // IPC_PRIVATE with size 0: EINVAL before anything is created.
  shmget: { nr: machine.nr.shmget, args: [0, 0, 0] },
};
const CALL_NAMES = Object.keys(CALLS) as CallName[];

const BASE_DENIED: CallName[] = ['socket_vsock', 'ptrace', 'keyctl', 'ioctl_tiocsti'];
const RESTRICTED_DENIED: CallName[] = [...BASE_DENIED, 'socket_inet', 'socket_inet_high_bits', 'socket_unix_dgram', 'socketpair_inet', 'connect', 'getsockopt_rcvbuf'];

// One row per configuration of the helper's filter: the options (used both to print the program
// and to launch the live run) and the calls it denies with EPERM; every other call is allowed.
const CONFIGS: { name: string; options: string[]; denied: CallName[] }[] = [
  { name: 'restricted', options: ['--network', 'restricted'], denied: RESTRICTED_DENIED },
  { name: 'enabled', options: ['--network', 'enabled'], denied: BASE_DENIED },
  { name: 'restricted, --deny-ipc', options: ['--network', 'restricted', '--deny-ipc'], denied: [...RESTRICTED_DENIED, 'shmget'] },
  { name: 'enabled, --deny-ipc', options: ['--network', 'enabled', '--deny-ipc'], denied: [...BASE_DENIED, 'shmget'] },
  // Proxied runs in the helper's own namespaces: the relay's routes need a network namespace
  // holding only lo. inet sockets are allowed (they can only reach the relay); unix sockets are not.
  {
    name: 'proxied',
    options: ['--namespaces', '--ro-bind', '/', '--dev', '/dev', '--proc', '/proc', '--network', 'proxied', '--proxy-route', '3128=/nonexistent/http.sock', '--reaper'],
    denied: [...BASE_DENIED, 'socket_unix', 'socket_unix_dgram', 'socketpair_inet'],
  },
];

// Raw syscalls through ctypes, so libc cannot substitute another call; prints each errno (0 on success).
const PROBE = String.raw`
import ctypes, json, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
out = []
for nr, args, closes in json.loads(sys.argv[1]):
  ctypes.set_errno(0)
  r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
  if r >= 0 and closes:
    os.close(r)
  out.append(0 if r >= 0 else ctypes.get_errno())
print(json.dumps(out))
`;

function printedProgram(options: string[]): SockFilter[] {
  const r = spawnSync(HELPER, ['--print-seccomp-filter', ...options], { timeout: 20_000 });
  expect(r.stderr.toString()).toBe('');
  expect(r.status).toBe(0);
  return parseSockFilters(r.stdout);
}

/** errno per call (0 on success), with the helper's filter for `options`, or none for null. */
function runLive(options: string[] | null, calls: { nr: number; args: number[]; closes?: boolean }[]): number[] {
  const spec = JSON.stringify(calls.map((c) => [c.nr, c.args, c.closes === true]));
  const argv = options === null ? ['python3', '-c', PROBE, spec] : [HELPER, ...options, '--', 'python3', '-c', PROBE, spec];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as number[];
}

const verdict = (program: SockFilter[], data: SeccompData) => describeSeccompAction(evaluateSeccomp(program, data));
const nativeCall = (name: CallName): SeccompData => ({ nr: CALLS[name].nr, arch: machine.native, args: CALLS[name].args });

describe('helper: the printed seccomp program', () => {
  it('--print-seccomp-filter prints the same program every time and a different one per configuration', () => {
    const dumps = CONFIGS.map((c) => JSON.stringify(printedProgram(c.options)));
    expect(dumps).toEqual(CONFIGS.map((c) => JSON.stringify(printedProgram(c.options))));
    expect(new Set(dumps).size).toBe(CONFIGS.length);
  });

  const unfiltered = runLive(
    null,
    CALL_NAMES.map((name) => CALLS[name]),
  );

  it('the unfiltered control: no probe call answers EPERM without a filter', () => {
    CALL_NAMES.forEach((name, i) => {
      expect(unfiltered[i], name).not.toBe(EPERM);
    });
  });

  describe.each(CONFIGS)('$name', ({ options, denied }) => {
    const program = printedProgram(options);

    it('the interpreter denies exactly the calls of this configuration with EPERM and allows the rest', () => {
      for (const name of CALL_NAMES) {
        expect(verdict(program, nativeCall(name)), name).toBe(denied.includes(name) ? `ERRNO ${EPERM}` : 'ALLOW');
      }
    });

    it('the kernel, running the helper with the same options, answers every call as the interpreter says', () => {
      const live = runLive(
        options,
        CALL_NAMES.map((name) => CALLS[name]),
      );
      CALL_NAMES.forEach((name, i) => {
        const ret = evaluateSeccomp(program, nativeCall(name));
        const expected = describeSeccompAction(ret) === 'ALLOW' ? unfiltered[i] : ret & 0xffff;
        expect(live[i], `${name}: interpreter says ${describeSeccompAction(ret)}, unfiltered errno ${unfiltered[i]}`).toBe(expected);
      });
    });

    it.each(machine.foreign)('a $name call kills the process (SIGSYS), whatever its number', ({ arch: foreignArch, getpid }) => {
      for (const nr of [getpid, machine.nr.getpid, machine.nr.socket, 0, 0xffffffff]) {
        expect(verdict(program, { nr, arch: foreignArch, args: [AF_UNIX, SOCK_STREAM, 0] }), `nr ${nr}`).toBe('KILL_PROCESS');
      }
      expect(verdict(program, { nr: machine.nr.getpid, arch: 0 }), 'arch 0').toBe('KILL_PROCESS');
    });

    if (machine.x32) {
      it('an x32 call fails with ENOSYS before any other rule, and so does every number at or above the x32 bit', () => {
        const numbers = [...CALL_NAMES.map((name) => X32_SYSCALL_BIT | CALLS[name].nr), X32_SYSCALL_BIT | 512, X32_SYSCALL_BIT, 0xffffffff];
        for (const nr of numbers) {
          expect(verdict(program, { nr, arch: machine.native, args: [AF_UNIX, SOCK_STREAM, 0] }), `nr 0x${nr.toString(16)}`).toBe(`ERRNO ${ENOSYS}`);
        }
      });

      it('the kernel agrees on an x32 getpid: ENOSYS under the filter', () => {
        expect(verdict(program, { nr: X32_SYSCALL_BIT | machine.nr.getpid, arch: machine.native })).toBe(`ERRNO ${ENOSYS}`);
        expect(runLive(options, [{ nr: X32_SYSCALL_BIT | machine.nr.getpid, args: [] }])).toEqual([ENOSYS]);
      });
    }
  });
});
