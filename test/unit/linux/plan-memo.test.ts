import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Host } from '../../../lib/policy/types';
import { jsonSnapshot, PlanMemo } from '../../../lib/spawn/plan-memo';

describe('jsonSnapshot', () => {
  it('property: plain JSON data gives JSON.stringify text that parses back to an equal value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = jsonSnapshot(value);
        expect(text).toBe(JSON.stringify(value));
        expect(JSON.parse(text!)).toStrictEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['an undefined property (a key a strict schema would still see)', { type: 'managed', extra: undefined }],
    ['NaN', { depth: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['a function', { toJSON: () => ({}) }],
    ['a Date', { at: new Date(0) }],
    ['a class instance', new (class Policy {})()],
    ['a Map', new Map([['a', 1]])],
    // biome-ignore lint/suspicious/noSparseArray: the case under test is an array hole
    ['a hole in an array', [1, , 3]],
    ['a bigint', { n: 1n }],
    ['a symbol', { s: Symbol('x') }],
  ])('is undefined for %s, so such a policy is never remembered', (_name, value) => {
    expect(jsonSnapshot(value)).toBeUndefined();
  });

  it('is undefined for nesting beyond 64 levels and for cycles instead of overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expect(jsonSnapshot(deep)).toBeUndefined();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(jsonSnapshot(cycle)).toBeUndefined();
  });

  it('accepts objects without a prototype and distinguishes strings from their JSON text', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(jsonSnapshot(bare)).toBe('{"a":1}');
    expect(jsonSnapshot('{"a":1}')).toBe('"{\\"a\\":1}"');
  });
});

/** A host whose answers the test changes; counts the questions it is asked. */
function fakeHost(): { host: Host; kinds: Map<string, 'file' | 'dir'>; asked: string[] } {
  const kinds = new Map<string, 'file' | 'dir'>();
  const asked: string[] = [];
  const stat = (path: string): 'file' | 'dir' | undefined => {
    asked.push(`stat ${path}`);
    return kinds.get(path);
  };
  const host: Host = {
    processCwd: () => '/',
    homeDir: () => '/home/u',
    env: () => undefined,
    lstat: stat,
    stat,
    realpath: (p) => p,
    readFile: () => undefined,
    readdir: () => undefined,
    isEmpty: () => false,
  };
  return { host, kinds, asked };
}

describe('PlanMemo', () => {
  it('builds once while every host answer stays the same, and asks each question again on reuse', () => {
    const { host, kinds, asked } = fakeHost();
    kinds.set('/w', 'dir');
    const memo = new PlanMemo<{ git: boolean }>(4);
    let builds = 0;
    const build = (h: Host): { git: boolean } => {
      builds++;
      h.stat('/w');
      h.stat('/w'); // asked twice, checked once
      return { git: h.stat('/w/.git') !== undefined };
    };
    expect(memo.get('k', host, build)).toStrictEqual({ git: false });
    asked.length = 0;
    expect(memo.get('k', host, build)).toStrictEqual({ git: false });
    expect(builds).toBe(1);
    expect(asked).toStrictEqual(['stat /w', 'stat /w/.git']);
  });

  it('builds again when any answer changed, and remembers the new answers', () => {
    const { host, kinds } = fakeHost();
    const memo = new PlanMemo<{ git: boolean }>(4);
    let builds = 0;
    const build = (h: Host): { git: boolean } => {
      builds++;
      return { git: h.stat('/w/.git') !== undefined };
    };
    expect(memo.get('k', host, build).git).toBe(false);
    kinds.set('/w/.git', 'dir');
    expect(memo.get('k', host, build).git).toBe(true);
    expect(memo.get('k', host, build).git).toBe(true);
    kinds.set('/w/.git', 'file');
    expect(memo.get('k', host, build).git).toBe(true);
    expect(builds).toBe(3);
  });

  it('does not remember a build that throws', () => {
    const { host } = fakeHost();
    const memo = new PlanMemo<number>(4);
    let builds = 0;
    const failing = (): number => {
      builds++;
      throw new Error('refused');
    };
    expect(() => memo.get('k', host, failing)).toThrow('refused');
    expect(() => memo.get('k', host, failing)).toThrow('refused');
    expect(builds).toBe(2);
  });

  it('hands out deep-frozen values, so no caller can change what later runs get', () => {
    const { host } = fakeHost();
    const memo = new PlanMemo<{ argv: string[]; nested: { x: number } }>(4);
    const value = memo.get('k', host, () => ({ argv: ['a'], nested: { x: 1 } }));
    expect(Object.isFrozen(value) && Object.isFrozen(value.argv) && Object.isFrozen(value.nested)).toBe(true);
    expect(() => value.argv.push('b')).toThrow(TypeError);
  });

  it('keeps at most `capacity` entries, dropping the least recently used', () => {
    const { host } = fakeHost();
    const memo = new PlanMemo<string>(2);
    const builds: string[] = [];
    const get = (key: string): string => memo.get(key, host, () => (builds.push(key), key));
    get('a');
    get('b');
    get('a');
    get('c'); // evicts b, the least recently used
    get('a');
    get('b');
    expect(builds).toStrictEqual(['a', 'b', 'c', 'b']);
  });
});
