// cli/report: how every CLI entry ends: a SandboxError as one stderr line and status 125, any
// other exception as a bug with its stack. Shared by the codex-sandbox CLI and the drop-in, which
// must not load each other.
import { isSandboxError } from '../errors';
import type { CommandContext } from './command';

export const EXIT_REFUSED = 125;

/** Prints a SandboxError as one stderr line (or JSON with --json) and returns 125. */
export function reportError(err: unknown, ctx: Pick<CommandContext, 'stderr' | 'json'>): number {
  if (isSandboxError(err)) {
    if (ctx.json) ctx.stderr(`${JSON.stringify({ error: err.toJSON() })}\n`);
    else ctx.stderr(`codex-sandbox: ${err.message}\n`);
    return EXIT_REFUSED;
  }
  // Anything else is a bug in codex-sandbox: show the stack so it can be reported.
  const text = err instanceof Error && err.stack ? err.stack : String(err);
  ctx.stderr(`codex-sandbox: internal error: ${text}\n`);
  return EXIT_REFUSED;
}

/** The context of a real process: its stdout, stderr, environment and cwd. */
export function processContext(json: boolean): CommandContext {
  return {
    json,
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    env: process.env,
    processCwd: process.cwd(),
  };
}

/** Sets the process's exit status from a CLI run, without process.exit (output may be pending). */
export function exitWith(status: Promise<number>): void {
  status.then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = reportError(err, processContext(false));
    },
  );
}
