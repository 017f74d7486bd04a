// CreateProcessW command-line quoting (docs/reference.md#windows-restricted-token) and the 32,767-unit limit.
import { describe, expect, it } from 'vitest';
import { isSandboxError } from '../../../lib/errors';
import { buildWindowsCommandLine, MAX_COMMAND_LINE_CHARS, quoteWindowsArg, splitWindowsCommandLine } from '../../../lib/platform/windows/command-line';

describe('windows command line: quoting', () => {
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['', '""'],
    ['has space', '"has space"'],
    ['tab\there', '"tab\there"'],
    ['new\nline', '"new\nline"'],
    ['cr\rhere', '"cr\rhere"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\path\\', 'C:\\path\\'],
    ['C:\\my path\\', '"C:\\my path\\\\"'],
    ['a\\"b', '"a\\\\\\"b"'],
    ['a\\\\b c', '"a\\\\b c"'],
    ['"', '"\\""'],
  ];
  for (const [arg, quoted] of cases) {
    it(`${JSON.stringify(arg)} is quoted as ${JSON.stringify(quoted)} and splits back`, () => {
      expect(quoteWindowsArg(arg)).toBe(quoted);
      expect(splitWindowsCommandLine(`prog ${quoted}`)).toEqual(['prog', arg]);
    });
  }
  it('joins argv with single spaces', () => {
    expect(buildWindowsCommandLine(['cmd.exe', '/c', 'echo hi there'])).toBe('cmd.exe /c "echo hi there"');
  });
  it('quotes a program path with spaces', () => {
    expect(buildWindowsCommandLine(['C:\\Program Files\\Git\\bin\\git.exe', 'status'])).toBe('"C:\\Program Files\\Git\\bin\\git.exe" status');
  });
});

describe('windows command line: refusals', () => {
  it('accepts a line of exactly 32,766 units plus the final NUL', () => {
    const line = buildWindowsCommandLine(['p', 'x'.repeat(MAX_COMMAND_LINE_CHARS - 1 - 2)]);
    expect(line.length).toBe(MAX_COMMAND_LINE_CHARS - 1);
  });
  it('refuses one unit more with E_USAGE naming the length and the limit', () => {
    try {
      buildWindowsCommandLine(['p', 'x'.repeat(MAX_COMMAND_LINE_CHARS - 2)]);
      expect.unreachable();
    } catch (e) {
      expect(isSandboxError(e) && e.code).toBe('E_USAGE');
      expect((e as Error).message).toMatch(/^command line is 32768 UTF-16 units long, over the Windows limit of 32767/);
      expect((e as { value: string }).value.length).toBeLessThan(300);
    }
  });
  it('counts UTF-16 units, so astral characters count twice', () => {
    const emoji = '\u{1F600}';
    expect(() => buildWindowsCommandLine(['p', emoji.repeat(16_383)])).toThrow(/over the Windows limit/);
    expect(buildWindowsCommandLine(['p', emoji.repeat(16_382)]).length).toBe(2 + 16_382 * 2);
  });
  it('refuses a program name with a double quote', () => {
    expect(() => buildWindowsCommandLine(['a"b.exe'])).toThrow(/contains a double quote/);
  });
  it('refuses an empty argv', () => {
    expect(() => buildWindowsCommandLine([])).toThrow(/no command given/);
  });
});
