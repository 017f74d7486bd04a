// User errors at the real CLI entry, in a process of its own (issue #7): one stderr line naming
// the problem, exit 125, no stack trace, and the command never started.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { withTempDir } from '../helpers/temp';

const REPO = resolve(__dirname, '../..');
const VITE_NODE = join(REPO, 'node_modules/vite-node/vite-node.mjs');

function cli(argv: string[], cwd: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [VITE_NODE, join(__dirname, 'harness/cli-entry.ts'), JSON.stringify(argv)], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, CODEX_HOME: cwd },
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr };
}

describe.runIf(process.platform === 'linux')('CLI user errors', () => {
  const CASES: [string, (dir: string) => string[], RegExp][] = [
    ['an unknown sandbox mode', (d) => ['run', '--cwd', d, '--sandbox', 'bogus', '--', '/bin/sh', '-c', `touch ${d}/ran`], /bogus/],
    ['truncated --permission-profile JSON', (d) => ['run', '--cwd', d, '--permission-profile', '{"type":', '--', '/bin/sh', '-c', `touch ${d}/ran`], /permission/i],
    [
      'a misspelt key in the profile',
      (d) => ['run', '--cwd', d, '--permission-profile', '{"type":"managed","file_system":{"type":"unrestricted"},"netwrok":"enabled"}', '--', '/bin/sh', '-c', `touch ${d}/ran`],
      /netwrok/,
    ],
    ['a --cwd that does not exist', (d) => ['run', '--cwd', join(d, 'missing'), '--sandbox', 'read-only', '--', '/bin/sh', '-c', `touch ${d}/ran`], /missing/],
    [
      'a backend that cannot represent the policy',
      (d) => ['run', '--cwd', d, '--sandbox', 'workspace-write', '--backend', 'landlock', '--', '/bin/sh', '-c', `touch ${d}/ran`],
      /Landlock/,
    ],
    ['an unknown command', () => ['frobnicate'], /frobnicate/],
    ['no command at all', () => [], /no command given/],
    ['config without a subcommand', () => ['config'], /config needs a subcommand/],
    ['a mistyped flag', (d) => ['run', '--cwd', d, '--netwrok', '--', '/bin/sh', '-c', `touch ${d}/ran`], /did you mean "--network"/],
  ];
  for (const [what, argv, names] of CASES) {
    it(`${what}: exit 125, one stderr line naming it, no stack, nothing ran`, async () => {
      await withTempDir((dir) => {
        const r = cli(argv(dir), dir);
        const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
        expect(r.status, r.stderr).toBe(125);
        expect(lines, r.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(/^codex-sandbox: /);
        expect(lines[0]).toMatch(names);
        expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
        expect(existsSync(join(dir, 'ran')), 'the command ran').toBe(false);
      }, 'cli-errors');
    }, 60_000);
  }
});
