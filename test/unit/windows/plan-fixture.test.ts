// The Windows planner's plans and refusals stay what main produced before the Windows resolver
// joined the one resolve pipeline (#18): every generated case in the committed fixture
// (test/fixtures/windows-plans/cases.json, written by generate.ts beside it) is planned again
// through planSandbox and must give the same plan, or the same refusal (code, message, path,
// value, details), to the letter.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWindowsPlanCase, type WindowsPlanCase, type WindowsPlanOutcome } from '../../helpers/windows-plan-cases';

const fixture = JSON.parse(readFileSync(join(__dirname, '../../fixtures/windows-plans/cases.json'), 'utf8')) as {
  seed: number;
  cases: Array<{ case: WindowsPlanCase; outcome: WindowsPlanOutcome }>;
};

describe('windows plans equal the committed fixture from main', () => {
  it('holds enough plans and refusals of each kind to mean something', () => {
    const kinds = new Set(
      fixture.cases.map(({ outcome }) => ('plan' in outcome ? `plan ${(outcome.plan as { backend: string }).backend}` : 'refusal' in outcome ? outcome.refusal.code : 'thrown')),
    );
    expect([...kinds].sort()).toStrictEqual(['E_POLICY_INVALID', 'E_UNSUPPORTED_POLICY', 'E_USAGE', 'plan windows-elevated', 'plan windows-token']);
  });

  fixture.cases.forEach(({ case: c, outcome }, i) => {
    it(`case ${i}`, () => {
      expect(runWindowsPlanCase(c)).toStrictEqual(outcome);
    });
  });
});
