// cli/codex-sandbox-bin: what bin/codex-sandbox.js runs (bundled to dist/codex-sandbox-bin.js).
// Named apply_patch/applypatch/codex-linux-sandbox, or given --codex-run-as-apply-patch first,
// this process is that program (lib/arg0); otherwise it is the codex-sandbox CLI.
import { arg0Dispatch } from '../arg0/arg0-dispatch';
import { main } from './main';

export function startCodexSandbox(argv: readonly string[]): void {
  if (!arg0Dispatch(argv, { prepareEnvironment: false }).dispatched) main(argv.slice(2), 'codex-sandbox');
}
