// cli/command: the shape every subcommand implements.

export interface CommandContext {
  json: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  processCwd: string;
  /**
   * Set by bin/codex-sandbox.js only: this process is the CLI and nothing else, so `run` may
   * replace it with the sandbox. Unset for callers in a process of their own (tests, tools).
   */
  ownsProcess?: true;
}

/** A subcommand: gets the argv after its name, returns the exit status. */
export type CommandHandler = (argv: string[], ctx: CommandContext) => Promise<number> | number;
