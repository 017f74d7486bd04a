// The fast twins of the policy schemas (lib/policy/fast-schema.ts) against zod itself: on inputs
// generated from each zod schema's own definition (valid values, then values broken at any
// depth), the twin accepts exactly what zod accepts, with zod's output; and the public parsers,
// which try the twin first, throw for a rejected value exactly the error zod's issues make.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REJECTED } from '../../../lib/policy/fast-schema';
import { policyErrorFromZod } from '../../../lib/policy/invalid-input';
import { parseFileSystemSandboxPolicy, parseLegacySandboxPolicy, parsePermissionProfile } from '../../../lib/policy/parse-policy';
import { shortPolicySchema } from '../../../lib/policy/short-policy';
import { checkPermissionProfile, checkResolvedPolicy, checkSandboxPolicy, TYPED_SCHEMAS } from '../../../lib/policy/typed-schema';
import * as wire from '../../../lib/policy/wire-schema';
import { fastSchemaOf } from '../../../lib/policy/zod-load';

type Def = { type: string; [key: string]: unknown };
type Node = { _zod: { def: Def } };

/** Strings that each break some check of the schemas: relative, NUL, lone surrogate, U+FFFD, PATH_MAX, domains. */
const STRINGS = [
  '/abs/path',
  '/',
  '~',
  '~/x',
  'relative',
  '',
  '/a\0b',
  '/bad\uD800',
  '/ok\uD83D\uDE00',
  '/repl\uFFFD',
  `/${'x'.repeat(4096)}`,
  'example.com',
  '*.example.com',
  '**.example.com',
  '*',
  'exa mple.com',
  'localhost',
  '127.0.0.1',
];
const JUNK = fc.constantFrom<unknown>(undefined, null, 0, 1, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, true, false, 'x', [], {}, [1], new Date(0), new Map());
const NUMBERS = fc.constantFrom(1, 2, 3, 100, 0, -1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY);

/**
 * An arbitrary of values shaped by the zod schema `node`: half broken now and then at any depth,
 * half never broken on purpose (only a string check can still fail), so a schema as wide as the
 * Windows resolved policy reaches the accepting side too.
 */
function valuesOf(node: Node): fc.Arbitrary<unknown> {
  return fc.oneof(broken(node), shapedBy(node, true));
}

function broken(node: Node): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 12, arbitrary: shapedBy(node, false) }, { weight: 1, arbitrary: JUNK });
}

function shapedBy(node: Node, clean: boolean): fc.Arbitrary<unknown> {
  const def = node._zod.def;
  const inner = (n: Node) => (clean ? shapedBy(n, true) : broken(n));
  switch (def.type) {
    case 'string':
      return fc.oneof(fc.constantFrom(...STRINGS), fc.string());
    case 'number':
      return NUMBERS;
    case 'boolean':
      return fc.boolean();
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'enum': {
      const values = fc.constantFrom(...Object.values(def.entries as object));
      return clean ? values : fc.oneof({ weight: 6, arbitrary: values }, { weight: 1, arbitrary: fc.constant('other') });
    }
    case 'optional':
      return fc.oneof({ weight: 3, arbitrary: inner(def.innerType as Node) }, { weight: 1, arbitrary: fc.constant(undefined) });
    case 'nullable':
      return fc.oneof({ weight: 3, arbitrary: inner(def.innerType as Node) }, { weight: 1, arbitrary: fc.constant(null) });
    case 'array':
      return fc.array(inner(def.element as Node), { maxLength: 3 });
    case 'union':
      return fc.oneof(...(def.options as Node[]).map(inner));
    case 'object':
      return objectOf(def.shape as Record<string, Node>, clean);
    default:
      throw new Error(`no generator for zod type ${def.type}`);
  }
}

function objectOf(shape: Record<string, Node>, clean: boolean): fc.Arbitrary<unknown> {
  const keys = Object.keys(shape);
  const variants = clean ? (['none', 'nullproto'] as const) : (['none', 'none', 'none', 'none', 'extra', 'proto', 'nullproto', 'inherited'] as const);
  return fc
    .tuple(fc.tuple(...keys.map((key) => fc.tuple(fc.constant(key), clean ? shapedBy(shape[key], true) : broken(shape[key]), fc.nat(9)))), fc.constantFrom(...variants))
    .map(([fields, variant]) => {
      const out: Record<string, unknown> = variant === 'nullproto' ? Object.create(null) : variant === 'inherited' ? Object.create({ type: 'x' }) : {};
      // A key is left out now and then, required or not, unless the value is meant to be clean.
      for (const [key, value, roll] of fields) if (clean || roll !== 0) out[key] = value;
      if (variant === 'extra') out.unexpected = 1;
      if (variant === 'proto') return { ...JSON.parse('{"__proto__": 1}'), ...out };
      return out;
    });
}

const SCHEMAS: Record<string, () => unknown> = {
  ...Object.fromEntries(Object.entries(wire as Record<string, unknown>).filter((e): e is [string, () => unknown] => typeof e[1] === 'function' && e[0].endsWith('Schema'))),
  shortPolicySchema,
  ...Object.fromEntries(Object.entries(TYPED_SCHEMAS).map(([name, schema]) => [`typed ${name}`, schema])),
};

describe('fast twins of the policy schemas', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}: accepts exactly what zod accepts, with zod's output`, () => {
      const zodSchema = schema() as Node & { safeParse(v: unknown): { success: boolean; data?: unknown } };
      const fast = fastSchemaOf(schema);
      let accepted = 0;
      fc.assert(
        fc.property(valuesOf(zodSchema), (value) => {
          const expected = zodSchema.safeParse(value);
          const got = fast.parse(value);
          // Objects with another prototype are left to zod on purpose (fast-schema.ts).
          const exotic = JSON.stringify(value) === undefined || hasExoticObject(value);
          if (!exotic) expect(got !== REJECTED).toBe(expected.success);
          if (got !== REJECTED) {
            accepted++;
            expect(expected.success).toBe(true);
            expect(got).toStrictEqual(expected.data);
          }
        }),
        { numRuns: 400, seed: 0x5eed },
      );
      // The generator must reach the accepting side, or the test proves nothing.
      expect(accepted).toBeGreaterThan(0);
    });
  }

  it('the public parsers throw for a rejected value the error zod makes', () => {
    const cases: [() => unknown, (v: unknown) => unknown, string][] = [
      [wire.permissionProfileSchema, (v) => parsePermissionProfile(v, { flag: '--file-system-sandbox-policy' }), 'permission profile'],
      [wire.fileSystemPolicySchema, (v) => parseFileSystemSandboxPolicy(v, { flag: '--file-system-sandbox-policy' }), 'file-system sandbox policy'],
      [TYPED_SCHEMAS.sandboxPolicy, (v) => checkSandboxPolicy(v, { flag: '--file-system-sandbox-policy' }), 'sandbox policy'],
      [TYPED_SCHEMAS.permissionProfile, (v) => checkPermissionProfile(v, { flag: '--file-system-sandbox-policy' }), 'permission profile'],
      [TYPED_SCHEMAS.resolvedPolicy, (v) => checkResolvedPolicy(v, { flag: '--file-system-sandbox-policy' }), 'resolved policy'],
    ];
    for (const [schema, parse, what] of cases) {
      const zodSchema = schema() as Node & { safeParse(v: unknown): { success: boolean; error?: unknown } };
      fc.assert(
        fc.property(valuesOf(zodSchema), (value) => {
          const expected = zodSchema.safeParse(value);
          // A string is JSON text to the parsers; the untagged profile form has a schema of its own.
          if (expected.success || typeof value === 'string' || (what === 'permission profile' && isUntagged(value))) return;
          const want = policyErrorFromZod(expected.error as never, value, what, { flag: '--file-system-sandbox-policy' });
          let thrown: unknown;
          try {
            parse(value);
          } catch (err) {
            thrown = err;
          }
          expect(thrown).toBeInstanceOf(Error);
          expect((thrown as { code: string }).code).toBe(want.code);
          expect((thrown as Error).message).toBe(want.message);
        }),
        { numRuns: 200, seed: 0xbad },
      );
    }
  });

  it('legacy policies parse to the same typed policy as before', () => {
    expect(parseLegacySandboxPolicy({ type: 'workspace-write', writable_roots: ['/srv'] })).toStrictEqual({
      type: 'workspace-write',
      writableRoots: ['/srv'],
      readOnlyAccess: { type: 'full-access' },
      networkAccess: false,
      excludeTmpdirEnvVar: false,
      excludeSlashTmp: false,
    });
  });
});

function isUntagged(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !('type' in value);
}

function hasExoticObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasExoticObject);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return true;
  return Object.values(value).some(hasExoticObject);
}
