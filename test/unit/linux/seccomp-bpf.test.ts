// The seccomp BPF interpreter of test/helpers/seccomp-bpf.ts on hand-built programs: each
// instruction's semantics as the kernel defines them, and a loud refusal of everything else.
import { endianness } from 'node:os';

import { describe, expect, it } from 'vitest';

import { checkProgram, describeSeccompAction, evaluateSeccomp, parseSockFilters, type SockFilter } from '../../helpers/seccomp-bpf';

const LD_ABS = 0x20;
const JEQ = 0x15;
const JGT = 0x25;
const JGE = 0x35;
const JSET = 0x45;
const JA = 0x05;
const RET_K = 0x06;
const RET_A = 0x16;
const ALU_AND = 0x54;
const ALU_ADD = 0x04;
const ALU_SUB = 0x14;
const ALU_RSH = 0x74;
const ALLOW = 0x7fff0000;
const KILL = 0x80000000;
const errno = (e: number) => 0x00050000 | e;

const insn = (code: number, k = 0, jt = 0, jf = 0): SockFilter => ({ code, jt, jf, k });
const ld = (offset: number) => insn(LD_ABS, offset);
const ret = (k: number) => insn(RET_K, k);

describe('seccomp BPF interpreter', () => {
  it('reads nr, arch and the low and high words of an argument in host byte order', () => {
    const retA = insn(RET_A);
    const low = endianness() === 'LE' ? 16 : 20;
    const data = { nr: 41, arch: 0xc000003e, args: [0x1_0000_0002n] };
    expect(evaluateSeccomp([ld(0), retA], data)).toBe(41);
    expect(evaluateSeccomp([ld(4), retA], data)).toBe(0xc000003e);
    expect(evaluateSeccomp([ld(low), retA], data)).toBe(2);
    expect(evaluateSeccomp([ld(low ^ 4), retA], data)).toBe(1);
    expect(evaluateSeccomp([ld(low), retA], { nr: 0, arch: 0, args: [-1] })).toBe(0xffffffff);
  });

  it('conditional jumps compare A with K unsigned and take jt or jf', () => {
    const branch = (code: number, k: number) => [ld(0), insn(code, k, 0, 1), ret(ALLOW), ret(KILL)];
    expect(evaluateSeccomp(branch(JEQ, 7), { nr: 7, arch: 0 })).toBe(ALLOW);
    expect(evaluateSeccomp(branch(JEQ, 7), { nr: 8, arch: 0 })).toBe(KILL);
    expect(evaluateSeccomp(branch(JGT, 7), { nr: 8, arch: 0 })).toBe(ALLOW);
    expect(evaluateSeccomp(branch(JGT, 7), { nr: 7, arch: 0 })).toBe(KILL);
    expect(evaluateSeccomp(branch(JGE, 0x40000000), { nr: 0x40000000, arch: 0 })).toBe(ALLOW);
    expect(evaluateSeccomp(branch(JGE, 0x40000000), { nr: -1, arch: 0 })).toBe(ALLOW);
    expect(evaluateSeccomp(branch(JGE, 0x40000000), { nr: 0x3fffffff, arch: 0 })).toBe(KILL);
    expect(evaluateSeccomp(branch(JSET, 0x8), { nr: 0xc, arch: 0 })).toBe(ALLOW);
    expect(evaluateSeccomp(branch(JSET, 0x8), { nr: 0x4, arch: 0 })).toBe(KILL);
    expect(evaluateSeccomp([insn(JA, 1), ret(KILL), ret(ALLOW)], { nr: 0, arch: 0 })).toBe(ALLOW);
  });

  it('ALU instructions wrap at 32 bits', () => {
    const retA = insn(RET_A);
    expect(evaluateSeccomp([ld(0), insn(ALU_AND, 0xf), retA], { nr: 0x80a, arch: 0 })).toBe(0xa);
    expect(evaluateSeccomp([ld(0), insn(ALU_ADD, 2), retA], { nr: 0xffffffff, arch: 0 })).toBe(1);
    expect(evaluateSeccomp([ld(0), insn(ALU_SUB, 2), retA], { nr: 1, arch: 0 })).toBe(0xffffffff);
    expect(evaluateSeccomp([ld(0), insn(ALU_RSH, 31), retA], { nr: 0x80000000, arch: 0 })).toBe(1);
  });

  it('refuses instructions, loads and jumps the kernel would refuse or this interpreter does not know', () => {
    const refusals: [string, SockFilter[], RegExp][] = [
      ['empty', [], /0 instructions/],
      ['LDX', [insn(0x01), ret(ALLOW)], /not an instruction this interpreter runs/],
      ['JEQ X', [insn(0x1d), ret(ALLOW)], /not an instruction/],
      ['LD IMM', [insn(0x00, 5), ret(ALLOW)], /not an instruction/],
      ['misaligned load', [ld(2), ret(ALLOW)], /outside the 32-bit words/],
      ['load past seccomp_data', [ld(64), ret(ALLOW)], /outside the 32-bit words/],
      ['jump past the end', [ld(0), insn(JEQ, 1, 0, 2), ret(ALLOW)], /jumps past the end/],
      ['JA past the end', [insn(JA, 1), ret(ALLOW)], /jumps past the end/],
      ['no final return', [ret(ALLOW), ld(0)], /must return/],
      ['jt on a load', [insn(LD_ABS, 0, 1, 0), ret(ALLOW)], /does not branch/],
      ['shift by 32', [insn(ALU_RSH, 32), ret(ALLOW)], /shifts by 32/],
    ];
    for (const [name, program, pattern] of refusals) expect(() => checkProgram(program), name).toThrow(pattern);
    // Checked up front: an unknown instruction on a path this call never takes is refused too.
    expect(() => evaluateSeccomp([ret(ALLOW), insn(0x01), ret(ALLOW)], { nr: 0, arch: 0 })).toThrow(/instruction 1 /);
  });

  it('parses the raw sock_filter array and refuses a partial entry', () => {
    const raw = new Uint8Array(16);
    const view = new DataView(raw.buffer);
    view.setUint16(0, JEQ, endianness() === 'LE');
    raw[2] = 1;
    raw[3] = 2;
    view.setUint32(4, 0xdeadbeef, endianness() === 'LE');
    expect(parseSockFilters(raw)).toEqual([insn(JEQ, 0xdeadbeef, 1, 2), insn(0)]);
    expect(() => parseSockFilters(raw.subarray(0, 12))).toThrow(/not a whole number/);
  });

  it('names the actions', () => {
    expect(describeSeccompAction(ALLOW)).toBe('ALLOW');
    expect(describeSeccompAction(KILL)).toBe('KILL_PROCESS');
    expect(describeSeccompAction(errno(38))).toBe('ERRNO 38');
    expect(describeSeccompAction(0x12340000)).toMatch(/unknown action/);
  });
});
