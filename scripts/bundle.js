'use strict';
// Bundles each entry (the library and the two bins) from lib/ into one file in dist/, beside the
// tsc output, which keeps the .d.ts types and the per-module files (dist/index.js is the library
// unbundled: tests read its module graph, test/unit/lean-entries.test.ts). One file means
// start-up resolves and reads one module instead of about 200, and zod's ESM build is tree-shaken
// to the parts the schemas use (docs/benchmarks.md, start-up). The bundles sit in dist/ itself,
// one level below the package, as lib/package-root.ts requires.
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const ENTRIES = {
  'codex-sandbox': 'lib/index.ts',
  'codex-sandbox-bin': 'lib/cli/codex-sandbox-bin.ts',
  'linux-sandbox-bin': 'lib/cli/linux-sandbox-bin.ts',
};

esbuild.buildSync({
  absWorkingDir: root,
  entryPoints: ENTRIES,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ESM builds first: zod's CommonJS build cannot be tree-shaken (it would bring every locale).
  mainFields: ['module', 'main'],
  // node-gyp-build finds the addon at run time by path; it stays a dependency.
  external: ['node-gyp-build'],
  // SandboxError names itself after new.target, so class names must survive renaming.
  keepNames: true,
  sourcemap: true,
  logLevel: 'warning',
});
