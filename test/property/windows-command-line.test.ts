// Property: any argv survives buildWindowsCommandLine + the CommandLineToArgvW split unchanged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildWindowsCommandLine, splitWindowsCommandLine } from '../../lib/platform/windows/command-line';
import { formatWindowsPath, isWindowsPathWithin, normalizeWindowsPath, tryParseWindowsPath } from '../../lib/policy/windows-paths';
import { propertySettings } from '../helpers/property-settings';

const { numRuns, seed } = propertySettings('windows command-line property', { defaultRuns: 100, ciRuns: 200 });

const tricky = fc.constantFrom(' ', '\t', '"', '\\', 'a', 'é', '\u{1F600}', '\n', '%');
const arg = fc.array(tricky, { maxLength: 12 }).map((cs) => cs.join(''));

describe('windows command line (property)', () => {
  it('round-trips every argument through quoting and the CRT split', () => {
    fc.assert(
      fc.property(fc.array(arg, { minLength: 0, maxLength: 6 }), (args) => {
        const argv = ['prog.exe', ...args];
        expect(splitWindowsCommandLine(buildWindowsCommandLine(argv))).toEqual(argv);
      }),
      { numRuns, seed },
    );
  });
});

const segment = fc.stringMatching(/^[A-Za-z0-9_~ .-]{1,8}$/);

describe('windows paths (property)', () => {
  it('normalization is idempotent and a normalized path is within its own volume root', () => {
    fc.assert(
      fc.property(fc.constantFrom('C:', 'd:', '\\\\srv\\share', '\\\\?\\C:'), fc.array(segment, { maxLength: 6 }), fc.constantFrom('\\', '/'), (rootText, segs, sep) => {
        const input = `${rootText}${sep}${segs.join(sep)}`;
        const once = normalizeWindowsPath(input);
        if (once === null) return;
        expect(normalizeWindowsPath(once)).toBe(once);
        const parsed = tryParseWindowsPath(once);
        expect(parsed).not.toBeNull();
        if (parsed !== null) expect(isWindowsPathWithin(parsed, { ...parsed, parts: [] })).toBe(true);
        expect(formatWindowsPath(tryParseWindowsPath(once.toLowerCase()) ?? { kind: 'drive', root: 'Z:', parts: [] }).toUpperCase()).toBe(once.toUpperCase());
      }),
      { numRuns, seed },
    );
  });
});
