// cli/command-table: the codex-sandbox subcommands, one line each. A command's module is imported
// only when it runs: import() rather than require(), so that vitest (which cannot require()
// TypeScript) runs the CLI in-process, and the bundler keeps each command's code unevaluated
// until then.
import type { CommandContext, CommandHandler } from './command';
import { reportError } from './report';

export type CommandLoader = () => Promise<CommandHandler>;

export const COMMANDS: Readonly<Record<string, CommandLoader>> = {
  'apply-patch': async () => (await import('./commands/apply-patch.js')).applyPatchCommand,
  config: async () => (await import('./commands/config.js')).configCommand,
  doctor: async () => (await import('./commands/doctor.js')).doctorCommand,
  explain: async () => (await import('./commands/explain.js')).explainCommand,
  plan: async () => (await import('./commands/plan.js')).planCommand,
  run: async () => (await import('./commands/run.js')).runCommand,
  'windows-setup': async () => (await import('./commands/windows-setup.js')).windowsSetupCommand,
};

export function findCommand(name: string): CommandLoader | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** Runs a found command: its status, or the report and status of the error it throws (report.ts). */
export async function runFoundCommand(load: CommandLoader, argv: string[], ctx: CommandContext): Promise<number> {
  try {
    return await (await load())(argv, ctx);
  } catch (err) {
    return reportError(err, ctx);
  }
}
