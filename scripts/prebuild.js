'use strict';
// Builds the Linux prebuilds the package ships (run by `prepack`, so every `npm pack` and
// `npm publish` carries them): for x64 and arm64, the Node-API addon
// (prebuilds/linux-<arch>/node.napi.node) and the helper beside it. Neither links a C library
// (docs/native.md "The addon's runtime"), so one build per architecture serves glibc and musl,
// and the addon's name carries no libc tag: node-gyp-build selects an untagged file on either,
// whatever it guesses the libc to be, and the loader checks a libc tag only where there is one.
//
// Each architecture is built in its own directory under build-prebuilds/, never in build/, so
// a checkout's own build (and tests running on it) are left alone. The other architecture is
// cross-compiled with the Debian cross toolchain (g++-aarch64-linux-gnu or
// g++-x86-64-linux-gnu); a missing one fails the pack rather than ship a package without it.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const work = path.join(root, 'build-prebuilds');
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const GNU_TRIPLE = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

function fail(message) {
  console.error(`prebuild: ${message}`);
  process.exit(1);
}

function onPath(name) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, name)));
}

/** The compilers for `arch`: the host's own for its architecture, the cross toolchain for the other. */
function toolchain(arch) {
  if (arch === process.arch) return { CC: 'gcc', CXX: 'g++', LINK: 'g++', AR: 'ar', strip: 'strip' };
  const prefix = `${GNU_TRIPLE[arch]}-`;
  if (!onPath(`${prefix}g++`)) fail(`${prefix}g++ is not on PATH: install g++-${GNU_TRIPLE[arch].replace(/_/g, '-')} to build the linux-${arch} prebuild`);
  return { CC: `${prefix}gcc`, CXX: `${prefix}g++`, LINK: `${prefix}g++`, AR: `${prefix}ar`, strip: `${prefix}strip` };
}

function run(file, args, options) {
  const result = spawnSync(file, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) fail(`${file} ${args.join(' ')} failed (${result.error?.message ?? `status ${result.status}`})`);
}

function build(arch) {
  const tools = toolchain(arch);
  const dir = path.join(work, arch);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(root, 'binding.gyp'), path.join(dir, 'binding.gyp'));
  fs.symlinkSync(path.join(root, 'native'), path.join(dir, 'native'));
  const nodedir = process.env.npm_config_nodedir;
  const args = [nodeGyp, 'rebuild', `--arch=${arch}`, ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
  // Our own release build: warnings are errors here, as in a checkout (binding.gyp "werror").
  run(process.execPath, args, { cwd: dir, env: { ...process.env, CC: tools.CC, CXX: tools.CXX, LINK: tools.LINK, AR: tools.AR, CODEX_SANDBOX_WERROR: '1' } });
  const target = path.join(root, 'prebuilds', `linux-${arch}`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const outputs = [
    ['codex_sandbox.node', 'node.napi.node'],
    ['codex-sandbox-helper', 'codex-sandbox-helper'],
  ];
  for (const [built, shipped] of outputs) {
    const file = path.join(target, shipped);
    fs.copyFileSync(path.join(dir, 'build', 'Release', built), file);
    run(tools.strip, [file], {});
    fs.chmodSync(file, 0o755);
  }
  console.log(`prebuild: ${target}: ${fs.readdirSync(target).join(', ')}`);
}

if (process.platform !== 'linux' || GNU_TRIPLE[process.arch] === undefined) {
  fail(`the Linux prebuilds are built on Linux x64 or arm64, not ${process.platform}-${process.arch}`);
}
for (const arch of Object.keys(GNU_TRIPLE)) build(arch);
fs.rmSync(work, { recursive: true, force: true });
