// What an ELF file asks of the dynamic loader, as readelf (binutils, for any architecture) reads
// it: the libc-free addon must ask for no shared library, no symbol version and no symbol but
// Node-API's, or it would not load under both glibc and musl.
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

export interface ElfLinkage {
  /** e_machine: 62 x86_64, 183 aarch64. */
  machine: number;
  interpreter: boolean;
  /** DT_NEEDED entries. */
  needed: string[];
  /** The libraries and versions of .gnu.version_r (GLIBC_2.2.5 and the like). */
  versionNeeds: string[];
  /** Dynamic symbols the file uses but does not define. */
  undefinedSymbols: string[];
  /** Dynamic symbols it defines for others (global or weak, default visibility). */
  exportedSymbols: string[];
}

function readelf(args: string[], file: string): string {
  const r = spawnSync('readelf', ['-W', ...args, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`readelf ${args.join(' ')} ${file}: ${r.stderr}`);
  return r.stdout;
}

export function elfLinkage(file: string): ElfLinkage {
  const header = readelf(['-h'], file);
  const machine = /^\s*Machine:\s+(.*)$/m.exec(header)?.[1] ?? '';
  const dynamic = readelf(['-d'], file);
  const versions = readelf(['-V'], file);
  const needsAt = versions.indexOf("Version needs section '.gnu.version_r'");
  const needs = needsAt < 0 ? '' : versions.slice(needsAt);
  const symbols = readelf(['--dyn-syms'], file)
    .split('\n')
    .map((line) => /^\s*\d+:\s+[0-9a-f]+\s+\d+\s+(\w+)\s+(\w+)\s+(\w+)\s+(\w+)\s+(\S+)/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ bind: m[2], visibility: m[3], index: m[4], name: m[5].replace(/@.*$/, '') }));
  return {
    machine: machine.includes('X86-64') ? EM_X86_64 : machine.includes('AArch64') ? EM_AARCH64 : -1,
    interpreter: /INTERP/.test(readelf(['-l'], file)),
    needed: [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]),
    versionNeeds: [...needs.matchAll(/(?:File|Name): (\S+)/g)].map((m) => m[1]),
    undefinedSymbols: symbols.filter((s) => s.index === 'UND').map((s) => s.name),
    exportedSymbols: symbols.filter((s) => s.index !== 'UND' && s.bind !== 'LOCAL' && s.visibility === 'DEFAULT').map((s) => s.name),
  };
}

/** The linkage of a libc-free addon for `machine`: nothing from the loader but napi_*. */
export function expectLibcFree(linkage: ElfLinkage, machine: number): void {
  expect(linkage.machine).toBe(machine);
  expect(linkage.interpreter).toBe(false);
  expect(linkage.needed).toEqual([]);
  expect(linkage.versionNeeds).toEqual([]);
  expect(linkage.undefinedSymbols.filter((name) => !name.startsWith('napi_'))).toEqual([]);
  expect(linkage.undefinedSymbols).not.toEqual([]);
  expect([...linkage.exportedSymbols].sort()).toEqual(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
}
