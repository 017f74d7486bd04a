// P57 (docs/security.md#probe-table): a sandbox inside a sandbox. codex-sandbox run inside codex-sandbox run either works (the
// inner command runs, still confined) or fails closed with one line, exit 125.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { withTempDir } from '../helpers/temp';
import { probeEnv } from './harness/run-probe';
import { loadSandboxApi } from './harness/sandbox-api';

const REPO = resolve(__dirname, '../..');
const VITE_NODE = join(REPO, 'node_modules/vite-node/vite-node.mjs');

describe.runIf(process.platform === 'linux')('P57 nested sandbox', () => {
  for (const outer of ['bwrap', 'landlock'] as const) {
    for (const inner of ['auto', 'bwrap', 'landlock'] as const) {
      it(`${outer} outside, ${inner} inside: runs confined or refuses with one line`, async () => {
        await withTempDir(async (dir) => {
          const innerArgv = ['run', '--sandbox', 'read-only', '--backend', inner, '--cwd', dir, '--', '/bin/sh', '-c', `echo nested-ran; echo x > ${dir}/inner-write`];
          const res = await loadSandboxApi().runSandboxed([process.execPath, VITE_NODE, join(__dirname, 'harness/cli-entry.ts'), JSON.stringify(innerArgv)], {
            cwd: REPO,
            permissionProfile: { type: 'read-only' },
            backend: outer,
            env: probeEnv({ HOME: dir }),
            timeoutMs: 60_000,
          });
          const errLines = res.stderr.split('\n').filter((l) => l.trim() !== '' && !/^sh: 1: cannot create/.test(l));
          console.log(`nested ${outer}/${inner}: ${res.stdout.includes('nested-ran') ? 'ran' : `exit ${res.exitCode}: ${errLines.join(' | ')}`}`);
          if (res.stdout.includes('nested-ran')) {
            // It ran: the inner write must still be denied (read-only inside read-only).
            expect(res.stderr).toMatch(/cannot create|Read-only|Permission denied/);
          } else if (res.exitCode === 1) {
            // The inner bwrap started and failed its own set-up (the outer seccomp filter denies
            // the netlink socket it needs for loopback): bwrap's one line and exit 1, as the
            // reference reports bwrap failures. Nothing ran.
            expect(errLines, res.stderr).toHaveLength(1);
            expect(errLines[0]).toMatch(/^bwrap: /);
          } else {
            expect(res.exitCode, res.stderr).toBe(125);
            expect(errLines, res.stderr).toHaveLength(1);
            expect(errLines[0]).toMatch(/^codex-sandbox: /);
          }
          expect(res.stderr).not.toMatch(/internal error|\n\s+at /);
        }, 'nested');
      }, 90_000);
    }
  }
});
