'use strict';
// The package's install step. On Linux this is node-gyp-build: a matching prebuild (the package
// ships linux-x64 and linux-arm64, each for glibc and musl alike) builds nothing and needs no
// compiler; otherwise node-gyp builds the addon and the helper, which needs python3, make and a
// C++ compiler.
//
// The npm package ships no Windows executables (README "Status per platform": they have never
// run on Windows). A checkout on Windows has their sources and builds them with node-gyp (MSVC);
// an installed package on Windows has neither, so it builds nothing and the Windows backends
// report E_BACKEND_UNAVAILABLE naming why. Prebuilt executables (`npm run prebuild:windows` in a
// checkout) are used as they are.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

if (process.platform === 'win32') {
  const prebuilt = path.join(root, 'prebuilds', `win32-${process.arch}`);
  if (['codex-sandbox-helper.exe', 'codex-sandbox-setup.exe'].every((name) => fs.existsSync(path.join(prebuilt, name)))) {
    console.log(`codex-sandbox: using the prebuilt Windows executables in ${prebuilt}`);
    process.exit(0);
  }
  if (!fs.existsSync(path.join(root, 'native', 'windows'))) {
    console.log('codex-sandbox: this package ships no Windows executables yet (see its README); plan and explain work, the Windows backends do not');
    process.exit(0);
  }
}
const result = spawnSync(process.execPath, [require.resolve('node-gyp-build/bin.js')], { cwd: root, stdio: 'inherit', windowsHide: true });
process.exit(result.status === null ? 1 : result.status);
