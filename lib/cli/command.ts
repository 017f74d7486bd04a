// cli/command: the shape every subcommand implements.

export interface CommandContext {
  json: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  processCwd: string;
}

/** A subcommand: gets the argv after its name, returns the exit status. */
export type CommandHandler = (argv: string[], ctx: CommandContext) => Promise<number> | number;
