import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  ACCESS_FS,
  DIRECTORY_ONLY_RIGHTS,
  FILE_RIGHTS,
  LANDLOCK_ABI_TABLE,
  NET_RIGHTS,
  NEWEST_KNOWN_LANDLOCK_ABI,
  RESTRICT_SELF_FLAGS,
  SCOPE,
  abiIntroducing,
  effectiveLandlockAbi,
  formatMask,
  fsRightNames,
  fsRightsForAbi,
  minimumAbiFor,
  restrictSelfFlagsForAbi,
  rightsForRuleTarget,
  scopeNames,
  scopesForAbi,
} from '../../lib/platform/linux/landlock-abi';
import { propertySettings } from '../helpers/property-settings';

const { numRuns, seed } = propertySettings('landlock ABI properties');
const COMPAT_HEADER = readFileSync(resolve(__dirname, '../../native/linux/landlock-compat.h'), 'utf8');

/** `#define NAME (1ULL << n)` fallbacks of the C header, as name -> value. */
function headerBits(prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = new RegExp(`#define ${prefix}(\\w+) \\(1U?L?L? << (\\d+)\\)`, 'g');
  for (let m = re.exec(COMPAT_HEADER); m !== null; m = re.exec(COMPAT_HEADER)) out[m[1]] = 2 ** Number(m[2]);
  return out;
}

describe('landlock-abi table', () => {
  it('lists ABIs 1 to 7 in order with the kernel that introduced each (docs/reference.md#landlock-abis)', () => {
    expect(LANDLOCK_ABI_TABLE.map((e) => [e.abi, e.kernel])).toEqual([
      [1, '5.13'],
      [2, '5.19'],
      [3, '6.2'],
      [4, '6.7'],
      [5, '6.10'],
      [6, '6.12'],
      [7, '6.15'],
    ]);
    expect(NEWEST_KNOWN_LANDLOCK_ABI).toBe(7);
  });

  it('introduces every filesystem right, scope, net right and flag exactly once', () => {
    const seen = LANDLOCK_ABI_TABLE.flatMap((e) => [...e.fsRights, ...e.scopes, ...e.netRights, ...e.restrictSelfFlags]);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...Object.keys(ACCESS_FS), ...Object.keys(SCOPE), ...Object.keys(NET_RIGHTS), ...Object.keys(RESTRICT_SELF_FLAGS)].sort());
  });

  it('uses the same bit values as the helper header native/linux/landlock-compat.h', () => {
    expect(headerBits('LANDLOCK_ACCESS_FS_')).toEqual(ACCESS_FS);
    expect(headerBits('LANDLOCK_SCOPE_')).toEqual(SCOPE);
  });

  it('agrees with the helper on which rights survive on a file (kLandlockFileRights)', () => {
    const block = /kLandlockFileRights = ([^;]+);/.exec(COMPAT_HEADER);
    expect(block).not.toBeNull();
    const names = [...(block?.[1] ?? '').matchAll(/LANDLOCK_ACCESS_FS_(\w+)/g)].map((m) => m[1]).sort();
    expect(names).toEqual(fsRightNames(FILE_RIGHTS).sort());
  });

  it('fsRightsForAbi accumulates the rights of every ABI up to the one asked', () => {
    expect(fsRightsForAbi(0)).toBe(0);
    expect(fsRightsForAbi(1)).toBe(0x1fff);
    expect(fsRightsForAbi(2)).toBe(0x3fff);
    expect(fsRightsForAbi(3)).toBe(0x7fff);
    expect(fsRightsForAbi(4)).toBe(0x7fff);
    expect(fsRightsForAbi(5)).toBe(0xffff);
    expect(fsRightsForAbi(7)).toBe(0xffff);
  });

  it('a kernel newer than the table counts as the newest known ABI', () => {
    expect(fsRightsForAbi(12)).toBe(fsRightsForAbi(NEWEST_KNOWN_LANDLOCK_ABI));
    expect(effectiveLandlockAbi(12)).toEqual({ abi: 7, kernelAbi: 12 });
    expect(effectiveLandlockAbi(7)).toEqual({ abi: 7 });
    expect(effectiveLandlockAbi(3)).toEqual({ abi: 3 });
  });

  it('scopes arrive with ABI 6 and logging flags with ABI 7', () => {
    expect(scopesForAbi(5)).toBe(0);
    expect(scopesForAbi(6)).toBe(SCOPE.ABSTRACT_UNIX_SOCKET | SCOPE.SIGNAL);
    expect(restrictSelfFlagsForAbi(6)).toBe(0);
    expect(restrictSelfFlagsForAbi(7)).toBe(0x7);
    expect(scopeNames(3)).toEqual(['ABSTRACT_UNIX_SOCKET', 'SIGNAL']);
  });

  it('abiIntroducing names the ABI of a right, scope or flag and rejects unknown names', () => {
    expect(abiIntroducing('EXECUTE')).toBe(1);
    expect(abiIntroducing('REFER')).toBe(2);
    expect(abiIntroducing('TRUNCATE')).toBe(3);
    expect(abiIntroducing('CONNECT_TCP')).toBe(4);
    expect(abiIntroducing('IOCTL_DEV')).toBe(5);
    expect(abiIntroducing('SIGNAL')).toBe(6);
    expect(abiIntroducing('LOG_NEW_EXEC_ON')).toBe(7);
    expect(() => abiIntroducing('WRITE')).toThrow(/unknown Landlock right/);
  });

  it('directory-only rights are READ_DIR, REMOVE_*, MAKE_* and REFER; the rest apply to files', () => {
    expect(fsRightNames(DIRECTORY_ONLY_RIGHTS)).toEqual([
      'READ_DIR',
      'REMOVE_DIR',
      'REMOVE_FILE',
      'MAKE_CHAR',
      'MAKE_DIR',
      'MAKE_REG',
      'MAKE_SOCK',
      'MAKE_FIFO',
      'MAKE_BLOCK',
      'MAKE_SYM',
      'REFER',
    ]);
    expect(fsRightNames(FILE_RIGHTS)).toEqual(['EXECUTE', 'WRITE_FILE', 'READ_FILE', 'TRUNCATE', 'IOCTL_DEV']);
    expect(DIRECTORY_ONLY_RIGHTS & FILE_RIGHTS).toBe(0);
    expect(DIRECTORY_ONLY_RIGHTS | FILE_RIGHTS).toBe(fsRightsForAbi(NEWEST_KNOWN_LANDLOCK_ABI));
  });

  it('rightsForRuleTarget trims only directory-only rights, and only on non-directories', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (mask) => {
        expect(rightsForRuleTarget(mask, true)).toBe(mask);
        const onFile = rightsForRuleTarget(mask, false);
        expect(onFile & ~mask).toBe(0);
        expect(onFile).toBe(mask & FILE_RIGHTS);
      }),
      { numRuns, seed },
    );
  });

  it('minimumAbiFor is the lowest ABI whose rights cover the masks', () => {
    expect(minimumAbiFor({ fs: ACCESS_FS.READ_FILE })).toBe(1);
    expect(minimumAbiFor({ fs: ACCESS_FS.REFER })).toBe(2);
    expect(minimumAbiFor({ fs: fsRightsForAbi(5) })).toBe(5);
    expect(minimumAbiFor({ fs: 0x1, scopes: SCOPE.SIGNAL })).toBe(6);
    expect(minimumAbiFor({ restrictSelfFlags: RESTRICT_SELF_FLAGS.LOG_NEW_EXEC_ON })).toBe(7);
    expect(() => minimumAbiFor({ fs: 1 << 16 })).toThrow(/no ABI up to 7/);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: NEWEST_KNOWN_LANDLOCK_ABI }), fc.integer({ min: 0, max: 0xffff }), (abi, bits) => {
        const fs = bits & fsRightsForAbi(abi);
        const min = minimumAbiFor({ fs });
        expect(min).toBeLessThanOrEqual(abi);
        expect(fs & ~fsRightsForAbi(min)).toBe(0);
        if (min > 1) expect(fs & ~fsRightsForAbi(min - 1)).not.toBe(0);
      }),
      { numRuns, seed },
    );
  });

  it('formatMask spells masks as the helper parses them', () => {
    expect(formatMask(0)).toBe('0x0');
    expect(formatMask(0xffff)).toBe('0xffff');
    expect(() => formatMask(-1)).toThrow(RangeError);
    expect(() => fsRightsForAbi(1.5)).toThrow(RangeError);
  });
});
