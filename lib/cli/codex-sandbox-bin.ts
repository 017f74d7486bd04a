// cli/codex-sandbox-bin: what bin/codex-sandbox.js runs (bundled to dist/codex-sandbox-bin.js).
// Named apply_patch/applypatch/codex-linux-sandbox, or given --codex-run-as-apply-patch first,
// this process is that program (lib/arg0); otherwise it is the codex-sandbox CLI, imported only
// then, so the apply_patch modes never load the CLI's code (the command table here is a list of
// loaders, and holds none of it).
import { arg0Dispatch } from '../arg0/arg0-dispatch';
import { findCommand, runFoundCommand } from './command-table';
import { exitWith, processContext } from './report';

export function startCodexSandbox(argv: readonly string[]): void {
  if (arg0Dispatch(argv, { prepareEnvironment: false }).dispatched) return;
  const args = argv.slice(2);
  const ctx = { ...processContext(args.includes('--json')), ownsProcess: true as const };
  // A command is loaded straight from the table, as runCli would load it, without loading the
  // CLI's own bundle (about 1 ms, docs/benchmarks.md#start-up); usage, --help and --version go there.
  const load = args[0] === undefined ? undefined : findCommand(args[0]);
  exitWith(load !== undefined ? runFoundCommand(load, args.slice(1), ctx) : import('./main.js').then((cli) => cli.runCli(args, 'codex-sandbox', ctx)));
}
