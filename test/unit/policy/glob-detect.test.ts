// One detector for "is it a glob?" (policy/glob/tokenize.ts), used by the config compiler, the
// requirements reader and every planner. `/w/{a,b}` is a glob everywhere: deny globs are matched
// with brace alternation, so a key spelled with braces is classified with it too.
import { describe, expect, it } from 'vitest';
import { compileProfile, type ProfileSource } from '../../../lib/config/permissions-compile';
import { validatePermissionsTable } from '../../../lib/config/permissions-schema';
import { parseTomlText, type TomlTable, type ValueOrigin } from '../../../lib/config/toml-source';
import { globSearchRoot } from '../../../lib/platform/linux/glob-expand';
import { compileWindowsGlob } from '../../../lib/policy/glob/compile-windows';
import { describeDenyReadGlob } from '../../../lib/platform/windows/glob';
import { POSIX_GLOB, WINDOWS_GLOB } from '../../../lib/policy/glob/dialect';
import { compileGlob } from '../../../lib/policy/glob/to-regexp';
import { globToSbplRegex } from '../../../lib/policy/glob/to-sbpl';
import { globLiteralDir, globMetaIndex, isGlob } from '../../../lib/policy/glob/tokenize';

describe('isGlob', () => {
  it('wildcards, classes, braces and escapes make a POSIX glob; a stray ] does not', () => {
    for (const glob of ['/w/*.env', '/w/?', '/w/[ab]', '/w/{a,b}', '/w/\\*', '/w/a[b']) expect(isGlob(glob, POSIX_GLOB), glob).toBe(true);
    for (const plain of ['/w/a', '/w/a]b', '/w/a,b', '/w/a}b']) expect(isGlob(plain, POSIX_GLOB), plain).toBe(false);
  });

  it('Windows: `\\` is the separator and braces are literal', () => {
    expect(isGlob('C:\\w\\a', WINDOWS_GLOB)).toBe(false);
    expect(isGlob('C:\\w\\{a,b}', WINDOWS_GLOB)).toBe(false);
    expect(isGlob('C:\\w\\*.env', WINDOWS_GLOB)).toBe(true);
  });

  it('an escaped wildcard is not where the literal prefix ends', () => {
    expect(globMetaIndex('/w/\\*x/*')).toBe(7);
    expect(globLiteralDir('/w/\\*x/*')).toBe('/w/*x');
  });
});

describe('every consumer reads /w/{a,b} as the same glob', () => {
  it('explain() and the Seatbelt profile match /w/a and /w/b', () => {
    expect(compileGlob('/w/{a,b}').matches('/w/b')).toBe(true);
    expect(compileGlob('/w/{a,b}').matches('/w/{a,b}')).toBe(false);
    expect(globToSbplRegex('/w/{a,b}')).toStrictEqual({ kind: 'regex', source: '^/w/(a|b)$' });
  });

  it('Linux searches from the directory above the brace group, unescaped', () => {
    expect(globSearchRoot('/w/x/{a,b}')).toBe('/w/x');
    expect(globSearchRoot('/w/\\*x/*.env')).toBe('/w/*x');
  });

  it('config: a "/w/{a,b}" key with deny access becomes a glob_pattern entry', () => {
    const file = '/home/u/.codex/config.toml';
    const text = '[permissions.p.filesystem]\n":root" = "read"\n"/w/{a,b}" = "deny"\n';
    const origin: ValueOrigin = { kind: 'file', file, text };
    const perms = (parseTomlText(text, file).permissions ?? {}) as TomlTable;
    validatePermissionsTable(perms, origin, ['permissions']);
    const profiles: Record<string, ProfileSource> = { p: { table: perms.p as TomlTable, origin, path: ['permissions', 'p'] } };
    const { policy } = compileProfile({
      name: 'p',
      profiles,
      cwd: '/work/repo',
      pathCtx: { home: '/home/u', windows: false },
      platform: 'linux',
      selectedBy: { origin, path: ['default_permissions'] },
    });
    expect(policy.fileSystem.kind === 'restricted' && policy.fileSystem.entries).toContainEqual({
      path: { type: 'glob_pattern', pattern: '/w/{a,b}' },
      access: 'deny',
    });
  });

  it('Windows walks from the literal directory and refuses a malformed pattern with a typed error', () => {
    expect(describeDenyReadGlob('C:\\w\\{a,b}\\*.key', undefined).walkRoot).toBe('C:\\w\\{a,b}');
    expect(() => compileWindowsGlob('C:\\w\\[z-a]')).toThrow(expect.objectContaining({ code: 'E_POLICY_INVALID' }));
  });
});
