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

export function waitForeground(child: ChildProcess): Promise<number> {
  const handlers = FORWARDED.map((sig) => {
    // bwrap dies of these (and takes the sandbox with it); the helper forwards them to CMD.
    const handler = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  return new Promise((resolve) => {
    const done = (status: number): void => {
      for (const [sig, handler] of handlers) process.off(sig, handler);
      resolve(status);
    };
    child.once('error', () => done(125));
    child.once('exit', (code, signal) => done(exitStatusOf(code, signal)));
  });
}
