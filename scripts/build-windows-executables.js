'use strict';
// Cross-compiles the Windows executables (codex-sandbox-helper.exe, codex-sandbox-setup.exe) with
// mingw-w64 from the sources binding.gyp lists for OS=='win', so a prebuild made on Linux carries
// them and an install on Windows needs no compiler (docs/platforms/windows.md "Building").
//
//   node scripts/build-windows-executables.js [OUTDIR]     default: prebuilds/win32-x64
//
// Objects are kept in build/windows-obj and rebuilt only when their source or a header under
// native/windows is newer, so tests that need the executables pay for a compile once. Every
// output is written under a temporary name and renamed, so two test files building at once only
// duplicate work.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const CXX = process.env.CODEX_SANDBOX_MINGW_CXX || 'x86_64-w64-mingw32-g++';
// binding.gyp's hardening flags for the executables, in mingw-w64 spelling; -municode selects
// wmain, -static keeps libstdc++, libgcc, libssp and winpthread out of the DLLs a user must have.
const CFLAGS = ['-std=c++17', '-fno-exceptions', '-fno-rtti', '-Wall', '-Wextra', '-Werror', '-fstack-protector-strong', '-O2', '-DUNICODE', '-D_UNICODE', '-municode'];
const LDFLAGS = ['-municode', '-static', '-s', '-fstack-protector-strong'];

/** The OS=='win' executable targets of binding.gyp (a Python literal; without `#` lines it is JSON). */
function windowsExecutables() {
  const gyp = JSON.parse(fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8').replace(/^\s*#.*$/gm, ''));
  const out = [];
  const add = (t, body) => {
    if ((t.type || body.type) === 'executable') out.push({ name: t.target_name, sources: body.sources || [], libraries: body.libraries || [] });
  };
  for (const t of gyp.targets) {
    const win = (t.conditions || []).find(([cond]) => cond === "OS=='win'");
    if (win !== undefined) add(t, win[1]);
  }
  for (const [cond, body] of gyp.conditions || []) {
    if (cond === "OS=='win'") for (const t of body.targets || []) add(t, t);
  }
  return out;
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** Runs the compiler with `argsFor(temporary output)`, then renames the output into place. */
function build(out, argsFor) {
  const tmp = `${out}.${process.pid}.tmp`;
  execFileSync(CXX, argsFor(tmp), { stdio: 'inherit' });
  fs.renameSync(tmp, out);
}

function main() {
  if (process.platform === 'win32') {
    console.log('build-windows-executables: on Windows node-gyp builds them, and copy-helper-to-prebuilds.js ships them');
    return;
  }
  const outDir = path.resolve(process.argv[2] || path.join(root, 'prebuilds', 'win32-x64'));
  const objDir = path.join(root, 'build', 'windows-obj');
  fs.mkdirSync(outDir, { recursive: true });
  fs.mkdirSync(objDir, { recursive: true });
  const headerDir = path.join(root, 'native', 'windows');
  const newestHeader = Math.max(
    ...fs
      .readdirSync(headerDir)
      .filter((f) => f.endsWith('.h'))
      .map((f) => mtime(path.join(headerDir, f))),
  );
  const objects = new Map();
  const objectFor = (source) => {
    let obj = objects.get(source);
    if (obj !== undefined) return obj;
    obj = path.join(objDir, `${path.basename(source, '.cc')}.o`);
    const src = path.join(root, source);
    if (mtime(obj) < Math.max(mtime(src), newestHeader)) build(obj, (tmp) => [...CFLAGS, '-c', '-o', tmp, src]);
    objects.set(source, obj);
    return obj;
  };
  for (const exe of windowsExecutables()) {
    const objs = exe.sources.map(objectFor);
    const target = path.join(outDir, `${exe.name}.exe`);
    if (mtime(target) >= Math.max(...objs.map(mtime))) continue;
    const libs = exe.libraries.map((l) => `-l${l.replace(/\.lib$/, '')}`);
    build(target, (tmp) => [...LDFLAGS, '-o', tmp, ...objs, ...libs]);
    console.log(`built ${target}`);
  }
}

main();
