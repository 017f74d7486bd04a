// Shared settings of the fuzz properties (test/property/fuzz-*.test.ts): run count and seed from
// test/helpers/property-settings.ts (CSBX_PROPERTY_RUNS, CSBX_PROPERTY_SEED), printed so any
// failure can be replayed, and the checks every bad-input outcome must pass.
import fc from 'fast-check';

import { isSandboxError } from '../../../lib/errors';
import { type PropertySettings, propertySettings } from '../../helpers/property-settings';

export function fuzzParams(label: string): PropertySettings {
  return propertySettings(label);
}

/**
 * What a user error must look like: a SandboxError with one of `codes`, a one-line message of
 * bounded size (a 10 MB input must not come back in the message) and no stack frames in it.
 * Returns a description of what is wrong, or null.
 */
export function badErrorShape(err: unknown, codes: readonly string[], maxMessage = 2000): string | null {
  if (!isSandboxError(err)) return `not a SandboxError: ${err instanceof Error ? err.stack : String(err)}`;
  const e = err as Error & { code: string };
  if (!codes.includes(e.code)) return `unexpected code ${e.code}: ${e.message}`;
  if (e.message.includes('\n')) return `multi-line message: ${JSON.stringify(e.message)}`;
  if (e.message.length > maxMessage) return `message of ${e.message.length} chars`;
  if (/\n\s+at |\bat .*\(.*:\d+:\d+\)/.test(e.message)) return `stack frames in the message: ${e.message}`;
  try {
    JSON.stringify(e);
  } catch (jsonErr) {
    return `toJSON fails: ${String(jsonErr)}`;
  }
  return null;
}

/** Path-like strings an attacker or a typo produces (docs/reference.md#hostile-input). */
export function hostilePath(): fc.Arbitrary<string> {
  const segment = fc.oneof(
    fc.constantFrom('..', '.', '', '~', '~root', '~nobody', 'a', '.git', '.codex', '[x]', '*', '?', '**', 'a b', 'é', 'ｅ'),
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.constantFrom('\0', 'a\0b', '\uD800', '\uDFFF', '\u0000x'),
  );
  return fc.oneof(
    fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`),
    fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/')),
    fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}/`),
    fc.integer({ min: 4090, max: 5000 }).map((n) => `/${'a'.repeat(n)}`),
    fc.integer({ min: 100, max: 300 }).map((n) => `/${Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz').join('/')}`),
    fc.constantFrom('~', '~/x', '~otheruser/x', '/tmp/../..', '//', '/./', '/tmp//x', 'relative', './x', '../x'),
  );
}
