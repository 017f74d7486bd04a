// Deny-glob matching rules (docs/architecture.md#globs).
import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../../lib/policy/glob/to-regexp';

const m = (pattern: string, path: string): boolean => compileGlob(pattern).matches(path);

describe('compileGlob', () => {
  it('* and ? never cross a slash', () => {
    expect(m('/t/*.env', '/t/.env')).toBe(true);
    expect(m('/t/*.env', '/t/a/.env')).toBe(false);
    expect(m('/t/?', '/t/a')).toBe(true);
    expect(m('/t/?', '/t/ab')).toBe(false);
    expect(m('/t/a?b', '/t/a/b')).toBe(false);
  });

  it('**/ matches zero or more directories, anywhere in the pattern', () => {
    expect(m('/t/**/x', '/t/x')).toBe(true);
    expect(m('/t/**/x', '/t/a/b/x')).toBe(true);
    expect(m('/t/**/x', '/tx')).toBe(false);
    expect(m('**/*.pem', 'a/b.pem')).toBe(true);
    expect(m('**/*.pem', 'b.pem')).toBe(true);
  });

  it('a trailing /** matches everything below, not the directory itself', () => {
    expect(m('/t/secrets/**', '/t/secrets/a/b')).toBe(true);
    expect(m('/t/secrets/**', '/t/secrets')).toBe(false);
  });

  it('** inside a component is a plain *', () => {
    expect(m('/t/a**b', '/t/axxb')).toBe(true);
    expect(m('/t/a**b', '/t/a/b')).toBe(false);
  });

  it('character classes: ranges, negation, a leading ] is literal, never a slash', () => {
    expect(m('/t/f[0-9]', '/t/f7')).toBe(true);
    expect(m('/t/f[0-9]', '/t/fa')).toBe(false);
    expect(m('/t/f[!0-9]', '/t/fa')).toBe(true);
    expect(m('/t/f[^0-9]', '/t/f1')).toBe(false);
    expect(m('/t/f[!a]x', '/t/f/x')).toBe(false);
    expect(m('/t/[]]', '/t/]')).toBe(true);
    expect(m('/t/[.]', '/t/.')).toBe(true);
    expect(m('/t/[.]', '/t/a')).toBe(false);
  });

  it('an unclosed [ is a literal bracket', () => {
    expect(m('/t/[', '/t/[')).toBe(true);
    expect(m('/t/a[b', '/t/a[b')).toBe(true);
    expect(m('/t/a[b', '/t/ab')).toBe(false);
  });

  it('alternates and escapes', () => {
    expect(m('/t/*.{pem,key}', '/t/a.key')).toBe(true);
    expect(m('/t/*.{pem,key}', '/t/a.crt')).toBe(false);
    expect(m('/t/\\*', '/t/*')).toBe(true);
    expect(m('/t/\\*', '/t/a')).toBe(false);
  });

  it('regex metacharacters in the pattern are literal', () => {
    expect(m('/t/a+b(c)|d$', '/t/a+b(c)|d$')).toBe(true);
    expect(m('/t/a.b', '/t/axb')).toBe(false);
  });

  it('malformed patterns match every path (fail closed)', () => {
    for (const pattern of ['/t/x\\', '/t/{a,b', '/t/{a,{b}}', '/t/[z-a]']) {
      const g = compileGlob(pattern);
      expect(g.valid, pattern).toBe(false);
      expect(g.matches('/anything/at/all'), pattern).toBe(true);
    }
  });
});
