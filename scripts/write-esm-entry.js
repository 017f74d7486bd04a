'use strict';
// Writes dist/index.mjs and dist/index.d.mts so `import` gets the same API as `require` (the
// bundled dist/codex-sandbox.js), with every export named explicitly (no reliance on Node's
// CommonJS export detection).
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const api = require(path.join(dist, 'codex-sandbox.js'));
const names = Object.keys(api)
  .filter((name) => name !== 'default' && name !== '__esModule')
  .sort();
const lines = ["import api from './codex-sandbox.js';", '', ...names.map((name) => `export const ${name} = api.${name};`), 'export default api;', ''];
fs.writeFileSync(path.join(dist, 'index.mjs'), lines.join('\n'));
// The types match index.mjs: every named export, and the whole API as the default export.
fs.writeFileSync(path.join(dist, 'index.d.mts'), "export * from './index.js';\nimport * as api from './index.js';\nexport default api;\n");
