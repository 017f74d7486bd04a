// policy/zod-load: zod for the policy schemas (wire-schema.ts, typed-schema.ts), loaded on the
// first use of a schema and as zod's mini build, and each schema built on its first use. Loading
// full zod and building every schema at import cost more than the rest of a CLI start-up, while a
// run touches few schemas; the mini build has the same checks and issues (so the same messages)
// as functions instead of methods on every schema instance, and loads and builds far faster
// (docs/benchmarks.md#start-up).
import type * as Zod from 'zod/mini';

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

/** A schema built by `build` on the first call, and the same one on every later call. */
export function onFirstUse<T>(build: (z: typeof Zod) => T): () => T {
  let built: T | undefined;
  return () => (built ??= build(loadZod()));
}
