// cli/linux-sandbox-main: the `codex-linux-sandbox` drop-in as a program: its flags, then the
// sandbox. Imports nothing of the codex-sandbox CLI (its commands, config loading), so the
// drop-in loads only the policy, planning and launch code it runs (test/unit/lean-entries).
import type { CommandContext } from './command';
import { linuxSandboxCommand } from './linux-sandbox-entry';
import { processContext, reportError } from './report';

/** Runs the drop-in with the flags after the program name; returns its exit status. */
export async function runLinuxSandboxCli(argv: string[], ctx?: CommandContext): Promise<number> {
  const context = ctx ?? processContext(argv.includes('--json'));
  try {
    return await linuxSandboxCommand(argv, context);
  } catch (err) {
    return reportError(err, context);
  }
}
