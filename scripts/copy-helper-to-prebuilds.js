'use strict';
// prebuildify packs only the .node addon; the helper executable must ship beside it so that
// lib/native.ts finds it relative to the loaded addon (docs/native.md "Building and prebuilds").
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const helperName = process.platform === 'win32' ? 'codex-sandbox-helper.exe' : 'codex-sandbox-helper';
const helper = path.join(root, 'build', 'Release', helperName);
const target = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);

if (!fs.existsSync(helper)) {
  console.error(`copy-helper-to-prebuilds: ${helper} is missing; run "npx node-gyp rebuild" first`);
  process.exit(1);
}
const addons = fs.existsSync(target) ? fs.readdirSync(target).filter((name) => name.endsWith('.node')) : [];
if (addons.length === 0) {
  console.error(`copy-helper-to-prebuilds: no .node file in ${target}; run prebuildify first ("npm run prebuild")`);
  process.exit(1);
}
fs.copyFileSync(helper, path.join(target, helperName));
fs.chmodSync(path.join(target, helperName), 0o755);
console.log(`copied ${helper} -> ${target} (beside ${addons.join(', ')})`);
