// cli/linux-sandbox-bin: what bin/codex-linux-sandbox.js runs (bundled to
// dist/linux-sandbox-bin.js). The arg0 modes first, as every entry has them; otherwise the
// drop-in, without the codex-sandbox CLI anywhere in its bundle.
import { arg0Dispatch } from '../arg0/arg0-dispatch';
import { runLinuxSandboxCli } from './linux-sandbox-main';
import { exitWith } from './report';

export function startLinuxSandbox(argv: readonly string[]): void {
  if (!arg0Dispatch(argv, { prepareEnvironment: false }).dispatched) exitWith(runLinuxSandboxCli(argv.slice(2)));
}
