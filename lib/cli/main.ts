// cli/main: the `codex-sandbox` and `codex-linux-sandbox` entry points. The cli/ and arg0/ modules
// are the only users of process.argv, stdout/stderr and process.exit (docs/architecture.md#folders).
//
// Exit statuses (docs/cli.md#exit-statuses): a command's own status; 125 when codex-sandbox could not or would not
// run it (invalid policy, refusal, missing backend); 126 not executable; 127 not found.

import { isSandboxError, UsageError } from '../errors';
import type { CommandContext } from './command';
import './commands-index';
import { commandNames, findCommand } from './registry';

export const EXIT_REFUSED = 125;

function usage(): string {
  const names = commandNames().join(', ');
  return `usage: codex-sandbox <command> [options]; commands: ${names}`;
}

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

function defaultContext(json: boolean): CommandContext {
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

/** Runs one CLI invocation and returns its exit status (no process.exit: tests call this). */
export async function runCli(argv: string[], invokedAs: string, ctx?: CommandContext): Promise<number> {
  const json = argv.includes('--json');
  const context = ctx ?? defaultContext(json);
  try {
    if (invokedAs === 'codex-linux-sandbox') {
      const load = findCommand('codex-linux-sandbox');
      if (load === undefined) throw new UsageError('codex-linux-sandbox entry point is not available in this build');
      return await (await load())(argv, context);
    }
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      context.stdout(`${usage()}\n`);
      return name === undefined ? 2 : 0;
    }
    if (name === '--version') {
      context.stdout(`${require('../../package.json').version}\n`);
      return 0;
    }
    const load = findCommand(name);
    if (load === undefined) {
      throw new UsageError(`unknown command "${name}"; ${usage()}`, { source: { argIndex: 0 }, value: name });
    }
    return await (await load())(rest, context);
  } catch (err) {
    return reportError(err, context);
  }
}

/** The bin entry: runs the CLI and exits with its status. */
export function main(argv: string[], invokedAs: string): void {
  runCli(argv, invokedAs).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = reportError(err, defaultContext(false));
    },
  );
}
