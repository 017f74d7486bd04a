'use strict';
// prebuildify packs only the .node addon; the helper executable must ship beside it so that
// lib/native.ts finds it relative to the loaded addon (docs/native.md "Building and prebuilds").
// On Windows node-gyp builds both Windows executables, and both ship.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const names = process.platform === 'win32' ? ['codex-sandbox-helper.exe', 'codex-sandbox-setup.exe'] : ['codex-sandbox-helper'];
const target = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);

for (const name of names) {
  const built = path.join(root, 'build', 'Release', name);
  if (!fs.existsSync(built)) {
    console.error(`copy-helper-to-prebuilds: ${built} is missing; run "npx node-gyp rebuild" first`);
    process.exit(1);
  }
}
const addons = fs.existsSync(target) ? fs.readdirSync(target).filter((name) => name.endsWith('.node')) : [];
if (addons.length === 0) {
  console.error(`copy-helper-to-prebuilds: no .node file in ${target}; run prebuildify first ("npm run prebuild")`);
  process.exit(1);
}
for (const name of names) {
  fs.copyFileSync(path.join(root, 'build', 'Release', name), path.join(target, name));
  fs.chmodSync(path.join(target, name), 0o755);
  console.log(`copied ${name} -> ${target} (beside ${addons.join(', ')})`);
}
