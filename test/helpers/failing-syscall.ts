// One system call made to fail for real: python3 installs a seccomp filter (that call -> the
// given errno, everything else allowed), checks that it works, and execs the program under test.
// This is how the tests reproduce a container profile that refuses a call, or a kernel error the
// helper must report, without mocking anything.

/** The numbers of the calls the tests make fail, by `uname -m`. */
const SYSCALL_NUMBERS = {
  capget: { x86_64: 125, aarch64: 90 },
  close_range: { x86_64: 436, aarch64: 436 },
  getrandom: { x86_64: 318, aarch64: 278 },
  landlock_create_ruleset: { x86_64: 444, aarch64: 444 },
} as const;

export type FailingSyscall = keyof typeof SYSCALL_NUMBERS;

/** Arguments for `python3`: run `argv` with `call` failing with `errno`. */
export function failingSyscallArgs(call: FailingSyscall, errno: number, argv: string[]): string[] {
  const numbers = JSON.stringify(SYSCALL_NUMBERS[call]);
  const script = String.raw`
import ctypes, os, struct, sys
NR = ${numbers}[os.uname().machine]
ERRNO = ${errno}
def insn(code, jt, jf, k): return struct.pack('HBBI', code, jt, jf, k)
prog = b''.join([
  insn(0x20, 0, 0, 0),                       # ld [nr]
  insn(0x15, 0, 1, NR),                      # jeq the call
  insn(0x06, 0, 0, 0x00050000 | ERRNO),      # ret ERRNO
  insn(0x06, 0, 0, 0x7fff0000),              # ret ALLOW
])
buf = ctypes.create_string_buffer(prog)
class Fprog(ctypes.Structure):
  _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.c_void_p)]
fprog = Fprog(len(prog) // 8, ctypes.addressof(buf))
libc = ctypes.CDLL(None, use_errno=True)
assert libc.prctl(38, 1, 0, 0, 0) == 0                       # PR_SET_NO_NEW_PRIVS
assert libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) == 0     # PR_SET_SECCOMP, FILTER
assert libc.syscall(NR, 0, 0, 0) == -1 and ctypes.get_errno() == ERRNO
os.execv(sys.argv[1], sys.argv[1:])
`;
  return ['-c', script, ...argv];
}
