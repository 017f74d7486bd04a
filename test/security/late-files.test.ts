// P18 (docs/security.md#probe-table): a file created after the plan was built that matches a deny glob. On Linux the deny globs
// are expanded into concrete masks when the plan is built (docs/reference.md#deny-glob-expansion), so a
// matching file that appears while the command runs is not masked. This test pins that behaviour
// down so docs/security.md stays true; a file that existed at planning time is masked.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { makeFixture, PYTHON } from './harness/fixture';
import { parseReport, probeEnv } from './harness/run-probe';
import { loadSandboxApi } from './harness/sandbox-api';

describe.runIf(process.platform === 'linux')('P18 deny globs and files created later', () => {
  it('bwrap: a .pem present at planning is unreadable; one created during the run is readable (documented limit)', async () => {
    const fx = makeFixture('late');
    try {
      writeFileSync(join(fx.ws, 'early.pem'), 'EARLY SECRET\n');
      const policy = {
        type: 'managed',
        file_system: {
          type: 'restricted',
          entries: [
            { path: { type: 'special', value: { kind: 'root' } }, access: 'read' },
            { path: { type: 'path', path: fx.ws }, access: 'write' },
            { path: { type: 'glob_pattern', pattern: `${fx.ws}/**/*.pem` }, access: 'deny' },
          ],
        },
        network: 'restricted',
      };
      const child = loadSandboxApi().spawnSandboxed([PYTHON, fx.probesPy, 'wait-read', join(fx.ws, 'early.pem'), join(fx.ws, 'late.pem')], {
        cwd: fx.ws,
        permissionProfile: policy,
        backend: 'bwrap',
        env: probeEnv(),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      const closed = new Promise<void>((res) => child.once('close', () => res()));
      writeFileSync(join(fx.ws, 'late.pem'), 'LATE SECRET\n');
      child.stdin?.end('go\n');
      await closed;
      const ops = parseReport(out)?.ops;
      expect(ops, err).toBeDefined();
      const [early, late] = ops ?? [];
      expect(early.ok, `early.pem: ${JSON.stringify(early)}`).toBe(false);
      expect(late.ok, `late.pem: ${JSON.stringify(late)}`).toBe(true);
    } finally {
      fx.remove();
    }
  });
});
