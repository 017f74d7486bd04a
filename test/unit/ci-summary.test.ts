// scripts/ci-summary.js: under CI a skip fails the run, except a skip whose own unsandboxed
// control showed the machine cannot run its probe (test/helpers/syscall-controls.ts).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { CONTROL_SKIP } from '../helpers/syscall-controls';
import { withTempDir } from '../helpers/temp';

const SCRIPT = resolve(__dirname, '../../scripts/ci-summary.js');

function summarize(dir: string, tests: { title: string; status: string }[]): { status: number | null; stdout: string } {
  const file = join(dir, 'report.json');
  const skippedCount = tests.filter((t) => t.status === 'pending' || t.status === 'skipped').length;
  const passedCount = tests.filter((t) => t.status === 'passed').length;
  writeFileSync(
    file,
    JSON.stringify({
      numPassedTests: passedCount,
      numFailedTests: 0,
      numPendingTests: skippedCount,
      testResults: [{ status: 'passed', assertionResults: tests.map((t) => ({ ...t, fullName: `s ${t.title}` })) }],
    }),
  );
  const r = spawnSync(process.execPath, [SCRIPT, file], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}

describe('ci-summary', () => {
  it('passes a run whose only skip names its failed control, and lists it', async () => {
    await withTempDir((dir) => {
      const r = summarize(dir, [
        { title: 'a', status: 'passed' },
        { title: `int 0x80 kills [${CONTROL_SKIP}: SIGSEGV with no sandbox]`, status: 'pending' },
      ]);
      expect(r.stdout).toContain('1 passed, 0 failed, 1 skipped');
      expect(r.stdout).toContain(`allowed skip: s int 0x80 kills [${CONTROL_SKIP}`);
      expect(r.status).toBe(0);
    });
  });

  it('fails a run with any other skip', async () => {
    await withTempDir((dir) => {
      const r = summarize(dir, [
        { title: `x [${CONTROL_SKIP}: y]`, status: 'pending' },
        { title: 'needs bwrap [skipped: bwrap not installed]', status: 'pending' },
      ]);
      expect(r.status).toBe(1);
    });
  });
});
