#!/usr/bin/env node
'use strict';
// Named apply_patch/applypatch/codex-linux-sandbox, or given --codex-run-as-apply-patch first,
// this script is that program (lib/arg0); otherwise it is the CLI.
if (!require('../dist/arg0/arg0-dispatch.js').arg0Dispatch(process.argv, { prepareEnvironment: false }).dispatched) {
  require('../dist/cli/main.js').main(process.argv.slice(2), 'codex-sandbox');
}
