// Runs one CLI subcommand in-process with captured output, handling errors as runCli does: a
// thrown SandboxError becomes one stderr line and exit 125.
import type { CommandContext, CommandHandler } from '../../lib/cli/command';
import { reportError } from '../../lib/cli/report';

export interface CapturedRun {
  code: number;
  out: string;
  err: string;
}

export async function runCaptured(handler: CommandHandler, argv: string[], opts: { env: NodeJS.ProcessEnv; processCwd: string }): Promise<CapturedRun> {
  let out = '';
  let err = '';
  const ctx: CommandContext = {
    json: argv.includes('--json'),
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    env: opts.env,
    processCwd: opts.processCwd,
  };
  let code: number;
  try {
    code = await handler(argv, ctx);
  } catch (e) {
    code = reportError(e, ctx);
  }
  return { code, out, err };
}
