// Differential property: the helper's own namespaces and system bubblewrap execute the same mount
// plan, so for generated policies over a fresh tree each allows exactly what explain() allows,
// and the mount table the command sees (mount points, read-only flags, filesystem types, after
// hiding what later mounts cover) is the same. Runs CSBX_PROPERTY_RUNS cases (default 200).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { itOnSystemBwrap } from '../enforce/support';
import { ENTRY_PATHS, mismatchesOf, normaliseMountinfo, observeCase, type GeneratedPolicy } from './linux-explain-harness';

const RUNS = Number(process.env.CSBX_PROPERTY_RUNS ?? 200);
const SEED = Number(process.env.CSBX_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));

const policyArb: fc.Arbitrary<GeneratedPolicy> = fc.record({
  fullRead: fc.boolean(),
  entries: fc.uniqueArray(fc.record({ rel: fc.constantFrom(...ENTRY_PATHS), access: fc.constantFrom<'read' | 'write' | 'none'>('read', 'write', 'none') }), {
    selector: (e) => e.rel,
    minLength: 1,
    maxLength: 6,
  }),
});

describe('normaliseMountinfo', () => {
  it('keeps visible mounts only, with the case root abstracted', () => {
    const text = [
      '1 0 0:1 / / rw,relatime - tmpfs tmpfs rw',
      '2 1 0:2 / /dev ro,nosuid - devtmpfs devtmpfs rw',
      '3 2 0:3 / /dev/shm rw - tmpfs tmpfs rw',
      '4 1 0:4 / /dev rw,nosuid - tmpfs tmpfs rw',
      '5 1 8:1 /x /tmp/r/a\\040b ro,nosuid - ext4 /dev/vda rw',
    ].join('\n');
    expect(normaliseMountinfo(text, '/tmp/r')).toStrictEqual(['/ rw tmpfs', '/dev rw tmpfs', '<root>/a b ro ext4']);
  });
});

describe('namespaces backend vs system bubblewrap', () => {
  // Needs both executors; the namespaces backend is probed inside the run (a refusal fails it).
  itOnSystemBwrap(
    `generated policies: same allow/deny on every probe, both equal to explain(), same mount table (${RUNS} runs)`,
    async () => {
      console.log(`differential seed: CSBX_PROPERTY_SEED=${SEED}`);
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(policyArb, async (g) => {
          const ns = await observeCase('namespaces', g, true);
          const bw = await observeCase('bwrap', g, true);
          expect(ns === null, `namespaces refused ${JSON.stringify(g)} where bwrap did not, or the other way round`).toBe(bw === null);
          if (ns === null || bw === null) return;
          if ('failed' in ns || 'failed' in bw)
            throw new Error(`${JSON.stringify(g)}: ${'failed' in ns ? `namespaces: ${ns.failed}` : ''} ${'failed' in bw ? `bwrap: ${bw.failed}` : ''}`);
          compared += 1;
          expect(mismatchesOf(ns), `namespaces vs explain: ${JSON.stringify(g)}`).toStrictEqual([]);
          expect(mismatchesOf(bw), `bwrap vs explain: ${JSON.stringify(g)}`).toStrictEqual([]);
          expect(ns.observed, JSON.stringify(g)).toStrictEqual(bw.observed);
          expect(ns.mounts, `mount tables: ${JSON.stringify(g)}`).toStrictEqual(bw.mounts);
        }),
        { numRuns: RUNS, seed: SEED },
      );
      expect(compared).toBeGreaterThan(RUNS / 2);
    },
    1_200_000,
  );
});
