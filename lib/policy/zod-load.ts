// policy/zod-load: zod for the policy schemas (wire-schema.ts, typed-schema.ts), loaded on the
// first use of a schema and as zod's mini build, and each schema built on its first use. Loading
// full zod and building every schema at import cost more than the rest of a CLI start-up, while a
// run touches few schemas; the mini build has the same checks and issues (so the same messages)
// as functions instead of methods on every schema instance, and loads and builds far faster
// (docs/benchmarks.md#start-up).
//
// The same build functions also make each schema's fast twin (fast-schema.ts): parseWith() tries
// the twin first and loads zod only for a value the twin rejects, so a valid policy is accepted
// without zod and an invalid one gets zod's error.
import type * as Zod from 'zod/mini';
import { type FastSchema, fastZ, REJECTED } from './fast-schema';

let zodModule: typeof Zod | undefined;

/**
 * require() rather than import: importing a policy module must not load zod. The bundles map
 * this require of zod/mini to their own reduced copy (scripts/bundle.js).
 */
function loadZod(): typeof Zod {
  if (zodModule !== undefined) return zodModule;
  const z = require('zod/mini') as typeof Zod;
  // Full zod registers its English messages on first use and the mini build does not; they are
  // the text of issues without a message of ours (invalid-input.ts), so register them the same
  // way: only when no locale is set.
  if (z.config().localeError === undefined) {
    z.config((require('zod/v4/locales/en.js') as { default: () => Partial<Zod.core.$ZodConfig> }).default());
  }
  return (zodModule = z);
}

/**
 * Set while fastSchemaOf builds a twin: the schemas a build function reaches through other
 * schemas' getters must be twins as well.
 */
let buildingFast = false;

/**
 * A schema built by `build` on the first call, and the same one on every later call. Called while
 * a fast twin is built, it returns its own twin instead (typed as the zod schema: the twin has the
 * few members the build functions use).
 */
export function onFirstUse<T>(build: (z: typeof Zod) => T): () => T {
  let built: T | undefined;
  let fast: T | undefined;
  return () => (buildingFast ? (fast ??= build(fastZ as unknown as typeof Zod)) : (built ??= build(loadZod())));
}

/** The fast twin of a schema made by onFirstUse (fast-schema.ts). */
export function fastSchemaOf(schema: () => unknown): FastSchema {
  const outer = buildingFast;
  buildingFast = true;
  try {
    return schema() as FastSchema;
  } finally {
    buildingFast = outer;
  }
}

/** zod's safeParse of `value` against `schema`, without loading zod when the fast twin accepts it. */
export function parseWith<S extends Zod.ZodMiniType>(schema: () => S, value: unknown): ReturnType<S['safeParse']> {
  const data = fastSchemaOf(schema).parse(value);
  if (data !== REJECTED) return { success: true, data } as ReturnType<S['safeParse']>;
  return schema().safeParse(value) as ReturnType<S['safeParse']>;
}
