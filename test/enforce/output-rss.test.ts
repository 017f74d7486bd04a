// 600 MB of output under maxBuffer settles with truncated: true and without the caller's memory
// growing with the output (issue #19: it used to end in an uncaught ERR_STRING_TOO_LONG). Memory
// is measured in a process of its own (test/helpers/run-large-output.ts): the peak resident set
// against the resident set before the run, never time.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect } from 'vitest';

import { itOn, underTest } from './support';

const ROOT = resolve(__dirname, '../..');
const OUTPUT_BYTES = 600 * 1000 * 1000;
/** Far below the output, far above a Node process's own variation. */
const MAX_GROWTH = 150 * 1024 * 1024;

describe.runIf(process.platform === 'linux')('runSandboxed with far more output than maxBuffer', () => {
  for (const backend of ['bwrap', 'landlock'] as const) {
    itOn(backend)(
      `${backend}: 600 MB of stdout settles with truncated: true, 1 MiB kept, and a flat resident set`,
      () => {
        const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'vite-node'), [join(ROOT, 'test/helpers/run-large-output.ts')], {
          cwd: ROOT,
          encoding: 'utf8',
          env: { ...process.env, CSBX_OUTPUT_BYTES: String(OUTPUT_BYTES), CSBX_BACKEND: underTest(backend) },
          timeout: 300_000,
        });
        expect(r.stderr).toBe('');
        const report = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
        expect(report).toMatchObject({ exitCode: 0, truncated: true, stdoutLength: 1024 * 1024, allLength: 1024 * 1024 });
        expect(report.peak - report.rssBefore).toBeLessThan(MAX_GROWTH);
      },
      300_000,
    );
  }
});
