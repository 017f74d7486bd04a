#!/usr/bin/env node
// Formats (--write) or checks (--check) the C++ sources with clang-format and .clang-format.
// Without clang-format installed the check is skipped with a one-line reason, except with
// CI=true, where it fails (.ci/run installs Debian's clang-format).
'use strict';
const { spawnSync } = require('node:child_process');
const { readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const repo = join(__dirname, '..');
const roots = ['native', 'test/fixtures'];

function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sources(full));
    else if (/\.(cc|h)$/.test(name)) out.push(full);
  }
  return out;
}

const mode = process.argv[2];
if (mode !== '--check' && mode !== '--write') {
  console.error('usage: clang-format.js --check | --write');
  process.exit(2);
}
if (spawnSync('clang-format', ['--version'], { stdio: 'ignore' }).status !== 0) {
  const reason = 'clang-format not installed (apt-get install clang-format): C++ formatting not checked';
  if (process.env.CI === 'true') {
    console.error(reason);
    process.exit(1);
  }
  console.warn(reason);
  process.exit(0);
}
const files = roots.flatMap((r) => sources(join(repo, r))).map((f) => relative(repo, f));
const args = mode === '--write' ? ['-i', ...files] : ['--dry-run', '--Werror', ...files];
const result = spawnSync('clang-format', args, { cwd: repo, stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
