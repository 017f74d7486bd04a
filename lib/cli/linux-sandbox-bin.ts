// cli/linux-sandbox-bin: what bin/codex-linux-sandbox.js runs (bundled to
// dist/linux-sandbox-bin.js). The arg0 modes first, as every entry has them; otherwise the
// drop-in, imported only then, and never the codex-sandbox CLI.
import { arg0Dispatch } from '../arg0/arg0-dispatch';
import { exitWith } from './report';

export function startLinuxSandbox(argv: readonly string[]): void {
  if (arg0Dispatch(argv, { prepareEnvironment: false }).dispatched) return;
  exitWith(import('./linux-sandbox-main.js').then((dropIn) => dropIn.runLinuxSandboxCli(argv.slice(2))));
}
