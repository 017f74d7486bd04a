// Property: what the real Linux sandbox allows equals what explain() says, for generated policies
// (writable roots, read-only and deny carve-outs, reopened children, full vs restricted read) over
// a fresh temporary tree. Each case runs one python script in the sandbox with every probe, then
// checks write effects on the host. CSBX_PROPERTY_RUNS sets numRuns (default 200);
// CSBX_PROPERTY_SEED replays a seed (printed on every run).
import fc from 'fast-check';
import { describe, expect } from 'vitest';

import { itOn } from '../enforce/support';
import { ENTRY_PATHS, runCase, type GeneratedPolicy } from './linux-explain-harness';
import { propertySettings } from '../helpers/property-settings';

const { numRuns: RUNS, seed: SEED } = propertySettings('linux explain property');

const accessArb = fc.constantFrom<'read' | 'write' | 'none'>('read', 'write', 'none');
const generalArb: fc.Arbitrary<GeneratedPolicy> = fc.record({
  fullRead: fc.boolean(),
  entries: fc.uniqueArray(fc.record({ rel: fc.constantFrom(...ENTRY_PATHS), access: accessArb }), { selector: (e) => e.rel, minLength: 1, maxLength: 6 }),
});
// Landlock only represents policies without carve-outs inside granted trees and without writable
// roots (every writable root protects metadata names), so its generator yields those shapes.
const landlockArb: fc.Arbitrary<GeneratedPolicy> = fc.record({
  fullRead: fc.constant(false),
  entries: fc.uniqueArray(fc.record({ rel: fc.constantFrom(...ENTRY_PATHS), access: fc.constant<'read'>('read') }), { selector: (e) => e.rel, minLength: 0, maxLength: 3 }),
});

describe('linux sandbox agrees with explain()', () => {
  for (const [backend, arb] of [
    ['bwrap', generalArb],
    ['landlock', landlockArb],
  ] as const) {
    itOn(backend)(
      `${backend}: generated policies allow exactly what explain() allows (${RUNS} runs)`,
      async () => {
        console.log(`property seed (${backend}): CSBX_PROPERTY_SEED=${SEED}`);
        let accepted = 0;
        await fc.assert(
          fc.asyncProperty(arb, async (g) => {
            const mismatches = await runCase(backend, g);
            if (mismatches === null) return;
            accepted += 1;
            expect(mismatches, JSON.stringify(g)).toEqual([]);
          }),
          { numRuns: RUNS, seed: SEED },
        );
        expect(accepted).toBeGreaterThan(RUNS / 2);
      },
      600_000,
    );
  }
});
