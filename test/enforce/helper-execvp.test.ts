// The helper links no C library, so its execvp and its --setenv are its own (helper-exec.cc).
// They must behave as glibc's execvp and putenv did. GNU env(1) is a glibc program that applies
// NAME=VALUE arguments with putenv and then calls execvp, so each case runs the same command line
// both ways and compares what ran, its output, and the error text.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { helperPath } from '../../lib/native';
import { makeTempDir } from '../helpers/temp';

const HELPER = helperPath();

interface Outcome {
  status: number | null;
  stdout: string;
  /** The strerror text of a failed exec, or '' when the command ran. */
  error: string;
}

const tmp = makeTempDir('execvp');
const root = tmp.path;
const dirs = {
  empty: join(root, 'empty'),
  good: join(root, 'good'),
  noexec: join(root, 'noexec'),
  scripts: join(root, 'scripts'),
  shadow: join(root, 'shadow'),
  notdir: join(root, 'a-file'),
  missing: join(root, 'missing'),
};

beforeAll(() => {
  for (const d of [dirs.empty, dirs.good, dirs.noexec, dirs.scripts, dirs.shadow]) mkdirSync(d);
  writeFileSync(dirs.notdir, '');
  const program = (dir: string, name: string, text: string, mode: number): void => {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), mode);
  };
  program(dirs.good, 'tool', '#!/bin/sh\necho "good $0 $*"\n', 0o755);
  program(dirs.noexec, 'tool', '#!/bin/sh\necho "noexec $0"\n', 0o644);
  program(dirs.noexec, 'only-noexec', '#!/bin/sh\necho never\n', 0o644);
  // No #! line: the kernel says ENOEXEC and execvp runs it with /bin/sh.
  program(dirs.scripts, 'bare', 'echo "bare $0 $# $*"\n', 0o755);
  program(dirs.scripts, 'tool', 'echo "bare tool $0"\n', 0o755);
  // A directory where the command is expected: execve gives EACCES and the search goes on.
  mkdirSync(join(dirs.shadow, 'tool'));
});
afterAll(() => tmp.remove());

function outcome(r: ReturnType<typeof spawnSync>, errorLine: RegExp): Outcome {
  const stderr = String(r.stderr);
  const m = errorLine.exec(stderr);
  return { status: r.status, stdout: String(r.stdout), error: m === null ? stderr : m[1] };
}

/** The helper: --setenv for each assignment, then the command. */
function viaHelper(env: NodeJS.ProcessEnv, assignments: string[], command: string[], cwd: string): Outcome {
  const args = ['--network', 'enabled', ...assignments.flatMap((a) => ['--setenv', a]), '--', ...command];
  const r = spawnSync(HELPER, args, { env, cwd, encoding: 'utf8', timeout: 20_000 });
  const o = outcome(r, /^codex-sandbox-helper: execvp(?: [^\n]*)?: ([^:\n]+) \(errno \d+\)\n$/);
  // env(1) exits 126 for any exec failure but ENOENT; the helper tells 125 (setup) apart.
  return { ...o, status: o.status === 125 ? 126 : o.status };
}

/** glibc: env applies the assignments with putenv and calls execvp. */
function viaGlibc(env: NodeJS.ProcessEnv, assignments: string[], command: string[], cwd: string): Outcome {
  const r = spawnSync('/usr/bin/env', [...assignments, ...command], { env, cwd, encoding: 'utf8', timeout: 20_000 });
  const o = outcome(r, /^\S*env: [^\n]*: ([^:\n]+)\n$/);
  // env exits 127 only for ENOENT; the helper also says 127 for ENOTDIR ("not found").
  return { ...o, status: o.error === 'Not a directory' ? 127 : o.status };
}

interface Case {
  name: string;
  path?: string;
  assignments?: string[];
  command: string[];
  cwd?: string;
}

const cases: Case[] = [
  { name: 'found in the second PATH element', path: `${dirs.empty}:${dirs.good}`, command: ['tool', 'a', 'b'] },
  { name: 'a non-executable match is passed over for a later one', path: `${dirs.noexec}:${dirs.good}`, command: ['tool'] },
  { name: 'only a non-executable match: EACCES', path: `${dirs.empty}:${dirs.noexec}:${dirs.missing}`, command: ['only-noexec'] },
  { name: 'found nowhere: ENOENT', path: `${dirs.empty}:${dirs.missing}`, command: ['tool'] },
  { name: 'a PATH element that is a file (ENOTDIR) is passed over', path: `${dirs.notdir}:${dirs.good}`, command: ['tool'] },
  { name: 'only a file as PATH element: ENOTDIR', path: dirs.notdir, command: ['tool'] },
  { name: 'a directory with the command name (EACCES) is passed over', path: `${dirs.shadow}:${dirs.good}`, command: ['tool'] },
  { name: 'an empty leading element is the current directory', path: `:${dirs.empty}`, command: ['tool', 'x'], cwd: dirs.good },
  { name: 'an empty trailing element is the current directory', path: `${dirs.empty}:`, command: ['tool'], cwd: dirs.good },
  { name: 'an empty middle element is the current directory', path: `${dirs.empty}::${dirs.scripts}`, command: ['tool'], cwd: dirs.good },
  { name: 'no PATH at all: /bin:/usr/bin', command: ['sh', '-c', 'echo default'] },
  { name: 'no PATH at all, not in /bin or /usr/bin', command: ['tool'], cwd: dirs.good },
  { name: 'a script without #! found on PATH runs with /bin/sh', path: `${dirs.scripts}:${dirs.good}`, command: ['bare', 'one', 'two'] },
  { name: 'a script without #! by path runs with /bin/sh', path: dirs.empty, command: [join(dirs.scripts, 'bare'), 'x'] },
  { name: 'a script without #! by relative path', path: dirs.empty, command: ['./bare'], cwd: dirs.scripts },
  { name: 'a name with a slash is not searched', path: dirs.good, command: ['./tool'], cwd: dirs.empty },
  { name: 'a name with a slash that is not executable', path: dirs.good, command: [join(dirs.noexec, 'tool')] },
  { name: 'an empty name: ENOENT', path: dirs.good, command: [''] },
  { name: 'a name longer than NAME_MAX', path: `${dirs.missing}:${dirs.good}`, command: ['t'.repeat(300)] },
  { name: 'a name exactly NAME_MAX long', path: dirs.good, command: ['t'.repeat(255)] },
  // 4.2 kB: the helper's line shortens the path so that the errno text still fits.
  { name: 'a path longer than PATH_MAX', path: dirs.good, command: [`/${'abcdefghijklmnopqrstuvwxyz/'.repeat(155)}tool`] },
  { name: 'PATH from the assignment, not the caller', path: dirs.empty, assignments: [`PATH=${dirs.good}`], command: ['tool'] },
  { name: 'the last assignment of a name wins', path: dirs.empty, assignments: [`PATH=${dirs.empty}`, `PATH=${dirs.scripts}`], command: ['tool'] },
  {
    name: 'assignments replace in place and append in order',
    path: '/usr/bin:/bin',
    assignments: ['B=3', 'C=4', 'B=5', 'A=6'],
    command: ['sh', '-c', 'env | grep -E "^(A|B|C|D|PATH)="'],
  },
];

describe('helper execvp and --setenv match glibc (GNU env as the reference)', () => {
  it.each(cases)('$name', (c) => {
    const env: NodeJS.ProcessEnv = { D: '1', B: '2' };
    if (c.path !== undefined) env.PATH = c.path;
    const cwd = c.cwd ?? root;
    const mine = viaHelper(env, c.assignments ?? [], c.command, cwd);
    const glibc = viaGlibc(env, c.assignments ?? [], c.command, cwd);
    expect(mine).toEqual(glibc);
  });

  it('the outcomes cover running, EACCES, ENOENT, ENOTDIR and ENAMETOOLONG', () => {
    const seen = new Set(
      cases.map((c) => {
        const env: NodeJS.ProcessEnv = { D: '1', B: '2' };
        if (c.path !== undefined) env.PATH = c.path;
        const o = viaHelper(env, c.assignments ?? [], c.command, c.cwd ?? root);
        return o.error === '' ? 'ran' : o.error;
      }),
    );
    expect([...seen].sort()).toEqual(['File name too long', 'No such file or directory', 'Not a directory', 'Permission denied', 'ran'].sort());
  });
});
