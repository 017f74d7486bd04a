// `codex-sandbox run` replaces itself with the helper when nothing needs it afterwards (read-only:
// no host mount targets) and stays the sandbox's parent otherwise (workspace-write: it removes
// the mount targets). Both paths, in real sandboxes, must end with the same exit status: the
// command's own, 128+N when a signal kills the command, and 128+N when run itself is sent a
// signal it forwards (docs/cli.md#run).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect } from 'vitest';

import { makeTempDir } from '../helpers/temp';
import { itOn } from './support';

const ROOT = resolve(__dirname, '../..');
let tmp: { path: string; remove: () => void };
beforeEach(() => {
  tmp = makeTempDir('run-exec');
});
afterEach(() => tmp.remove());

const PATHS = { exec: ['--sandbox', 'read-only'], spawned: ['--sandbox', 'workspace-write'] } as const;

interface Ended {
  status: number | null;
  signal: NodeJS.Signals | null;
  /** The program run's process was running once the command had started. */
  program: string;
}

/** Starts run with `sandbox`, waits for CMD's first line, sends `signal` to run if given, waits. */
function runCli(sandbox: readonly string[], command: string[], signal?: NodeJS.Signals): Promise<Ended> {
  const env = { ...process.env, HOME: tmp.path, CODEX_HOME: join(tmp.path, 'codex-home') };
  const child = spawn(process.execPath, [join(ROOT, 'bin/codex-sandbox.js'), 'run', ...sandbox, '--', ...command], {
    cwd: tmp.path,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let program = '';
    child.stdout.once('data', () => {
      program = readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim();
      if (signal !== undefined) child.kill(signal);
    });
    child.once('error', reject);
    child.once('exit', (status, sig) => resolvePromise({ status, signal: sig, program }));
  });
}

/** A command that prints a line (so the caller knows it runs), then does `then`. */
const started = (then: string): string[] => ['sh', '-c', `echo started; ${then}`];

describe('codex-sandbox run: the exec path and the spawned path end alike', () => {
  itOn('namespaces')('namespaces: read-only becomes the helper, workspace-write stays Node', async () => {
    expect((await runCli(PATHS.exec, started('exit 0'))).program).toBe('codex-sandbox-h');
    expect((await runCli(PATHS.spawned, started('exit 0'))).program).toBe('node');
  });

  const cases: [string, string[], NodeJS.Signals | undefined, number][] = [
    ['the command exit status', started('exit 7'), undefined, 7],
    ['a command killed by SIGTERM', started('kill -TERM $$'), undefined, 143],
    ['a command killed by SIGKILL', started('kill -KILL $$'), undefined, 137],
    ['SIGTERM sent to run', started('sleep 30'), 'SIGTERM', 143],
    ['SIGINT sent to run', started('sleep 30'), 'SIGINT', 130],
    ['SIGHUP sent to run', started('sleep 30'), 'SIGHUP', 129],
    ['SIGQUIT sent to run', started('sleep 30'), 'SIGQUIT', 131],
  ];
  for (const [what, command, signal, status] of cases) {
    itOn('namespaces')(`namespaces: ${what}: ${status} on both paths`, async () => {
      const [exec, spawned] = [await runCli(PATHS.exec, command, signal), await runCli(PATHS.spawned, command, signal)];
      expect({ status: exec.status, signal: exec.signal }).toStrictEqual({ status, signal: null });
      expect({ status: spawned.status, signal: spawned.signal }).toStrictEqual({ status, signal: null });
    });
  }

  itOn('namespaces')('namespaces: a command that is not found: 127 on both paths', async () => {
    for (const sandbox of Object.values(PATHS)) {
      const env = { ...process.env, HOME: tmp.path, CODEX_HOME: join(tmp.path, 'codex-home') };
      const child = spawn(process.execPath, [join(ROOT, 'bin/codex-sandbox.js'), 'run', ...sandbox, '--', '/nonexistent/cmd'], { cwd: tmp.path, env, stdio: 'ignore' });
      expect(await new Promise((r) => child.once('exit', (code, sig) => r({ code, sig })))).toStrictEqual({ code: 127, sig: null });
    }
  });
});
