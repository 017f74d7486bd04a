// The strict JSON reader for policy text (issue #20): JSON.parse's values, but a key given twice
// in one object is reported with its JSON path and offset.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isSandboxError } from '../../../lib/errors';
import { parsePolicyInput } from '../../../lib/policy/public-entry';
import { parsePermissionProfile } from '../../../lib/policy/parse-policy';
import { parseStrictJson } from '../../../lib/policy/strict-json';

function duplicate(text: string) {
  const r = parseStrictJson(text);
  return !r.ok && 'duplicate' in r ? r.duplicate : undefined;
}

describe('parseStrictJson', () => {
  it('finds a duplicate at the top level, nested in objects and arrays, with its offset', () => {
    expect(duplicate('{"a":1,"a":2}')).toEqual({ key: 'a', path: [], position: 7 });
    expect(duplicate('{"x":{"y":[1,{"k":true,"z":null}, {"k":1, "k":[]}]}}')).toEqual({ key: 'k', path: ['x', 'y', 2], position: 42 });
    expect(duplicate('[{"a":{"b":1},"c":2,"a":3}]')).toEqual({ key: 'a', path: [0], position: 20 });
  });

  it('keys that differ only by escapes are the same key', () => {
    expect(duplicate('{"a":1,"\\u0061":2}')?.key).toBe('a');
    expect(duplicate('{"\\"q":1,"\\u0022q":2}')?.key).toBe('"q');
    expect(duplicate('{"__proto__":1,"__proto__":2}')?.key).toBe('__proto__');
  });

  it('the same key in sibling or nested objects is not a duplicate; strings that look like keys are not keys', () => {
    for (const text of ['{"a":{"a":1},"b":{"a":2}}', '[{"a":1},{"a":1}]', '{"a":"\\"a\\":1,","b":"}{,\\\\"}', '{"a":[],"b":{},"c":[[{}]]}', ' { "a" : 1 , "b" : [ 1 , 2 ] } ']) {
      const r = parseStrictJson(text);
      expect(r, text).toEqual({ ok: true, value: JSON.parse(text) });
    }
  });

  it('malformed JSON is reported as JSON.parse reports it', () => {
    const r = parseStrictJson('{"a":');
    expect(!r.ok && 'error' in r && r.error).toBeInstanceOf(SyntaxError);
  });

  it('property: any JSON value, printed with or without spacing, parses exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 0, 2, '\t'), (value, space) => {
        const text = JSON.stringify(value, null, space);
        expect(parseStrictJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 300 },
    );
  });

  it('property: a key repeated in any object of a generated value is found at that object', () => {
    const objectValue = fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 });
    fc.assert(
      fc.property(objectValue, fc.array(fc.oneof(fc.string(), fc.nat(3)), { maxLength: 3 }), (obj, wrapPath) => {
        const key = Object.keys(obj)[0]!;
        const inner = `${JSON.stringify(obj).slice(0, -1)},${JSON.stringify(key)}:0}`;
        // Wrap it at a path of object keys and array slots.
        let text = inner;
        const path: (string | number)[] = [];
        for (const part of [...wrapPath].reverse()) {
          text = typeof part === 'number' ? `[${'0,'.repeat(part)}${text}]` : `{${JSON.stringify(part)}:${text}}`;
          path.unshift(part);
        }
        expect(duplicate(text)).toMatchObject({ key, path });
      }),
      { numRuns: 300 },
    );
  });
});

describe('policy JSON text with a duplicate key', () => {
  it('parsePolicyInput and parsePermissionProfile refuse it: E_POLICY_INVALID naming the key, its path and the source', () => {
    const text = '{"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"path","path":"/s"},"access":"deny","access":"read"}]},"network":"restricted"}';
    for (const parse of [() => parsePolicyInput(text, { flag: '--permission-profile' }), () => parsePermissionProfile(text, { flag: '--permission-profile' })]) {
      let err: unknown;
      try {
        parse();
      } catch (e) {
        err = e;
      }
      expect(isSandboxError(err) && err.code).toBe('E_POLICY_INVALID');
      expect((err as Error).message).toMatch(/^invalid .*: duplicate key "access" at file_system\.entries\[0\] \(character \d+\) \(--permission-profile\); give each key once$/);
    }
  });
});
