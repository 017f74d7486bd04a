#!/usr/bin/env node
'use strict';
// The codex-linux-sandbox drop-in (and the arg0 programs): lib/cli/linux-sandbox-bin.ts, bundled
// into one file by `npm run compile` (docs/benchmarks.md).
require('../dist/linux-sandbox-bin.js').startLinuxSandbox(process.argv);
