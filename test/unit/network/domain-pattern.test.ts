import { describe, expect, it } from 'vitest';
import { normalizeHost, parseDomainPattern, patternMatches, splitHostPort } from '../../../lib/policy/domain-pattern';
import { canonicalIPv6, isNonPublicAddress, parseIPv6 } from '../../../lib/policy/ip-address';

function matches(pattern: string, target: string): boolean {
  const p = parseDomainPattern(pattern, 'allow');
  if (typeof p === 'string') throw new Error(p);
  const t = splitHostPort(target, 443)!;
  return patternMatches(p, normalizeHost(t.host), t.port);
}

describe('domain patterns: matching', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['example.com', 'EXAMPLE.com.', true],
    ['example.com', 'api.example.com', false],
    ['Example.COM', 'example.com', true],
    ['*.example.com', 'api.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'badexample.com', false],
    ['**.example.com', 'example.com', true],
    ['**.example.com', 'deep.api.example.com', true],
    ['**.example.com', 'notexample.com', false],
    ['*', 'anything.test', true],
    ['*', '203.0.113.7', true],
    ['example.com:8443', 'example.com:8443', true],
    ['example.com:8443', 'example.com:443', false],
    ['example.com', 'example.com:8443', true],
    ['*.example.com:443', 'api.example.com:443', true],
    ['*.example.com:443', 'api.example.com:80', false],
    ['203.0.113.7', '203.0.113.7', true],
    ['*.0.113.7', '203.0.113.7', false],
    ['[2001:db8::1]:443', '[2001:DB8:0:0::1]:443', true],
    ['2001:db8::1', '[2001:db8::1]:80', true],
    ['[::1]', '[0:0:0:0:0:0:0:1]:80', true],
  ])('%s against %s: %s', (pattern, target, expected) => {
    expect(matches(pattern, target)).toBe(expected);
  });
});

describe('domain patterns: malformed input is refused with the reason', () => {
  it.each([
    ['', 'allow', 'cannot be empty'],
    ['exa mple.com', 'allow', 'whitespace'],
    ['https://example.com', 'allow', 'not a URL'],
    ['*', 'deny', 'only allowed in allow rules'],
    ['foo.*.com', 'allow', 'wildcard is only allowed'],
    ['*example.com', 'allow', 'wildcard is only allowed'],
    ['***.example.com', 'allow', 'wildcard is only allowed'],
    ['*.*.example.com', 'allow', 'only allowed once'],
    ['*.', 'allow', 'not a domain name'],
    ['*.203.0.113.7', 'allow', 'not a domain name'],
    ['example.com:0', 'allow', 'out of range (1-65535)'],
    ['example.com:65536', 'allow', 'out of range (1-65535)'],
    ['example.com:http', 'allow', 'not a number'],
    ['example.com:', 'allow', 'not a number'],
    ['[::1', 'allow', 'must be closed'],
    ['[::1]x', 'allow', 'only `:port` may follow'],
    ['[zz::1]:80', 'allow', 'not an IPv6 address'],
    ['-bad-.example.com', 'allow', 'not a host name'],
    ['a..b', 'allow', 'not a host name'],
  ] as const)('%j (%s) → %s', (pattern, list, why) => {
    const out = parseDomainPattern(pattern, list);
    expect(typeof out).toBe('string');
    expect(out).toContain(why);
  });

  it('the global * is accepted in allow rules, with or without a port', () => {
    expect(parseDomainPattern('*', 'allow')).toEqual({ raw: '*', kind: 'any', host: '' });
    expect(parseDomainPattern('*:443', 'allow')).toEqual({ raw: '*:443', kind: 'any', host: '', port: 443 });
  });
});

describe('host:port targets', () => {
  it.each([
    ['example.com:80', { host: 'example.com', port: 80 }],
    ['[::1]:443', { host: '::1', port: 443 }],
    ['example.com', undefined],
    ['example.com:0', undefined],
    ['example.com:99999', undefined],
    [':80', undefined],
  ])('%s', (text, expected) => {
    expect(splitHostPort(text)).toEqual(expected);
  });
});

describe('address classification', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['0.0.0.0', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['100.127.255.255', true],
    ['100.128.0.1', false],
    ['224.0.0.1', true],
    ['255.255.255.255', true],
    ['8.8.8.8', false],
    ['203.0.113.7', false],
    ['::', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::10.0.0.1', true],
    ['2002:c0a8:0101::1', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['fe80::1%eth0', true],
    ['ff02::1', true],
    ['2001:4860:4860::8888', false],
    ['example.com', false],
  ])('%s non-public: %s', (addr, expected) => {
    expect(isNonPublicAddress(addr)).toBe(expected);
  });

  it('IPv6 parsing and canonical form', () => {
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6('1::2::3')).toBeUndefined();
    expect(parseIPv6('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(canonicalIPv6('2001:DB8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIPv6('0:0:0:0:0:0:0:0')).toBe('::');
  });
});
