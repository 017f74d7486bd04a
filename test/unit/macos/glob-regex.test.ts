import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../../lib/policy/glob/to-regexp';
import { globAncestors, globToExactSbplRegex as globToExactRegex, globToSbplRegex as globToRegex, splitStaticPrefix } from '../../../lib/policy/glob/to-sbpl';

function source(glob: string): string {
  const r = globToRegex(glob);
  if (r.kind !== 'regex') throw new Error(`${glob} gave ${r.kind}`);
  return r.source;
}
const matches = (glob: string, path: string): boolean => new RegExp(source(glob)).test(path);

describe('glob to SBPL regex (A7)', () => {
  it('glob: the reference vectors translate to equivalent anchored regexes', () => {
    expect(source('/tmp/repo/**/*.env')).toBe('^/tmp/repo/([^/]+/)*[^/]*\\.env$');
    expect(source('/tmp/repo/*/file[0-9]?.txt')).toBe('^/tmp/repo/[^/]*/file[0-9][^/]\\.txt$');
    expect(source('/tmp/repo/[*.env')).toBe('^/tmp/repo/\\[[^/]*\\.env$');
  });

  it('glob: ** spans directories including none, * and ? stay within one component', () => {
    expect(matches('/tmp/repo/**/*.env', '/tmp/repo/.env')).toBe(true);
    expect(matches('/tmp/repo/**/*.env', '/tmp/repo/app/config.env')).toBe(true);
    expect(matches('/tmp/repo/**/*.env', '/tmp/repo/app/config.toml')).toBe(false);
    expect(matches('/t/*/file[0-9]?.txt', '/t/app/file42.txt')).toBe(true);
    expect(matches('/t/*/file[0-9]?.txt', '/t/app/nested/file42.txt')).toBe(false);
    expect(matches('/t/*/file[0-9]?.txt', '/t/app/file4.txt')).toBe(false);
    expect(matches('/t/*/file[0-9]?.txt', '/t/app/fileab.txt')).toBe(false);
    expect(matches('/t/a**b', '/t/a/b')).toBe(false);
    expect(matches('/t/**', '/t/a/b')).toBe(true);
  });

  it('glob: a plain path denies itself and its subtree, an unclosed [ only the literal name', () => {
    expect(source('/t/private')).toBe('^/t/private(/.*)?$');
    expect(matches('/t/private', '/t/private/x')).toBe(true);
    expect(matches('/t/private', '/t/privateer')).toBe(false);
    expect(matches('/t/[', '/t/[')).toBe(true);
    expect(matches('/t/[', '/t/[/x')).toBe(false);
  });

  it('glob: classes negate with ! or ^, take ] first as a member, and never match /', () => {
    expect(source('/t/[!a]')).toBe('^/t/[^/a]$');
    expect(source('/t/[^a]')).toBe('^/t/[^/a]$');
    expect(source('/t/[]a]')).toBe('^/t/[\\]a]$');
    expect(source('/t/[a\\b]')).toBe('^/t/[a\\\\b]$');
    expect(source('/t/[+-1]')).toBe('^/t/[+-.0-1]$');
    expect(matches('/t/x[!a]y', '/t/x/y')).toBe(false);
    expect(globToRegex('/t/x[/]y')).toStrictEqual({ kind: 'never' });
  });

  it('glob: braces alternate, stray ] and } are literals, escapes make characters literal', () => {
    expect(source('/t/a]b*')).toBe('^/t/a\\]b[^/]*$');
    expect(source('/t/{a,b*}.txt')).toBe('^/t/(a|b[^/]*)\\.txt$');
    expect(source('/t/a}b')).toBe('^/t/a\\}b(/.*)?$');
    expect(source('/t/\\*.txt')).toBe('^/t/\\*\\.txt(/.*)?$');
    expect(matches('/t/{a,b}/x?', '/t/b/x1')).toBe(true);
    expect(matches('/t/{a,b}/x?', '/t/c/x1')).toBe(false);
  });

  it('glob: malformed patterns (what explain() denies everything for) are reported as malformed', () => {
    for (const bad of ['/t/{a', '/t/{a,{b}}', '/t/x\\', '/t/[z-a]']) {
      expect(globToRegex(bad)).toStrictEqual({ kind: 'malformed' });
      expect(compileGlob(bad).valid).toBe(false);
    }
  });

  it('glob: the static prefix is cut back to the last / before the first metacharacter', () => {
    expect(splitStaticPrefix('/tmp/repo/**/*.env')).toStrictEqual({ prefix: '/tmp/repo', rest: '/**/*.env' });
    expect(splitStaticPrefix('/tmp/re*po/x')).toStrictEqual({ prefix: '/tmp', rest: '/re*po/x' });
    expect(splitStaticPrefix('/tmp/plain')).toStrictEqual({ prefix: '/tmp/plain', rest: '' });
  });

  it('glob: ancestors are every cut at a separator, with partial brace groups closed', () => {
    expect(globAncestors('/w/.github/workflow?/*.yml')).toStrictEqual(['/w', '/w/.github', '/w/.github/workflow?']);
    expect(globAncestors('/w/{a,b/c}/x')).toStrictEqual(['/w', '/w/{a,b}', '/w/{a,b/c}']);
    expect(globAncestors('/u/**/.github/workflows/ci.yml')).toStrictEqual(['/u', '/u/**/.github', '/u/**/.github/workflows']);
    expect(globToExactRegex('/w/{a,b}')).toStrictEqual({ kind: 'regex', source: '^/w/(a|b)$' });
    expect(globToExactRegex('/w/.github')).toStrictEqual({ kind: 'regex', source: '^/w/\\.github$' });
  });
});
