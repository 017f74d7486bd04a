// cli/main: the `codex-sandbox` entry point. The cli/ and arg0/ modules are the only users of
// process.argv, stdout/stderr and process.exit (docs/architecture.md#folders).
//
// Exit statuses (docs/cli.md#exit-statuses): a command's own status; 125 when codex-sandbox could not or would not
// run it (invalid policy, refusal, missing backend); 126 not executable; 127 not found.

import { UsageError } from '../errors';
import type { CommandContext } from './command';
import { COMMANDS, findCommand, runFoundCommand } from './command-table';
import { processContext, reportError } from './report';
import { didYouMean } from './suggest';

function usage(): string {
  const names = Object.keys(COMMANDS).sort().join(', ');
  return `usage: codex-sandbox <command> [options]; commands: ${names}; codex-sandbox <command> --help for its options`;
}

/** Runs one CLI invocation and returns its exit status (no process.exit: tests call this). */
export async function runCli(argv: string[], invokedAs: string, ctx?: CommandContext): Promise<number> {
  if (invokedAs === 'codex-linux-sandbox') return (await import('./linux-sandbox-main.js')).runLinuxSandboxCli(argv, ctx);
  const context = ctx ?? processContext(argv.includes('--json'));
  try {
    const [name, ...rest] = argv;
    // No command is a usage error like any other (status 125, docs/cli.md#exit-statuses).
    if (name === undefined) throw new UsageError(`no command given; ${usage()}`);
    if (name === '--help' || name === '-h' || name === 'help') {
      context.stdout(`${usage()}\n`);
      return 0;
    }
    if (name === '--version') {
      context.stdout(`${require('../../package.json').version}\n`);
      return 0;
    }
    const load = findCommand(name);
    if (load === undefined) {
      throw new UsageError(`unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}; ${usage()}`, { source: { argIndex: 0 }, value: name });
    }
    return await runFoundCommand(load, rest, context);
  } catch (err) {
    return reportError(err, context);
  }
}
