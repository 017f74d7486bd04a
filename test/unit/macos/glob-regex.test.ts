import { describe, expect, it } from 'vitest';
import { globAncestors, globToExactRegex, globToRegex, splitStaticPrefix } from '../../../lib/platform/macos/glob-regex';

const matches = (glob: string, path: string): boolean => new RegExp(globToRegex(glob)).test(path);

describe('glob to SBPL regex (A7)', () => {
  it('glob: the reference vectors translate exactly', () => {
    expect(globToRegex('/tmp/repo/**/*.env')).toBe('^/tmp/repo/(.*/)?[^/]*\\.env$');
    expect(globToRegex('/tmp/repo/*/file[0-9]?.txt')).toBe('^/tmp/repo/[^/]*/file[0-9][^/]\\.txt$');
    expect(globToRegex('/tmp/repo/[*.env')).toBe('^/tmp/repo/\\[[^/]*\\.env$');
  });

  it('glob: ** spans directories including none, * and ? stay within one component', () => {
    expect(matches('/tmp/repo/**/*.env', '/tmp/repo/.env')).toBe(true);
    expect(matches('/tmp/repo/**/*.env', '/tmp/repo/app/config.env')).toBe(true);
    expect(matches('/tmp/repo/**/*.env', '/tmp/repo/app/config.toml')).toBe(false);
    expect(matches('/t/*/file[0-9]?.txt', '/t/app/file42.txt')).toBe(true);
    expect(matches('/t/*/file[0-9]?.txt', '/t/app/nested/file42.txt')).toBe(false);
    expect(matches('/t/*/file[0-9]?.txt', '/t/app/file4.txt')).toBe(false);
    expect(matches('/t/*/file[0-9]?.txt', '/t/app/fileab.txt')).toBe(false);
  });

  it('glob: a plain path denies itself and its subtree, an unclosed [ only the literal name', () => {
    expect(globToRegex('/t/private')).toBe('^/t/private(/.*)?$');
    expect(matches('/t/private', '/t/private/x')).toBe(true);
    expect(matches('/t/private', '/t/privateer')).toBe(false);
    expect(matches('/t/[', '/t/[')).toBe(true);
    expect(matches('/t/[', '/t/[/x')).toBe(false);
  });

  it('glob: classes negate with !, keep ^ and backslashes literal; stray ] and braces translate', () => {
    expect(globToRegex('/t/[!a]')).toBe('^/t/[^a]$');
    expect(globToRegex('/t/[^a]')).toBe('^/t/[\\^a]$');
    expect(globToRegex('/t/[a\\b]')).toBe('^/t/[a\\\\b]$');
    expect(globToRegex('/t/a]b*')).toBe('^/t/a\\]b[^/]*$');
    expect(globToRegex('/t/{a,b*}.txt')).toBe('^/t/(a|b[^/]*)\\.txt$');
    expect(globToRegex('/t/{a.txt')).toBe('^/t/\\{a\\.txt$');
    expect(globToRegex('/t/\\*.txt')).toBe('^/t/\\*\\.txt(/.*)?$');
    expect(matches('/t/{a,b}/x?', '/t/b/x1')).toBe(true);
    expect(matches('/t/{a,b}/x?', '/t/c/x1')).toBe(false);
  });

  it('glob: the static prefix is cut back to the last / before the first metacharacter', () => {
    expect(splitStaticPrefix('/tmp/repo/**/*.env')).toEqual({ prefix: '/tmp/repo', rest: '/**/*.env' });
    expect(splitStaticPrefix('/tmp/re*po/x')).toEqual({ prefix: '/tmp', rest: '/re*po/x' });
    expect(splitStaticPrefix('/tmp/plain')).toEqual({ prefix: '/tmp/plain', rest: '' });
  });

  it('glob: ancestors are every cut at a separator, with partial brace groups closed', () => {
    expect(globAncestors('/w/.github/workflow?/*.yml')).toEqual(['/w', '/w/.github', '/w/.github/workflow?']);
    expect(globAncestors('/w/{a,b/c}/x')).toEqual(['/w', '/w/{a,b}', '/w/{a,b/c}']);
    expect(globToExactRegex('/w/{a,b}')).toBe('^/w/(a|b)$');
    expect(globToExactRegex('/w/.github')).toBe('^/w/\\.github$');
  });
});
