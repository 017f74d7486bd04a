// runSandboxed and spawnSandboxed as a process library's user expects them, in real sandboxes:
// stdin input, binary output, bounded output, the combined stream, a graceful stop, and one
// convention for how a stopped run reads on every Linux backend (issue #19).
import { describe, expect } from 'vitest';

import type { BackendName } from '../../lib/platform/common/types';
import { runSandboxed } from '../../lib/spawn/run-sandboxed';
import { spawnSandboxed } from '../../lib/spawn/spawn-sandboxed';
import { withTempDir } from '../helpers/temp';
import { itOn, underTest } from './support';

// bwrap (or the helper's namespaces in the pass that hides bwrap), the namespaces themselves, and Landlock.
const BACKENDS: BackendName[] = ['bwrap', 'namespaces', 'landlock'];

describe.runIf(process.platform === 'linux')('runSandboxed options', () => {
  itOn('bwrap')('bwrap: input reaches stdin and the output comes back', async () => {
    const r = await runSandboxed(['sh', '-c', 'tr a-z A-Z'], { policy: 'read-only', backend: underTest('bwrap'), input: 'hello\n' });
    expect(r.stdout).toBe('HELLO\n');
    expect(r.exitCode).toBe(0);
  });

  itOn('bwrap')("bwrap: encoding 'buffer' returns bytes ff fe fd intact, and a Buffer input arrives intact", async () => {
    const r = await runSandboxed(['cat'], { policy: 'read-only', backend: underTest('bwrap'), input: Buffer.from([0xff, 0xfe, 0xfd]), encoding: 'buffer' });
    expect(Buffer.isBuffer(r.stdout)).toBe(true);
    expect([...r.stdout]).toEqual([0xff, 0xfe, 0xfd]);
  });

  itOn('bwrap')('bwrap: output past maxBuffer is dropped and flagged, and the run still settles', async () => {
    const r = await runSandboxed(['sh', '-c', 'head -c 100000 /dev/zero; echo done >&2'], { policy: 'read-only', backend: underTest('bwrap'), maxBuffer: 1000 });
    expect(r.truncated).toBe(true);
    expect(r.stdout.length).toBe(1000);
    expect(r.stderr).toBe('done\n');
    expect(r.exitCode).toBe(0);
  });

  itOn('bwrap')('bwrap: output within maxBuffer is not flagged', async () => {
    const r = await runSandboxed(['echo', 'hi'], { policy: 'read-only', backend: underTest('bwrap'), maxBuffer: 3 });
    expect(r).toMatchObject({ stdout: 'hi\n', truncated: false });
  });

  itOn('bwrap')('bwrap: all holds stdout and stderr in the order they were written', async () => {
    const r = await runSandboxed(['sh', '-c', 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three'], { policy: 'read-only', backend: underTest('bwrap'), all: true });
    expect(r.all).toBe('one\ntwo\nthree\n');
    expect(r.stdout).toBe('one\nthree\n');
    expect(r.stderr).toBe('two\n');
  });

  for (const backend of BACKENDS) {
    itOn(backend)(`${backend}: a timeout reads exitCode null, signal SIGKILL, timedOut`, async () => {
      const r = await runSandboxed(['sleep', '30'], { policy: 'read-only', backend: underTest(backend), timeoutMs: 200 });
      expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: true, aborted: false });
    });

    itOn(backend)(`${backend}: an abort reads exitCode null, signal SIGKILL, aborted`, async () => {
      const controller = new AbortController();
      const p = runSandboxed(['sleep', '30'], { policy: 'read-only', backend: underTest(backend), signal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      expect(await p).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false, aborted: true });
    });

    itOn(backend)(`${backend}: killSignal SIGTERM reaches the command first, which can clean up in its grace period`, async () => {
      const script = `trap 'echo cleaned; exit 7' TERM; echo ready; while :; do sleep 0.05; done`;
      const r = await runSandboxed(['sh', '-c', script], {
        policy: { sandbox: 'read-only' },
        backend: underTest(backend),
        timeoutMs: 500,
        killSignal: 'SIGTERM',
        forceKillAfterMs: 20_000,
      });
      expect(r).toMatchObject({ exitCode: 7, signal: null, timedOut: true, stdout: 'ready\ncleaned\n' });
    });

    itOn(backend)(`${backend}: a command that ignores killSignal is ended with SIGKILL after the grace period`, async () => {
      const r = await runSandboxed(['sh', '-c', `trap '' TERM; echo ready; while :; do sleep 0.05; done`], {
        policy: 'read-only',
        backend: underTest(backend),
        timeoutMs: 300,
        killSignal: 'SIGTERM',
        forceKillAfterMs: 300,
      });
      expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: true });
    });

    itOn(backend)(`${backend}: a command dying of SIGTERM after killSignal SIGTERM reads signal SIGTERM`, async () => {
      const r = await runSandboxed(['sleep', '30'], { policy: 'read-only', backend: underTest(backend), timeoutMs: 300, killSignal: 'SIGTERM', forceKillAfterMs: 20_000 });
      expect(r).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: true });
    });

    itOn(backend)(`${backend}: a command's own exit 137 stays an exit status when nothing stopped it`, async () => {
      const r = await runSandboxed(['sh', '-c', 'exit 137'], { policy: 'read-only', backend: underTest(backend) });
      expect(r).toMatchObject({ exitCode: 137, signal: null, timedOut: false, aborted: false });
    });

    itOn(backend)(`${backend}: a command that kills itself with SIGSEGV reads exitCode 139, signal null (the sandbox's PID 1 relays it)`, async () => {
      const r = await runSandboxed(['sh', '-c', 'kill -SEGV $$'], { policy: 'read-only', backend: underTest(backend) });
      expect(r).toMatchObject({ exitCode: 139, signal: null, timedOut: false, aborted: false });
    });

    itOn(backend)(`${backend}: spawnSandboxed's sandboxOutcome tells a timeout from an abort`, async () => {
      const timed = spawnSandboxed(['sleep', '30'], { policy: 'read-only', backend: underTest(backend), timeoutMs: 200 });
      expect(await timed.sandboxOutcome).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: true, aborted: false });
      const controller = new AbortController();
      const aborted = spawnSandboxed(['sleep', '30'], { policy: 'read-only', backend: underTest(backend), signal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      expect(await aborted.sandboxOutcome).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false, aborted: true });
    });
  }

  itOn('bwrap')('bwrap: 12 concurrent workspace-write runs sharing one AbortSignal print no process warning', async () => {
    await withTempDir(async (dir) => {
      const warnings: string[] = [];
      const onWarning = (w: Error): void => {
        warnings.push(`${w.name}: ${w.message}`);
      };
      process.on('warning', onWarning);
      try {
        const controller = new AbortController();
        const runs = Array.from({ length: 12 }, (_, i) =>
          runSandboxed(['sh', '-c', `echo ${i} > f${i}`], { policy: 'workspace-write', cwd: dir, backend: underTest('bwrap'), signal: controller.signal, timeoutMs: 60_000 }),
        );
        const results = await Promise.all(runs);
        expect(results.map((r) => r.exitCode)).toEqual(Array(12).fill(0));
        // A warning is emitted on the next tick.
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('warning', onWarning);
      }
      expect(warnings).toEqual([]);
    });
  });
});
