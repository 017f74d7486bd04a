'use strict';
// prebuildify packs only the .node addon; the helper executable must ship beside it so that
// lib/native.ts finds it relative to the loaded addon.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const helper = path.join(root, 'build', 'Release', 'codex-sandbox-helper');
if (!fs.existsSync(helper)) {
  console.error(`copy-helper-to-prebuilds: ${helper} is missing; run npm run build:native first`);
  process.exit(1);
}
const target = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
fs.mkdirSync(target, { recursive: true });
fs.copyFileSync(helper, path.join(target, 'codex-sandbox-helper'));
fs.chmodSync(path.join(target, 'codex-sandbox-helper'), 0o755);
console.log(`copied ${helper} -> ${target}`);
