// cli/registry: the table of subcommands. Loaders use import() so a command's module is read only
// when it runs (and so vitest, which cannot require() TypeScript, can run the CLI in-process).
import type { CommandHandler } from './command';

export type CommandLoader = () => Promise<CommandHandler>;

const COMMANDS = new Map<string, CommandLoader>();

export function registerCommand(name: string, load: CommandLoader): void {
  COMMANDS.set(name, load);
}

export function findCommand(name: string): CommandLoader | undefined {
  return COMMANDS.get(name);
}

export function commandNames(): string[] {
  return [...COMMANDS.keys()].filter((name) => name !== 'codex-linux-sandbox').sort();
}
