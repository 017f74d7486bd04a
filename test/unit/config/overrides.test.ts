import { describe, expect, it } from 'vitest';
import { buildOverridesTable, parseCliOverride } from '../../../lib/config/overrides';
import { thrownText } from '../../helpers/errors';

describe('-c key=value parsing (docs/reference.md#cli-overrides)', () => {
  it('parses_basic_scalar: 42 is an integer; parses_bool', () => {
    expect(parseCliOverride('a=42')).toEqual({ key: ['a'], value: 42, raw: 'a=42' });
    expect(parseCliOverride('a = true').value).toBe(true);
  });

  it('fails_on_unquoted_string: a bare word is a literal string; the shell form model=\'"o3"\' equals model=o3', () => {
    expect(parseCliOverride('sandbox_mode=read-only').value).toBe('read-only');
    expect(parseCliOverride('model="o3"').value).toBe('o3');
  });

  it('parses_array and parses_inline_table', () => {
    expect(parseCliOverride('x=[1, 2]').value).toEqual([1, 2]);
    expect(parseCliOverride('x={a = 1, b = "c"}').value).toEqual({ a: 1, b: 'c' });
  });

  it('splits at the first =, trims both halves', () => {
    expect(parseCliOverride(' a.b = x=y ')).toMatchObject({ key: ['a', 'b'], value: 'x=y' });
  });

  it('canonicalizes_use_legacy_landlock_alias', () => {
    expect(parseCliOverride('use_legacy_landlock=true').key).toEqual(['features', 'use_legacy_landlock']);
  });

  it('missing = and empty key are errors with the reference wording', () => {
    expect(thrownText(() => parseCliOverride('novalue'))).toBe("E_CONFIG_PARSE: Invalid override (missing '='): novalue; write -c key=value");
    expect(thrownText(() => parseCliOverride(' =1'))).toBe('E_CONFIG_PARSE: Empty key in override:  =1; write -c key=value');
  });

  it('dotted keys build nested tables, later pairs win, and a scalar on the way becomes a table', () => {
    const table = buildOverridesTable(['a.b=1', 'a.c=2', 'a.b=3', 'x=1', 'x.y=2'].map(parseCliOverride));
    expect(table).toEqual({ a: { b: 3, c: 2 }, x: { y: 2 } });
  });

  it('a key named like an Object.prototype member is an ordinary key, and __proto__ sets no prototype', () => {
    expect(parseCliOverride('toString=').key).toStrictEqual(['toString']);
    expect(parseCliOverride('constructor.x=1').key).toStrictEqual(['constructor', 'x']);
    const table = buildOverridesTable(['toString.a=1', '__proto__.polluted=1', 'hasOwnProperty=2'].map(parseCliOverride));
    expect(Object.getPrototypeOf(table)).toBe(Object.prototype);
    expect(Object.keys(table)).toStrictEqual(['toString', '__proto__', 'hasOwnProperty']);
    expect(Object.getOwnPropertyDescriptor(table, '__proto__')?.value).toStrictEqual({ polluted: 1 });
    expect(table.toString).toStrictEqual({ a: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
