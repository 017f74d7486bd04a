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
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');

/** Source file -> bundle name, for the bins' programs and CLI commands loaded through import(). */
const PROGRAMS = {
  'lib/cli/main.ts': 'cli-main',
  'lib/cli/linux-sandbox-main.ts': 'linux-sandbox-main',
  'lib/arg0/apply-patch-main.ts': 'apply-patch-main',
  // Every command of the table (read from its source, so a new command gets its own bundle).
  ...Object.fromEntries(
    [...readFileSync(path.join(root, 'lib/cli/command-table.ts'), 'utf8').matchAll(/import\('\.\/commands\/([\w-]+)\.js'\)/g)].map(([, name]) => [
      `lib/cli/commands/${name}.ts`,
      `cli-${name}`,
    ]),
  ),
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
  // No keepNames: its name-setting call on every function was a third of a bundle's top-level
  // run. esbuild renames only on a clash; the error classes, which name themselves after
  // new.target, must keep theirs, and checkErrorNames() fails the build if one did not.
  sourcemap: true,
  logLevel: 'warning',
};

/**
 * The bins load the other bundles through lib/cli/code-cache.ts (V8's code cache beside each
 * bundle); a module of the `bundle` namespace stands for one bundle, loaded that way.
 */
const CODE_CACHE = path.join(root, 'lib/cli/code-cache.ts');
const bundleModule = {
  name: 'bundle-module',
  setup(build) {
    build.onLoad({ filter: /.*/, namespace: 'bundle' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(CODE_CACHE)}).loadBundle(__dirname, ${JSON.stringify(args.path)});`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

/** Turns `import('./x.js')` of a program into loading that program's bundle. */
const splitPrograms = {
  name: 'split-programs',
  setup(build) {
    build.onResolve({ filter: /\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const source = path.relative(root, path.resolve(args.resolveDir, args.path)).replace(/\.js$/, '.ts');
      const program = PROGRAMS[source];
      return program === undefined ? undefined : { path: `${program}.js`, namespace: 'bundle' };
    });
  },
};

/**
 * lib/policy/zod-load.ts loads zod/mini with require() when a policy schema is first used. In the
 * bundles that require names dist/zod.js: zod's ESM mini build reduced to the functions the schema
 * modules call on `z` (read from their source, so a new one cannot be forgotten). Its English
 * messages (a small module, required only with it) are bundled where they are required.
 */
const ZOD_LOADER = 'lib/policy/zod-load.ts';

function zodShim() {
  const policy = path.join(root, 'lib/policy');
  const users = readdirSync(policy)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => readFileSync(path.join(policy, name), 'utf8'))
    .filter((text) => text.includes("from './zod-load'") || text.includes("require('zod/mini')"));
  const names = new Set();
  for (const text of users) for (const m of text.matchAll(/\bz\s*\.\s*([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  return `export { ${[...names].sort().join(', ')} } from 'zod/mini';\n`;
}

/**
 * Points zod-load's require of zod/mini at dist/zod.js (in the bins through the code cache); any
 * other way of loading zod is an error.
 */
function lazyZod({ cached }) {
  return {
    name: 'lazy-zod',
    setup(build) {
      build.onResolve({ filter: /^zod(\/|$)/ }, (args) => {
        if (path.relative(root, args.importer) !== ZOD_LOADER) throw new Error(`${args.importer} loads ${args.path}: only ${ZOD_LOADER} may load zod`);
        if (args.path !== 'zod/mini') return undefined;
        return cached ? { path: 'zod.js', namespace: 'bundle' } : { path: './zod.js', external: true };
      });
    },
  };
}

async function bundle() {
  await esbuild.build({
    ...COMMON,
    stdin: { contents: zodShim(), resolveDir: root, sourcefile: 'zod-shim.js' },
    outfile: 'dist/zod.js',
    outdir: undefined,
  });
  await esbuild.build({ ...COMMON, entryPoints: { 'codex-sandbox': 'lib/index.ts' }, plugins: [lazyZod({ cached: false })] });
  await esbuild.build({
    ...COMMON,
    entryPoints: {
      'codex-sandbox-bin': 'lib/cli/codex-sandbox-bin.ts',
      'linux-sandbox-bin': 'lib/cli/linux-sandbox-bin.ts',
      ...Object.fromEntries(Object.entries(PROGRAMS).map(([source, name]) => [name, source])),
    },
    plugins: [splitPrograms, lazyZod({ cached: true }), bundleModule],
    // import() of a program becomes require(): the ESM loader would parse the CommonJS bundle
    // again to find its exports.
    supported: { 'dynamic-import': false },
  });
}

/** The error classes of lib/errors.ts, renamed in a bundle (`UsageError2`), would report that name. */
function checkErrorNames() {
  const classes = [...readFileSync(path.join(root, 'lib/errors.ts'), 'utf8').matchAll(/^export class (\w+)/gm)].map((m) => m[1]);
  const renamed = new RegExp(`\\b(?:${classes.join('|')})\\d+\\b`);
  for (const name of readdirSync(path.join(root, 'dist')).filter((f) => f.endsWith('.js'))) {
    const hit = renamed.exec(readFileSync(path.join(root, 'dist', name), 'utf8'));
    if (hit !== null) throw new Error(`dist/${name}: esbuild renamed ${hit[0]}, so its errors would be named that; rename the clashing identifier`);
  }
}

bundle()
  .then(checkErrorNames)
  .catch((err) => {
    process.exitCode = 1;
    console.error(err);
  });
