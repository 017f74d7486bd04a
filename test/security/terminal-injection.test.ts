// docs/reference.md#hostile-input: TIOCSTI on an inherited terminal (CVE-2017-5226 class). A sandboxed process that holds the
// user's terminal pushes "echo PWNED\n" into its input queue; the check is on the host side: what
// the user's shell would read next from that terminal.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, copyFileSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { makeTempDir } from '../helpers/temp';
import { PROBES_SRC, PYTHON } from './harness/fixture';
import { parseReport, probeEnv } from './harness/run-probe';
import { loadSandboxApi } from './harness/sandbox-api';
import { MOUNT_BACKEND } from '../helpers/mount-backend';

interface PtyHost {
  slave: string;
  ask(line: string): Promise<string>;
  close(): Promise<void>;
}

async function startPtyHost(): Promise<PtyHost> {
  const child: ChildProcess = spawn(PYTHON, [join(PROBES_SRC, 'pty-host.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Interface = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const pending: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  lines.on('line', (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else pending.push(l);
  });
  const next = (): Promise<string> =>
    new Promise((res) => {
      const l = pending.shift();
      if (l !== undefined) res(l);
      else waiters.push(res);
    });
  const first = await next();
  const slave = /^slave (\S+)$/.exec(first)?.[1];
  if (slave === undefined) throw new Error(`pty-host did not start: ${first}`);
  return {
    slave,
    ask: async (line) => {
      child.stdin?.write(`${line}\n`);
      return next();
    },
    close: async () => {
      const exited = new Promise<void>((res) => child.once('exit', () => res()));
      child.stdin?.end();
      await exited;
    },
  };
}

const VITE_NODE = join(__dirname, '../../node_modules/vite-node/vite-node.mjs');
const injected = (reply: string): string => Buffer.from(reply.replace(/^queued /, ''), 'hex').toString('latin1');

describe.runIf(process.platform === 'linux')('P23 terminal injection', () => {
  let host: PtyHost;
  let dir: ReturnType<typeof makeTempDir>;
  let probesPy: string;

  beforeEach(async () => {
    dir = makeTempDir('tty');
    probesPy = join(dir.path, 'probes.py');
    copyFileSync(join(PROBES_SRC, 'probes.py'), probesPy);
    host = await startPtyHost();
  });

  afterEach(async () => {
    await host.close();
    dir.remove();
  });

  it('no sandbox: TIOCSTI from a process on its controlling terminal reaches the shell (the probe works)', async () => {
    expect(await host.ask(`control ${JSON.stringify([PYTHON, probesPy, 'tiocsti'])}`)).toBe('exit 0');
    expect(injected(await host.ask('drain'))).toContain('echo PWNED');
  });

  for (const backend of [MOUNT_BACKEND, 'landlock'] as const) {
    it(`${backend}: codex-sandbox run on the user's controlling terminal: TIOCSTI from the command reaches nothing`, async () => {
      // As a person at a terminal runs it: the CLI holds the pty as its controlling tty and stdio.
      const cli = [process.execPath, VITE_NODE, join(__dirname, 'harness/cli-entry.ts')];
      const argv = ['run', '--sandbox', 'read-only', '--backend', backend, '--cwd', dir.path, '--', PYTHON, probesPy, 'tiocsti'];
      const reply = await host.ask(`control ${JSON.stringify([...cli, JSON.stringify(argv)])}`);
      expect(reply).toBe('exit 0');
      expect(injected(await host.ask('drain'))).toBe('');
    }, 60_000);

    it(`${backend}: TIOCSTI on an inherited terminal puts nothing in the host terminal's input`, async () => {
      const tty = openSync(host.slave, constants.O_RDWR | constants.O_NOCTTY);
      try {
        const res = await loadSandboxApi().runSandboxed([PYTHON, probesPy, 'tiocsti'], {
          cwd: dir.path,
          permissionProfile: { type: 'read-only' },
          backend,
          env: probeEnv(),
          stdio: [tty, 'pipe', 'pipe'],
          timeoutMs: 20_000,
        });
        const report = parseReport(res.stdout);
        expect(report, `probe did not run: ${res.stderr}`).toBeDefined();
        expect(
          report?.ops.some((o) => o.op.startsWith('TIOCSTI on fd 0')),
          'the probe saw the terminal on stdin',
        ).toBe(true);
        expect(injected(await host.ask('drain')), `ops: ${JSON.stringify(report?.ops)}`).toBe('');
      } finally {
        closeSync(tty);
      }
    });
  }
});
