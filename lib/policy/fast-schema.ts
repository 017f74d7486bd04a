// policy/fast-schema: a second implementation of the few zod mini functions the policy schemas
// call (wire-schema.ts, typed-schema.ts, short-policy.ts), as plain predicates that build zod's
// output. zod-load.ts builds each schema with it from the same build function as the zod schema,
// so the two cannot describe different shapes; only what each function means is written twice,
// and test/unit/policy/fast-schema.test.ts checks on generated inputs that both accept the same
// values with the same output. A value this rejects is parsed again by zod, which makes the
// error: so accepting a valid policy loads no zod (about 5 ms of each start-up,
// docs/benchmarks.md#start-up) and every refusal keeps zod's issues and messages.
//
// It is stricter than zod only where zod's answer depends on more than JSON could hold: an
// object must be plain (prototype Object.prototype or null) and an array a real Array, so a
// class instance or an exotic object is left to zod.

/** What a schema answers for a value it rejects. */
export const REJECTED: unique symbol = Symbol('rejected');

type Check = (value: never) => boolean;

export interface FastSchema {
  /** zod's output for `value` (a fresh copy of objects and arrays), or REJECTED. */
  parse(value: unknown): unknown;
  check(...checks: Check[]): FastSchema;
  /** The keys of an object schema, for discriminatedUnion. */
  readonly shape?: Record<string, FastSchema>;
  /** The values a literal or enum accepts, for discriminatedUnion. */
  readonly values?: ReadonlySet<unknown>;
  readonly optional?: true;
}

interface Extra {
  shape?: Record<string, FastSchema>;
  values?: ReadonlySet<unknown>;
  optional?: true;
}

function schema(parse: (value: unknown) => unknown, extra: Extra = {}): FastSchema {
  return {
    ...extra,
    parse,
    check: (...checks) =>
      schema((value) => {
        const out = parse(value);
        if (out === REJECTED) return REJECTED;
        for (const ok of checks) if (!ok(out as never)) return REJECTED;
        return out;
      }, extra),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function object(shape: Record<string, FastSchema>, strict: boolean): FastSchema {
  const keys = Object.keys(shape);
  return schema(
    (value) => {
      if (!isPlainObject(value)) return REJECTED;
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        if (!(key in value)) {
          if (shape[key].optional) continue;
          return REJECTED;
        }
        const parsed = shape[key].parse(value[key]);
        if (parsed === REJECTED) return REJECTED;
        out[key] = parsed;
      }
      // for...in as zod does: own and inherited enumerable keys, never symbols.
      for (const key in value) {
        if (Object.hasOwn(shape, key)) continue;
        if (strict) return REJECTED;
        // zod never copies __proto__: assigning it would replace the output's prototype.
        if (key !== '__proto__') out[key] = value[key];
      }
      return out;
    },
    { shape },
  );
}

function valuesOf(options: FastSchema[], key: string): Map<unknown, FastSchema> {
  const byValue = new Map<unknown, FastSchema>();
  for (const option of options) {
    const values = option.shape?.[key]?.values;
    if (values === undefined) throw new Error(`discriminatedUnion: an option has no literal "${key}"`);
    for (const v of values) byValue.set(v, option);
  }
  return byValue;
}

const string = (): FastSchema => schema((v) => (typeof v === 'string' ? v : REJECTED));

/** The zod mini functions the policy schemas use, with the same names and arguments. */
export const fastZ = {
  string,
  number: (): FastSchema => schema((v) => (typeof v === 'number' && Number.isFinite(v) ? v : REJECTED)),
  boolean: (): FastSchema => schema((v) => (typeof v === 'boolean' ? v : REJECTED)),
  literal: (literal: unknown): FastSchema => schema((v) => (v === literal ? v : REJECTED), { values: new Set([literal]) }),
  enum: (values: readonly unknown[]): FastSchema => {
    const set = new Set(values);
    return schema((v) => (set.has(v) ? v : REJECTED), { values: set });
  },
  optional: (inner: FastSchema): FastSchema => schema((v) => (v === undefined ? undefined : inner.parse(v)), { optional: true }),
  nullable: (inner: FastSchema): FastSchema => schema((v) => (v === null ? null : inner.parse(v))),
  array: (element: FastSchema): FastSchema =>
    schema((value) => {
      if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) return REJECTED;
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        const parsed = element.parse(value[i]);
        if (parsed === REJECTED) return REJECTED;
        out[i] = parsed;
      }
      return out;
    }),
  strictObject: (shape: Record<string, FastSchema>): FastSchema => object(shape, true),
  looseObject: (shape: Record<string, FastSchema>): FastSchema => object(shape, false),
  discriminatedUnion: (key: string, options: FastSchema[]): FastSchema => {
    const byValue = valuesOf(options, key);
    return schema((value) => {
      if (!isPlainObject(value)) return REJECTED;
      const option = byValue.get(value[key]);
      return option === undefined ? REJECTED : option.parse(value);
    });
  },
  union: (options: FastSchema[]): FastSchema =>
    schema((value) => {
      for (const option of options) {
        const parsed = option.parse(value);
        if (parsed !== REJECTED) return parsed;
      }
      return REJECTED;
    }),
  refine:
    <T>(ok: (value: T) => unknown): Check =>
    (value: never) =>
      Boolean(ok(value)),
  superRefine:
    <T>(refine: (value: T, ctx: { addIssue(issue: unknown): void }) => void): Check =>
    (value: never) => {
      let clean = true;
      refine(value, {
        addIssue: () => {
          clean = false;
        },
      });
      return clean;
    },
  minLength:
    (min: number): Check =>
    (value: never) =>
      (value as string).length >= min,
  int: (): Check => (value: never) => Number.isSafeInteger(value),
  minimum:
    (min: number): Check =>
    (value: never) =>
      (value as number) >= min,
};
