// Issue #20 item 10: in a linked worktree (`.git` is a file `gitdir: <main>/.git/worktrees/<name>`)
// the policy protected the worktree's gitdir, but not the main checkout's common `.git` that the
// gitdir's `commondir` file names: with the main checkout inside a writable root, a sandbox could
// write `<main>/.git/config` (core.fsmonitor, core.hooksPath) or `<main>/.git/hooks/pre-commit`,
// which git runs on the host at the next commit in any worktree.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { explain, parsePolicyInput, resolvePolicy } from '../../lib/index';
import { makeTempDir } from '../helpers/temp';
import { PYTHON } from './harness/fixture';
import { probeEnv } from './harness/run-probe';
import { loadSandboxApi } from './harness/sandbox-api';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@t',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@t',
};

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, env: GIT_ENV, stdio: 'pipe' });
}

const ATTACK = (main: string): string[] => [
  PYTHON,
  '-c',
  [
    'import os, sys',
    'res = []',
    `for p in (${JSON.stringify(join(main, '.git', 'config'))}, ${JSON.stringify(join(main, '.git', 'hooks', 'pre-commit'))}):`,
    '    try:',
    '        open(p, "a").write("\\n[core]\\n\\tfsmonitor = touch /tmp/pwned\\n")',
    '        res.append("wrote " + p)',
    '    except OSError as e:',
    '        res.append("denied " + p + " " + e.strerror)',
    'print("\\n".join(res))',
  ].join('\n'),
];

describe.runIf(process.platform === 'linux')('redteam: the common .git of a linked worktree', () => {
  it('bwrap, workspace-write in a linked worktree with its main checkout in a writable root: <main>/.git/config and hooks stay unchanged, explain() denies both', async () => {
    const dir = makeTempDir('worktree');
    try {
      const main = join(dir.path, 'main');
      mkdirSync(main);
      git(main, 'init', '-q', '-b', 'main');
      git(main, 'commit', '-q', '--allow-empty', '-m', 'init');
      const wt = join(dir.path, 'wt');
      git(main, 'worktree', 'add', '-q', wt);
      const config = join(main, '.git', 'config');
      const hook = join(main, '.git', 'hooks', 'pre-commit');
      const before = readFileSync(config, 'utf8');
      expect(existsSync(hook)).toBe(false);

      const policy = {
        type: 'managed',
        file_system: {
          type: 'restricted',
          entries: [
            { path: { type: 'special', value: { kind: 'root' } }, access: 'read' },
            { path: { type: 'special', value: { kind: 'project_roots' } }, access: 'write' },
            { path: { type: 'path', path: dir.path }, access: 'write' },
          ],
        },
        network: 'restricted',
      };
      const r = await loadSandboxApi().runSandboxed(ATTACK(main), { cwd: wt, permissionProfile: policy, backend: 'bwrap', env: probeEnv() });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(`denied ${config}`);
      expect(r.stdout).toContain(`denied ${hook}`);
      expect(readFileSync(config, 'utf8')).toBe(before);
      expect(existsSync(hook)).toBe(false);
      const resolved = resolvePolicy(parsePolicyInput(policy), { cwd: wt });
      expect(explain(resolved, config, 'write').allowed).toBe(false);
      expect(explain(resolved, hook, 'write').allowed).toBe(false);
      expect(explain(resolved, join(main, 'file.txt'), 'write').allowed).toBe(true);
    } finally {
      dir.remove();
    }
  }, 60_000);

  it('control, unsandboxed: the same program does write both files', () => {
    const dir = makeTempDir('worktree');
    try {
      const main = join(dir.path, 'main');
      mkdirSync(main);
      git(main, 'init', '-q', '-b', 'main');
      const out = execFileSync(ATTACK(main)[0], ATTACK(main).slice(1), { encoding: 'utf8' });
      expect(out).toContain(`wrote ${join(main, '.git', 'config')}`);
      expect(existsSync(join(main, '.git', 'hooks', 'pre-commit'))).toBe(true);
    } finally {
      dir.remove();
    }
  });
});
