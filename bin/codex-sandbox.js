#!/usr/bin/env node
'use strict';
// The codex-sandbox CLI, and the arg0 programs (apply_patch, codex-linux-sandbox,
// --codex-run-as-apply-patch): lib/cli/codex-sandbox-bin.ts, bundled into one file by
// `npm run compile` so start-up resolves and reads one module (docs/benchmarks.md).
require('../dist/codex-sandbox-bin.js').startCodexSandbox(process.argv);
