'use strict';
// Bundles each entry from lib/ into one file in dist/, beside the tsc output, which keeps the
// .d.ts types and the per-module files (dist/index.js is the library unbundled: tests read its
// module graph, test/unit/lean-entries.test.ts). One file means start-up resolves and reads one
// module instead of about 200, and zod's ESM build is tree-shaken to the parts the schemas use
// (docs/benchmarks.md, start-up). The bundles sit in dist/ itself, one level below the package,
// as lib/package-root.ts requires.
//
// The library is one file. The bins are split where their code is imported lazily (import()):
// a bin first loads only the small arg0 dispatcher, then the one program it runs (the drop-in,
// apply_patch, or the CLI and then the one command), so no run loads the code of the programs it
// does not run. Each
// program's bundle holds its own copy of the modules it shares with another; the dispatcher and
// a program never hand an object of those modules to each other (errors are reported where they
// are thrown, and isSandboxError checks a Symbol.for brand, not the class).
const { readFileSync } = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');

/** Source file -> bundle name, for the bins' programs and CLI commands loaded through import(). */
const PROGRAMS = {
  'lib/cli/main.ts': 'cli-main',
  'lib/cli/linux-sandbox-main.ts': 'linux-sandbox-main',
  'lib/arg0/apply-patch-main.ts': 'apply-patch-main',
  ...Object.fromEntries(['apply-patch', 'config', 'doctor', 'explain', 'plan', 'run'].map((name) => [`lib/cli/commands/${name}.ts`, `cli-${name}`])),
};

const COMMON = {
  absWorkingDir: root,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ESM builds first: zod's CommonJS build cannot be tree-shaken (it would bring every locale).
  mainFields: ['module', 'main'],
  // node-gyp-build finds the addon at run time by path; it stays a dependency.
  external: ['node-gyp-build'],
  // SandboxError names itself after new.target, so class names must survive renaming.
  keepNames: true,
  sourcemap: true,
  logLevel: 'warning',
};

/** Turns `import('./x.js')` of a program into a require of that program's bundle. */
const splitPrograms = {
  name: 'split-programs',
  setup(build) {
    build.onResolve({ filter: /\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const source = path.relative(root, path.resolve(args.resolveDir, args.path)).replace(/\.js$/, '.ts');
      const program = PROGRAMS[source];
      return program === undefined ? undefined : { path: `./${program}.js`, external: true };
    });
  },
};

/**
 * lib/policy/wire-schema.ts loads zod/mini with require() on its first parse. In the bundles that
 * require names dist/zod.js: zod's ESM mini build reduced to the functions wire-schema calls on
 * `z` (read from its source, so a new one cannot be forgotten). Its English messages (a small
 * module, required only with it) are bundled where they are required.
 */
const WIRE_SCHEMA = 'lib/policy/wire-schema.ts';

function zodShim() {
  const names = new Set();
  for (const m of readFileSync(path.join(root, WIRE_SCHEMA), 'utf8').matchAll(/\bz\s*\.\s*([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  return `export { ${[...names].sort().join(', ')} } from 'zod/mini';\n`;
}

const lazyZod = {
  name: 'lazy-zod',
  setup(build) {
    build.onResolve({ filter: /^zod\/mini$/ }, (args) => {
      if (args.kind !== 'require-call') return undefined;
      if (path.relative(root, args.importer) !== WIRE_SCHEMA) throw new Error(`${args.importer}: only ${WIRE_SCHEMA} may require zod`);
      return { path: './zod.js', external: true };
    });
  },
};

async function bundle() {
  await esbuild.build({
    ...COMMON,
    stdin: { contents: zodShim(), resolveDir: root, sourcefile: 'zod-shim.js' },
    outfile: 'dist/zod.js',
    outdir: undefined,
  });
  await esbuild.build({ ...COMMON, entryPoints: { 'codex-sandbox': 'lib/index.ts' }, plugins: [lazyZod] });
  await esbuild.build({
    ...COMMON,
    entryPoints: {
      'codex-sandbox-bin': 'lib/cli/codex-sandbox-bin.ts',
      'linux-sandbox-bin': 'lib/cli/linux-sandbox-bin.ts',
      ...Object.fromEntries(Object.entries(PROGRAMS).map(([source, name]) => [name, source])),
    },
    plugins: [splitPrograms, lazyZod],
    // import() of a program becomes require(): the ESM loader would parse the CommonJS bundle
    // again to find its exports.
    supported: { 'dynamic-import': false },
  });
}

bundle().catch((err) => {
  process.exitCode = 1;
  console.error(err);
});
