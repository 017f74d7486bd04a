// Issue #20 item 2: a `bwrap` the sandbox planted in its own workspace (node_modules/.bin is on
// PATH for npm scripts) must never be executed by the next run. The reference skips bwrap
// candidates inside the process cwd only (docs/reference.md#bwrap-discovery); a CLI started from elsewhere
// with `--cwd <workspace>` found the planted one first and ran it unsandboxed (its `--help` probe
// already). The fake bwrap writes a marker on the host when executed, whatever its arguments.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { itOnSystemBwrap } from '../enforce/support';

import { makeTempDir } from '../helpers/temp';

const REPO = resolve(__dirname, '../..');
const VITE_NODE = join(REPO, 'node_modules/vite-node/vite-node.mjs');

function plantBwrap(dir: string, marker: string): void {
  mkdirSync(dir, { recursive: true });
  const fake = join(dir, 'bwrap');
  writeFileSync(fake, `#!/bin/sh\necho "executed: $*" >> '${marker}'\nexec /usr/bin/bwrap "$@"\n`);
  chmodSync(fake, 0o755);
}

/** The CLI in a process of its own, so the probe searches this PATH; its cwd is `processCwd`. */
function cli(argv: string[], pathVar: string, processCwd: string, home: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [VITE_NODE, join(__dirname, 'harness/cli-entry.ts'), JSON.stringify(argv)], {
    cwd: processCwd,
    encoding: 'utf8',
    env: { PATH: pathVar, HOME: home, CODEX_HOME: join(home, '.codex') },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(process.platform === 'linux')('redteam: bwrap planted in a sandbox-writable directory', () => {
  it('control, no sandbox involved: the fake bwrap writes its marker when executed', () => {
    const dir = makeTempDir('planted-bwrap');
    try {
      const marker = join(dir.path, 'marker');
      plantBwrap(join(dir.path, 'bin'), marker);
      spawnSync(join(dir.path, 'bin', 'bwrap'), ['--version'], { stdio: 'ignore' });
      expect(existsSync(marker)).toBe(true);
    } finally {
      dir.remove();
    }
  });

  const CASES: [string, (ws: string, extra: string) => { plantDir: string; argv: string[] }][] = [
    ['in the policy cwd (node_modules/.bin)', (ws) => ({ plantDir: join(ws, 'node_modules', '.bin'), argv: ['--backend', 'bwrap', '--cwd', ws, '--sandbox', 'workspace-write'] })],
    [
      'in an extra writable root',
      (ws, extra) => ({ plantDir: join(extra, 'bin'), argv: ['--backend', 'bwrap', '--cwd', ws, '--sandbox', 'workspace-write', '--writable-root', extra] }),
    ],
  ];
  for (const [where, setup] of CASES) {
    itOnSystemBwrap(
      `bwrap backend, workspace-write, bwrap planted ${where} and first on PATH: never executed; the run uses /usr/bin/bwrap`,
      () => {
        const dir = makeTempDir('planted-bwrap');
        try {
          const ws = join(dir.path, 'ws');
          const extra = join(dir.path, 'extra');
          const elsewhere = join(dir.path, 'elsewhere');
          const home = join(dir.path, 'home');
          for (const d of [ws, extra, elsewhere, home]) mkdirSync(d, { recursive: true });
          const marker = join(dir.path, 'marker');
          const { plantDir, argv } = setup(ws, extra);
          plantBwrap(plantDir, marker);
          const r = cli(['run', ...argv, '--', '/bin/sh', '-c', 'echo ran > ran.txt'], `${plantDir}:/usr/local/bin:/usr/bin:/bin`, elsewhere, home);
          expect(existsSync(marker), `the planted bwrap was executed: ${existsSync(marker) ? 'marker present' : ''}\n${r.stderr}`).toBe(false);
          expect(r.status, r.stderr).toBe(0);
          expect(existsSync(join(ws, 'ran.txt'))).toBe(true);
          // plan shows which bwrap would run, and probing for it runs nothing planted either.
          const plan = cli(['plan', ...argv, '--json', '--', '/bin/true'], `${plantDir}:/usr/local/bin:/usr/bin:/bin`, elsewhere, home);
          expect(plan.status, plan.stderr).toBe(0);
          expect((JSON.parse(plan.stdout) as { argv: string[] }).argv[0]).toBe('/usr/bin/bwrap');
          expect(existsSync(marker)).toBe(false);
        } finally {
          dir.remove();
        }
      },
      120_000,
    );
  }
});
