// Deny-read globs on Windows paths: the reference matcher rules (docs/reference.md#conformance-cases, case-
// insensitive on Windows) and the snapshot expansion (docs/reference.md#windows-deny-read).
import { describe, expect, it } from 'vitest';
import { compileWindowsGlob } from '../../../lib/policy/glob/compile-windows';
import { describeDenyReadGlob, expandDenyReadGlob } from '../../../lib/platform/windows/glob';
import { fakeHost } from './fixtures';

describe('windows deny-read glob matching', () => {
  it('? matches one character: secret?.txt matches secret1.txt', () => {
    expect(compileWindowsGlob('C:\\t\\private\\secret?.txt').test('C:\\t\\private\\secret1.txt')).toBe(true);
  });
  it('* and ? never cross a separator', () => {
    const re = compileWindowsGlob('C:\\t\\*\\file[0-9]?.txt');
    expect(re.test('C:\\t\\app\\file42.txt')).toBe(true);
    expect(re.test('C:\\t\\app\\nested\\file42.txt')).toBe(false);
    expect(re.test('C:\\t\\app\\file4.txt')).toBe(false);
    expect(re.test('C:\\t\\app\\fileab.txt')).toBe(false);
  });
  it('**\\ matches zero or more directories', () => {
    const re = compileWindowsGlob('C:\\t\\**\\*.env');
    expect(re.test('C:\\t\\.env')).toBe(true);
    expect(re.test('C:\\t\\app\\.env')).toBe(true);
    expect(re.test('C:\\t\\app\\notes.txt')).toBe(false);
  });
  it('an unclosed [ is a literal', () => {
    const re = compileWindowsGlob('C:\\t\\[');
    expect(re.test('C:\\t\\[')).toBe(true);
    expect(re.test('C:\\t\\a')).toBe(false);
  });
  it('matches case-insensitively, as Windows names do', () => {
    expect(compileWindowsGlob('C:\\T\\**\\*.ENV').test('c:\\t\\App\\.env')).toBe(true);
  });
  it('[!x] negates a class', () => {
    const re = compileWindowsGlob('C:\\t\\[!a]');
    expect(re.test('C:\\t\\b')).toBe(true);
    expect(re.test('C:\\t\\a')).toBe(false);
  });
});

describe('windows deny-read glob expansion', () => {
  it('walks from the literal prefix with depth from the pattern, capped by glob_scan_max_depth', () => {
    expect(describeDenyReadGlob('C:\\w\\*\\*.key', undefined)).toStrictEqual({ pattern: 'C:\\w\\*\\*.key', walkRoot: 'C:\\w', maxDepth: 2 });
    expect(describeDenyReadGlob('C:\\w\\**\\*.env', undefined).maxDepth).toBeNull();
    expect(describeDenyReadGlob('C:\\w\\**\\*.env', 3).maxDepth).toBe(3);
    expect(describeDenyReadGlob('C:/*.env', undefined).walkRoot).toBe('C:\\');
  });
  it('keeps lexical spellings, respects depth, and visits a junctioned directory once', () => {
    const host = fakeHost(['C:\\w', 'C:\\w\\a', 'C:\\w\\a\\b', 'C:\\w\\loop'], ['C:\\w\\.env', 'C:\\w\\a\\.env', 'C:\\w\\a\\b\\.env'], { 'C:\\w\\loop': 'C:\\w' });
    expect(expandDenyReadGlob(describeDenyReadGlob('C:\\w\\**\\*.env', undefined), host)).toStrictEqual(['C:\\w\\.env', 'C:\\w\\a\\.env', 'C:\\w\\a\\b\\.env']);
    expect(expandDenyReadGlob(describeDenyReadGlob('C:\\w\\**\\*.env', 2), host)).toStrictEqual(['C:\\w\\.env', 'C:\\w\\a\\.env']);
  });
  it('a relative pattern that cannot be made absolute is an invalid deny-read glob pattern', () => {
    expect(() => describeDenyReadGlob('*.env', undefined)).toThrow(/invalid deny-read glob pattern/);
  });
});
