// cli/foreground: waits for a sandboxed child that shares our terminal, forwarding the signals a
// terminal or supervisor sends to the whole sandbox, and maps its end to an exit status.
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/** The command's exit code, or 128+N when signal N ended it (shell convention). */
export function exitStatusOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
}

/**
 * Starts the sandbox with `start` and waits for it. The handlers are installed before the start:
 * once the child exists it can print (its stdio is ours), and a supervisor that sees that output
 * may signal us at once; a signal arriving before `start` returns is passed on right after.
 */
export function waitForeground(start: () => ChildProcess): Promise<number> {
  let child: ChildProcess | undefined;
  let pending: NodeJS.Signals | undefined;
  const handlers = FORWARDED.map((sig) => {
    // bwrap and the helper's monitor die of these (and take the sandbox with them); the helper
    // alone forwards them to CMD.
    const handler = (): void => {
      if (child === undefined) pending = sig;
      else if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  const release = (): void => {
    for (const [sig, handler] of handlers) process.off(sig, handler);
  };
  try {
    child = start();
  } catch (err) {
    release();
    throw err;
  }
  const started = child;
  if (pending !== undefined) started.kill(pending);
  return new Promise((resolve) => {
    const done = (status: number): void => {
      release();
      resolve(status);
    };
    started.once('error', () => done(125));
    started.once('exit', (code, signal) => done(exitStatusOf(code, signal)));
  });
}
