// A classic-BPF interpreter for seccomp programs, so a test can ask what the helper's filter
// (`codex-sandbox-helper --print-seccomp-filter`) decides for a call this kernel cannot make, such
// as an x32 or i386 syscall. It knows only the instructions the helper emits, each exactly as the
// kernel runs it, and throws on any other: an instruction it guessed at could only hide a wrong
// verdict. The whole program is checked before it runs, as the kernel checks it at load time, so
// a bad instruction on a path the test never takes still fails.
import { endianness } from 'node:os';

export interface SockFilter {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** struct seccomp_data; args are the six u64 registers (a negative number is its 64-bit two's complement). */
export interface SeccompData {
  nr: number;
  arch: number;
  instructionPointer?: bigint;
  args?: readonly (number | bigint)[];
}

const SOCK_FILTER_SIZE = 8;
const SECCOMP_DATA_SIZE = 64;
const BPF_MAXINSNS = 4096;

// linux/bpf_common.h
const BPF_LD = 0x00;
const BPF_ALU = 0x04;
const BPF_JMP = 0x05;
const BPF_RET = 0x06;
const BPF_W = 0x00;
const BPF_ABS = 0x20;
const BPF_K = 0x00;
const BPF_A = 0x10;
const BPF_JA = 0x00;
const BPF_JEQ = 0x10;
const BPF_JGT = 0x20;
const BPF_JGE = 0x30;
const BPF_JSET = 0x40;
const BPF_ADD = 0x00;
const BPF_SUB = 0x10;
const BPF_OR = 0x40;
const BPF_AND = 0x50;
const BPF_LSH = 0x60;
const BPF_RSH = 0x70;
const BPF_XOR = 0xa0;

const LD_W_ABS = BPF_LD | BPF_W | BPF_ABS;
const RET_K = BPF_RET | BPF_K;
const RET_A = BPF_RET | BPF_A;
const JA = BPF_JMP | BPF_JA;
const CONDITIONAL: Record<number, (a: number, k: number) => boolean> = {
  [BPF_JMP | BPF_JEQ | BPF_K]: (a, k) => a === k,
  [BPF_JMP | BPF_JGT | BPF_K]: (a, k) => a > k,
  [BPF_JMP | BPF_JGE | BPF_K]: (a, k) => a >= k,
  [BPF_JMP | BPF_JSET | BPF_K]: (a, k) => (a & k) !== 0,
};
const ALU: Record<number, (a: number, k: number) => number> = {
  [BPF_ALU | BPF_ADD | BPF_K]: (a, k) => a + k,
  [BPF_ALU | BPF_SUB | BPF_K]: (a, k) => a - k,
  [BPF_ALU | BPF_OR | BPF_K]: (a, k) => a | k,
  [BPF_ALU | BPF_AND | BPF_K]: (a, k) => a & k,
  [BPF_ALU | BPF_XOR | BPF_K]: (a, k) => a ^ k,
  [BPF_ALU | BPF_LSH | BPF_K]: (a, k) => a << k,
  [BPF_ALU | BPF_RSH | BPF_K]: (a, k) => a >>> k,
};
const SHIFTS = new Set([BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_RSH | BPF_K]);

const littleEndian = endianness() === 'LE';

/** The raw struct sock_filter array (host byte order) as the helper writes it. */
export function parseSockFilters(raw: Uint8Array): SockFilter[] {
  if (raw.length % SOCK_FILTER_SIZE !== 0) throw new Error(`seccomp program of ${raw.length} bytes is not a whole number of sock_filter entries`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
  const program: SockFilter[] = [];
  for (let at = 0; at < raw.length; at += SOCK_FILTER_SIZE) {
    program.push({
      code: view.getUint16(at, littleEndian),
      jt: view.getUint8(at + 2),
      jf: view.getUint8(at + 3),
      k: view.getUint32(at + 4, littleEndian),
    });
  }
  return program;
}

function fail(pc: number, insn: SockFilter, why: string): never {
  const hex = (n: number, width: number) => `0x${n.toString(16).padStart(width, '0')}`;
  throw new Error(`seccomp program instruction ${pc} (code ${hex(insn.code, 4)} jt ${insn.jt} jf ${insn.jf} k ${hex(insn.k, 8)}): ${why}`);
}

/** Throws unless every instruction is one this interpreter runs exactly and every jump lands inside the program. */
export function checkProgram(program: readonly SockFilter[]): void {
  if (program.length === 0 || program.length > BPF_MAXINSNS) throw new Error(`seccomp program has ${program.length} instructions (1 to ${BPF_MAXINSNS} allowed)`);
  program.forEach((insn, pc) => {
    const inside = (offset: number) => pc + 1 + offset < program.length;
    if (insn.code in CONDITIONAL) {
      if (!inside(insn.jt) || !inside(insn.jf)) fail(pc, insn, 'jumps past the end of the program');
      return;
    }
    if (insn.jt !== 0 || insn.jf !== 0) fail(pc, insn, 'jt/jf set on an instruction that does not branch');
    if (insn.code === LD_W_ABS) {
      if (insn.k % 4 !== 0 || insn.k + 4 > SECCOMP_DATA_SIZE) fail(pc, insn, 'loads outside the 32-bit words of struct seccomp_data');
    } else if (insn.code === JA) {
      if (!inside(insn.k)) fail(pc, insn, 'jumps past the end of the program');
    } else if (insn.code in ALU) {
      if (SHIFTS.has(insn.code) && insn.k >= 32) fail(pc, insn, 'shifts by 32 or more');
    } else if (insn.code !== RET_K && insn.code !== RET_A) {
      fail(pc, insn, 'not an instruction this interpreter runs (LD|W|ABS, ALU K, JA, JEQ/JGT/JGE/JSET K, RET K/A)');
    }
  });
  const last = program[program.length - 1];
  if (last.code !== RET_K && last.code !== RET_A) fail(program.length - 1, last, 'the last instruction must return');
}

function seccompDataBytes(data: SeccompData): DataView {
  const view = new DataView(new ArrayBuffer(SECCOMP_DATA_SIZE));
  view.setUint32(0, data.nr >>> 0, littleEndian);
  view.setUint32(4, data.arch >>> 0, littleEndian);
  view.setBigUint64(8, data.instructionPointer ?? 0n, littleEndian);
  const args = data.args ?? [];
  if (args.length > 6) throw new Error(`seccomp_data has six arguments, got ${args.length}`);
  args.forEach((arg, i) => {
    view.setBigUint64(16 + 8 * i, BigInt.asUintN(64, BigInt(arg)), littleEndian);
  });
  return view;
}

/** The filter's 32-bit return value for one call (SECCOMP_RET_* action | data). */
export function evaluateSeccomp(program: readonly SockFilter[], data: SeccompData): number {
  checkProgram(program);
  const input = seccompDataBytes(data);
  let a = 0;
  for (let pc = 0; pc < program.length; pc += 1) {
    const insn = program[pc];
    const condition = CONDITIONAL[insn.code];
    if (condition !== undefined) {
      pc += condition(a, insn.k) ? insn.jt : insn.jf;
    } else if (insn.code === LD_W_ABS) {
      a = input.getUint32(insn.k, littleEndian);
    } else if (insn.code === JA) {
      pc += insn.k;
    } else if (insn.code === RET_K) {
      return insn.k;
    } else if (insn.code === RET_A) {
      return a;
    } else {
      a = ALU[insn.code](a, insn.k) >>> 0;
    }
  }
  throw new Error('seccomp program ran past its end (checkProgram should have refused it)');
}

// linux/seccomp.h: SECCOMP_RET_* actions, the high 16 bits of a return value.
const ACTIONS = new Map<number, string>([
  [0x80000000, 'KILL_PROCESS'],
  [0x00000000, 'KILL_THREAD'],
  [0x00030000, 'TRAP'],
  [0x00050000, 'ERRNO'],
  [0x7fc00000, 'USER_NOTIF'],
  [0x7ff00000, 'TRACE'],
  [0x7ffc0000, 'LOG'],
  [0x7fff0000, 'ALLOW'],
]);

/** A return value as a test reads it: `ALLOW`, `KILL_PROCESS`, `ERRNO 1`. */
export function describeSeccompAction(ret: number): string {
  const action = ACTIONS.get((ret & 0xffff0000) >>> 0);
  if (action === undefined) return `unknown action 0x${(ret >>> 0).toString(16)}`;
  const data = ret & 0xffff;
  return action === 'ERRNO' || data !== 0 ? `${action} ${data}` : action;
}
