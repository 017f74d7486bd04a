import { describe, expect, it } from 'vitest';
import { evaluateSbpl, type SbplRequest } from '../../helpers/sbpl-evaluate';
import { parseSbpl } from '../../helpers/sbpl-parse';
import { renderSbpl } from '../../../lib/platform/macos/sbpl-render';

function decide(profile: string, request: SbplRequest, params: [string, string][] = []): boolean {
  return evaluateSbpl(parseSbpl(profile), params, request).allowed;
}

describe('SBPL subset parser', () => {
  it('sbpl parse: version, comments, rules in all three layouts round-trip through the renderer', () => {
    const text = [
      '(version 1)',
      '(deny default)',
      '; a comment',
      '(allow file-read* (subpath "/a") (literal "/b\\"c"))',
      '(allow file-write*',
      '(require-all (subpath (param "R")) (require-not (regex #"^/a/\\.git(/.*)?$")) )',
      ')',
      '(allow mach-lookup',
      '  (global-name "x")',
      '  (local-name "y"))',
      '(allow network-outbound (remote unix-socket (subpath (param "S"))))',
      '(allow system-mac-syscall (require-all (mac-policy-name "Sandbox") (mac-syscall-number 67)))',
      '',
    ].join('\n');
    const items = parseSbpl(text);
    expect(items[3]).toEqual({
      kind: 'rule',
      action: 'allow',
      operations: ['file-read*'],
      filters: [
        { kind: 'subpath', path: { string: '/a' } },
        { kind: 'literal', path: { string: '/b"c' } },
      ],
      layout: 'inline',
    });
    expect(items[4]).toMatchObject({ layout: 'block' });
    expect(items[5]).toMatchObject({ layout: 'stacked' });
    expect(renderSbpl(items)).toBe(text);
  });

  it('sbpl parse: a regex keeps its backslashes and unescapes only \\"', () => {
    const [rule] = parseSbpl('(deny file-read* (regex #"^/a\\.b \\"q\\"$"))');
    expect(rule).toMatchObject({ filters: [{ kind: 'regex', pattern: '^/a\\.b "q"$' }] });
  });

  it.each([
    ['an unknown operation', '(allow file-chroot)'],
    ['an unknown filter', '(allow file-read* (home-subpath "/x"))'],
    ['an unknown top-level form', '(define x 1)'],
    ['an import', '(import "system.sb")'],
    ['an unterminated string', '(allow file-read* (literal "/x))'],
    ['an unclosed form', '(allow file-read* (literal "/x")'],
    ['a trailing comment', '(allow default) ; no'],
    ['a regex that does not compile', '(deny file-read* (regex #"(["))'],
    ['a rule without operation', '(allow (literal "/x"))'],
    ['a bad vnode type', '(deny file-read* (vnode-type FIFO))'],
    ['a path filter with two paths', '(allow file-read* (subpath "/a" "/b"))'],
  ])('sbpl parse: rejects %s', (_what, text) => {
    expect(() => parseSbpl(text)).toThrowError(expect.objectContaining({ code: 'E_UNSUPPORTED_POLICY' }));
  });
});

describe('SBPL evaluator (Seatbelt model)', () => {
  const read = (path: string): SbplRequest => ({ operation: 'file-read-data', path });
  const write = (path: string): SbplRequest => ({ operation: 'file-write-data', path, vnodeType: 'REGULAR-FILE' });

  it('sbpl eval: deny default closes everything; the last matching rule wins', () => {
    const profile = '(version 1)\n(deny default)\n(allow file-read* (subpath "/a"))\n(deny file-read* (subpath "/a/b"))\n(allow file-read* (literal "/a/b/c"))\n';
    expect(decide(profile, read('/x'))).toBe(false);
    expect(decide(profile, read('/a/x'))).toBe(true);
    expect(decide(profile, read('/a/b/x'))).toBe(false);
    expect(decide(profile, read('/a/b/c'))).toBe(true);
    expect(evaluateSbpl(parseSbpl(profile), [], read('/a/b/x')).ruleIndex).toBe(3);
  });

  it('sbpl eval: subpath respects component boundaries; / covers everything', () => {
    const profile = '(deny default)\n(allow file-read* (subpath "/a/b"))\n(allow file-write* (subpath "/"))\n';
    expect(decide(profile, read('/a/b'))).toBe(true);
    expect(decide(profile, read('/a/bc'))).toBe(false);
    expect(decide(profile, write('/anything/at/all'))).toBe(true);
  });

  it('sbpl eval: wildcard operations cover their family only', () => {
    const profile = '(deny default)\n(allow file-read*)\n';
    expect(decide(profile, { operation: 'file-read-metadata', path: '/x' })).toBe(true);
    expect(decide(profile, write('/x'))).toBe(false);
    expect(decide(profile, { operation: 'mach-lookup', attributes: { 'global-name': 'x' } })).toBe(false);
  });

  it('sbpl eval: require-not carve-outs with params block both the literal path and its subtree', () => {
    const profile = '(deny default)\n(allow file-write*\n(require-all (subpath (param "R")) (require-not (literal (param "E"))) (require-not (subpath (param "E"))) )\n)\n';
    const params: [string, string][] = [
      ['R', '/w'],
      ['E', '/w/.codex'],
    ];
    expect(decide(profile, write('/w/f'), params)).toBe(true);
    expect(decide(profile, write('/w/.codex'), params)).toBe(false);
    expect(decide(profile, write('/w/.codex/config.toml'), params)).toBe(false);
    expect(decide(profile, write('/w/.codexx'), params)).toBe(true);
  });

  it('sbpl eval: require-any, regex, vnode-type and named filters', () => {
    const profile = [
      '(deny default)',
      '(allow file-write* (require-any (literal "/a") (regex #"^/b/[0-9]+$")))',
      '(deny file-write-unlink (require-all (literal "/a") (vnode-type DIRECTORY)))',
      '(allow mach-lookup (global-name "com.apple.x"))',
      '(allow sysctl-read (sysctl-name-prefix "kern.proc."))',
      '',
    ].join('\n');
    expect(decide(profile, write('/b/12'))).toBe(true);
    expect(decide(profile, write('/b/1x'))).toBe(false);
    expect(decide(profile, { operation: 'file-write-unlink', path: '/a', vnodeType: 'DIRECTORY' })).toBe(false);
    expect(decide(profile, { operation: 'file-write-unlink', path: '/a', vnodeType: 'REGULAR-FILE' })).toBe(true);
    expect(decide(profile, { operation: 'mach-lookup', attributes: { 'global-name': 'com.apple.x' } })).toBe(true);
    expect(decide(profile, { operation: 'mach-lookup', attributes: { 'global-name': 'com.apple.y' } })).toBe(false);
    expect(decide(profile, { operation: 'sysctl-read', attributes: { 'sysctl-name': 'kern.proc.pid.1' } })).toBe(true);
  });

  it('sbpl eval: network ip and unix-socket filters', () => {
    const profile = ['(deny default)', '(allow network-outbound (remote ip "localhost:3128"))', '(allow network-bind (local unix-socket (subpath (param "S"))))', ''].join('\n');
    const params: [string, string][] = [['S', '/private/tmp/s.sock']];
    expect(decide(profile, { operation: 'network-outbound', network: { side: 'remote', ip: '127.0.0.1:3128' } }, params)).toBe(true);
    expect(decide(profile, { operation: 'network-outbound', network: { side: 'remote', ip: '10.0.0.1:3128' } }, params)).toBe(false);
    expect(decide(profile, { operation: 'network-bind', network: { side: 'local', unixSocket: '/private/tmp/s.sock' } }, params)).toBe(true);
    expect(decide(profile, { operation: 'network-bind', network: { side: 'local', unixSocket: '/private/tmp/t.sock' } }, params)).toBe(false);
  });

  it('sbpl eval: an undefined or duplicated param, a missing vnode type, or no default is a model error', () => {
    const profile = '(deny default)\n(allow file-read* (subpath (param "R")))\n(deny file-write* (require-all (vnode-type DIRECTORY) (literal "/x")))\n';
    expect(() => decide(profile, read('/x'))).toThrowError(/not defined/);
    expect(() =>
      decide(profile, read('/x'), [
        ['R', '/a'],
        ['R', '/b'],
      ]),
    ).toThrowError(/twice/);
    expect(() => decide(profile, { operation: 'file-write-data', path: '/x' }, [['R', '/a']])).toThrowError(/vnode-type/);
    expect(() => decide('(allow file-read* (literal "/x"))', read('/y'))).toThrowError(/no rule decides/);
  });
});
