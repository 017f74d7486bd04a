'use strict';
// The package's install step. On Windows the launch path loads no addon: it needs only the two
// executables (lib/native.ts windowsExecutablesDirFrom), which the prebuild carries, cross-compiled
// by scripts/build-windows-executables.js. With them present nothing is built, so an install on
// Windows needs no compiler. Everywhere else this is node-gyp-build: a matching prebuild, or a
// node-gyp build of the addon and the helper.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const executables = ['codex-sandbox-helper.exe', 'codex-sandbox-setup.exe'];
const prebuilt = path.join(root, 'prebuilds', `win32-${process.arch}`);

if (process.platform === 'win32' && executables.every((name) => fs.existsSync(path.join(prebuilt, name)))) {
  console.log(`codex-sandbox: using the prebuilt Windows executables in ${prebuilt}`);
  process.exit(0);
}
const result = spawnSync(process.execPath, [require.resolve('node-gyp-build/bin.js')], { cwd: root, stdio: 'inherit', windowsHide: true });
process.exit(result.status === null ? 1 : result.status);
