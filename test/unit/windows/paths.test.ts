// Windows path syntax on any host: drive letters, UNC, verbatim prefixes, case, 8.3 names, junctions.
import { describe, expect, it } from 'vitest';
import {
  formatWindowsPath,
  hasShortNameComponent,
  isWindowsAbsolute,
  isWindowsPathWithin,
  joinWindowsSubpath,
  normalizeWindowsPath,
  tryParseWindowsPath,
  windowsPathKey,
  windowsPathsEqual,
} from '../../../lib/policy/windows-paths';
import { canonicalizeWindowsPath, resolveWindowsPolicy } from '../../../lib/policy/resolve-windows';
import { planWindowsPolicy } from '../../helpers/plan-windows-policy';
import { lexicalWindowsHost } from '../../../lib/policy/windows-host';
import { ENV, PROFILE, WORKSPACE_WRITE, cwdEntry, fakeHost, path, restricted, root } from './fixtures';

const p = (text: string) => {
  const parsed = tryParseWindowsPath(text);
  if (parsed === null) throw new Error(`fixture ${text} does not parse`);
  return parsed;
};

describe('windows paths: parsing and normalization', () => {
  const cases: [string, string][] = [
    ['C:\\w\\a', 'C:\\w\\a'],
    ['c:/w/a/', 'C:\\w\\a'],
    ['C:\\', 'C:\\'],
    ['C:', 'C:\\'],
    ['C:\\w\\.\\a\\..\\b', 'C:\\w\\b'],
    ['C:\\..\\..\\x', 'C:\\x'],
    ['C:\\w\\\\a', 'C:\\w\\a'],
    ['\\\\server\\share', '\\\\server\\share\\'],
    ['\\\\server\\share\\dir\\f.txt', '\\\\server\\share\\dir\\f.txt'],
    ['//server/share/dir', '\\\\server\\share\\dir'],
    ['\\\\?\\D:\\c\\x', 'D:\\c\\x'],
    ['\\\\?\\UNC\\s\\sh\\x', '\\\\s\\sh\\x'],
    ['\\??\\C:\\x', 'C:\\x'],
    ['C:\\w\\secret.', 'C:\\w\\secret'],
    ['C:\\w\\secret .. ', 'C:\\w\\secret'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} normalizes to ${JSON.stringify(expected)}`, () => {
      expect(normalizeWindowsPath(input)).toBe(expected);
    });
  }
  const rejected = [
    'relative\\dir',
    '\\rooted-without-drive',
    'C:drive-relative',
    '/home/me',
    '\\\\.\\NUL',
    '\\\\.\\pipe\\x',
    '\\\\?\\GLOBALROOT\\Device\\X',
    '\\\\?\\Volume{0000}\\x',
    '\\\\server',
    'C:\\w\\file.txt:stream',
    'C:\\w\\a|b',
    'C:\\w\\a*',
    '',
  ];
  for (const input of rejected) {
    it(`${JSON.stringify(input)} is not an absolute Windows path`, () => {
      expect(isWindowsAbsolute(input)).toBe(false);
    });
  }
});

describe('windows paths: comparison', () => {
  it('compares case-insensitively', () => {
    expect(windowsPathsEqual(p('C:\\Work\\Repo'), p('c:\\work\\REPO'))).toBe(true);
    expect(isWindowsPathWithin(p('c:\\WORK\\repo\\src'), p('C:\\Work\\Repo'))).toBe(true);
  });
  it('compares component-wise, not by string prefix', () => {
    expect(isWindowsPathWithin(p('C:\\ab'), p('C:\\a'))).toBe(false);
    expect(isWindowsPathWithin(p('D:\\a'), p('C:\\a'))).toBe(false);
    expect(isWindowsPathWithin(p('\\\\s\\sh\\a'), p('\\\\s\\other'))).toBe(false);
  });
  it('treats a verbatim spelling and the plain one as the same path', () => {
    expect(windowsPathsEqual(p('\\\\?\\C:\\W'), p('c:/w/'))).toBe(true);
  });
  it('keys paths as lower-case forward-slash strings (the reference cap_sid key)', () => {
    expect(windowsPathKey(p('C:\\Work\\Repo'))).toBe('c:/work/repo');
    expect(windowsPathKey(p('C:\\'))).toBe('c:');
  });
  it('joins only descendant subpaths', () => {
    expect(formatWindowsPath(joinWindowsSubpath(p('C:\\w'), 'docs/a') ?? p('Z:\\'))).toBe('C:\\w\\docs\\a');
    expect(joinWindowsSubpath(p('C:\\w'), '..\\x')).toBeNull();
    expect(joinWindowsSubpath(p('C:\\w'), 'D:\\x')).toBeNull();
    expect(joinWindowsSubpath(p('C:\\w'), '\\x')).toBeNull();
  });
});

describe('windows paths: 8.3 short names and junctions', () => {
  it('recognizes components that may be 8.3 aliases', () => {
    expect(hasShortNameComponent(p('C:\\PROGRA~1\\x'))).toBe(true);
    expect(hasShortNameComponent(p('C:\\Users\\RUNNER~1\\AppData'))).toBe(true);
    expect(hasShortNameComponent(p('C:\\Users\\runner\\AppData'))).toBe(false);
  });
  it('canonicalizes through the host: a short TEMP and its long name are one writable root', () => {
    const host = fakeHost(['C:\\Users\\runneradmin\\AppData\\Local\\Temp', 'C:\\w'], [], {
      'C:\\Users\\RUNNER~1\\AppData\\Local\\Temp': 'C:\\Users\\runneradmin\\AppData\\Local\\Temp',
    });
    const env = { TEMP: 'C:\\Users\\RUNNER~1\\AppData\\Local\\Temp', TMP: 'C:\\Users\\runneradmin\\AppData\\Local\\Temp', USERPROFILE: 'C:\\Users\\runneradmin' };
    const resolved = resolveWindowsPolicy(WORKSPACE_WRITE(), { cwd: 'C:\\w', env, host });
    expect(resolved.writableRoots.map((r) => formatWindowsPath(r.root))).toEqual(['C:\\w', 'C:\\Users\\runneradmin\\AppData\\Local\\Temp']);
    // The legacy projection is canonicalized the same way, so the token backend accepts it (docs/reference.md#windows-read-roots).
    const plan = planWindowsPolicy(WORKSPACE_WRITE(), { cwd: 'C:\\w', command: ['x'], env, host, backend: 'windows-token', permissionProfile: PROFILE });
    expect(plan.capabilityRoots.map((r) => r.root)).toEqual(['C:\\w', 'C:\\Users\\runneradmin\\AppData\\Local\\Temp']);
  });
  it('warns when a short name cannot be expanded on this host', () => {
    const env = { ...ENV, TEMP: 'C:\\Users\\RUNNER~1\\Temp', TMP: 'C:\\Users\\RUNNER~1\\Temp' };
    const resolved = resolveWindowsPolicy(WORKSPACE_WRITE(), { cwd: 'C:\\w', env, host: lexicalWindowsHost });
    expect(resolved.warnings.some((w) => w.includes('8.3 short name'))).toBe(true);
  });
  it('resolves a junctioned root to its target, keeping the rest of a missing path', () => {
    const host = fakeHost(['D:\\real'], [], { 'C:\\link': 'D:\\real' });
    expect(formatWindowsPath(canonicalizeWindowsPath(p('C:\\link\\new\\file'), host))).toBe('D:\\real\\new\\file');
  });
  it('accepts a verbatim final path from the host', () => {
    const host = fakeHost([], [], { 'C:\\link': '\\\\?\\D:\\real' });
    expect(formatWindowsPath(canonicalizeWindowsPath(p('C:\\link'), host))).toBe('D:\\real');
  });
});

describe('windows resolution: special paths against a Windows cwd', () => {
  it(':root is the cwd drive root, also on a share', () => {
    const r = resolveWindowsPolicy(restricted([root('read')]), { cwd: '\\\\srv\\proj\\repo', env: ENV, host: lexicalWindowsHost });
    expect(formatWindowsPath(r.volumeRoot)).toBe('\\\\srv\\proj\\');
    expect(r.rootReadable).toBe(true);
  });
  it(':project_roots subpaths join the cwd; escaping subpaths fail closed', () => {
    const r = resolveWindowsPolicy(restricted([root('read'), cwdEntry('write'), cwdEntry('read', '..\\up')]), { cwd: 'C:\\w', env: ENV, host: lexicalWindowsHost });
    // The rejected read entry becomes a deny on the project root itself.
    expect(r.denyReadPaths.map(formatWindowsPath)).toEqual(['C:\\w']);
    expect(r.warnings[0]).toMatch(/not a descendant path/);
  });
  it(':tmpdir is TEMP and TMP; :slash_tmp resolves to nothing on Windows', () => {
    const env = { ...ENV, TMP: 'D:\\tmp' };
    const r = resolveWindowsPolicy(WORKSPACE_WRITE(), { cwd: 'C:\\w', env, host: lexicalWindowsHost });
    expect(r.writableRoots.map((x) => formatWindowsPath(x.root))).toEqual(['C:\\w', ENV.TEMP, 'D:\\tmp']);
  });
  it('entries match case-insensitively: a deny spelled differently still denies', () => {
    const r = resolveWindowsPolicy(restricted([root('read'), cwdEntry('write'), path('c:\\W\\SECRET', 'deny')]), { cwd: 'C:\\w', env: ENV, host: lexicalWindowsHost });
    expect(r.writableRoots[0].readOnlySubpaths.map(formatWindowsPath)).toEqual(['C:\\W\\SECRET']);
  });
});
