// The entries load only what they need (issue #15): checked through the module cache of a real
// Node process, never by timing. Each entry is run from the per-module tsc output in dist/ (the
// graph the bundles are built from), and then as shipped, where it must load only its bundles.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { itOn, profile, rootEntry } from '../enforce/support';
import { makeTempDir } from '../helpers/temp';

const ROOT = resolve(__dirname, '../..');
const RECORDER = join(ROOT, 'test/helpers/record-loaded-modules.cjs');

interface Recorded {
  status: number | null;
  stderr: string;
  /** Files of this package (relative to it) and package names under node_modules, as loaded. */
  files: string[];
  packages: string[];
  /** Node's own modules loaded (child_process, crypto, ...). */
  builtins: string[];
  execveCalled: boolean;
}

/** Runs `node -r recorder ...args` in a fresh temporary directory and reads what it loaded. */
function record(args: string[], env: Record<string, string> = {}): Recorded {
  const tmp = makeTempDir('lean');
  try {
    const out = join(tmp.path, 'modules.json');
    const r = spawnSync(process.execPath, ['-r', RECORDER, ...args], {
      cwd: tmp.path,
      encoding: 'utf8',
      env: { ...process.env, ...env, RECORD_MODULES_OUT: out },
      timeout: 30_000,
    });
    const { modules, builtins, execveCalled } = JSON.parse(readFileSync(out, 'utf8')) as { modules: string[]; builtins: string[]; execveCalled: boolean };
    const inPackage = modules.map((m) => relative(ROOT, m)).filter((m) => !m.startsWith('..') && m !== relative(ROOT, RECORDER));
    return {
      status: r.status,
      stderr: r.stderr,
      files: inPackage.filter((m) => !m.startsWith('node_modules/')),
      packages: [...new Set(inPackage.filter((m) => m.startsWith('node_modules/')).map((m) => m.split('/')[1]))].sort(),
      builtins,
      execveCalled,
    };
  } finally {
    tmp.remove();
  }
}

function dropInArgs(cwd: string): string[] {
  return ['--sandbox-policy-cwd', cwd, '--command-cwd', cwd, '--permission-profile', JSON.stringify(profile([rootEntry('read')])), '--', '/bin/true'];
}

/** What no drop-in run may load: the codex-sandbox CLI, config layers, apply_patch, TOML. */
const NOT_FOR_THE_DROP_IN = [/^dist\/cli\/(main|command-table)\.js$/, /^dist\/cli\/commands\//, /^dist\/config\//, /^dist\/apply-patch\//, /^dist\/arg0\/apply-patch-main\.js$/];

/**
 * Built-ins a start-up must not load where it does not use them: child_process (about 4 ms; the
 * drop-in replaces itself with the sandbox, and the helper's namespaces probe is answered from this
 * boot's entry, probe-cache.ts) and crypto (about 2-3 ms; nothing at start-up uses it: host
 * mount targets and config layers are hashed with lib/sha256.ts).
 */
const HEAVY_BUILTINS = ['child_process', 'crypto'];
const heavy = (r: Recorded): string[] => r.builtins.filter((b) => HEAVY_BUILTINS.includes(b));

/**
 * `bin/codex-sandbox.js ARGS` with a fresh home (holding `configToml` as its config.toml, if
 * given), recorded on its second run: the first may probe and keep the answer for this boot.
 * It must succeed and print nothing.
 */
function recordRun(args: string[], configToml?: string): Recorded {
  const home = makeTempDir('lean-home');
  try {
    if (configToml !== undefined) writeFileSync(join(home.path, 'config.toml'), configToml);
    const env = { HOME: home.path, CODEX_HOME: home.path };
    record([join(ROOT, 'bin/codex-sandbox.js'), ...args], env);
    const r = record([join(ROOT, 'bin/codex-sandbox.js'), ...args], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r;
  } finally {
    home.remove();
  }
}

beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist/cli/linux-sandbox-bin.js')), 'run `npm run compile` first').toBe(true);
});

describe('lean entries (module cache)', () => {
  itOn('bwrap')('drop-in: a codex-linux-sandbox run up to the exec loads no CLI command, config, apply_patch or TOML code', () => {
    const cwd = makeTempDir('lean-cwd');
    try {
      const script = `require(${JSON.stringify(join(ROOT, 'dist/cli/linux-sandbox-bin.js'))}).startLinuxSandbox(process.argv)`;
      const r = record(['-e', script, join(ROOT, 'bin/codex-linux-sandbox.js'), ...dropInArgs(cwd.path)]);
      expect(r.stderr).toBe('');
      // It got as far as starting the sandbox: parsed, resolved, probed and planned.
      expect(r.execveCalled).toBe(true);
      expect(r.files).toContain('dist/cli/linux-sandbox-entry.js');
      expect(r.files.filter((f) => NOT_FOR_THE_DROP_IN.some((re) => re.test(f)))).toStrictEqual([]);
      // A valid profile is accepted by the schemas' fast twins: no zod (policy/fast-schema.ts);
      // the addon is found without node-gyp-build (native-resolve.ts).
      expect(r.packages).toStrictEqual([]);
    } finally {
      cwd.remove();
    }
  });

  itOn('bwrap')('drop-in: bin/codex-linux-sandbox.js loads the dispatcher and drop-in bundles and the addon, nothing else of the package', () => {
    const cwd = makeTempDir('lean-cwd');
    try {
      const r = record([join(ROOT, 'bin/codex-linux-sandbox.js'), ...dropInArgs(cwd.path)]);
      expect(r.stderr).toBe('');
      expect(r.execveCalled).toBe(true);
      const code = r.files.filter((f) => !f.startsWith('build/') && !f.startsWith('prebuilds/'));
      expect(code).toStrictEqual(['bin/codex-linux-sandbox.js', 'dist/linux-sandbox-bin.js', 'dist/linux-sandbox-main.js']);
      expect(r.packages).toStrictEqual([]);
    } finally {
      cwd.remove();
    }
  });

  itOn('namespaces')('drop-in: once this boot has probed, a run starts no process and loads neither child_process nor crypto before the exec', () => {
    const cwd = makeTempDir('lean-cwd');
    try {
      // The first run may probe (a fresh boot or helper) and keeps the answer; the second must not.
      record([join(ROOT, 'bin/codex-linux-sandbox.js'), ...dropInArgs(cwd.path)]);
      const r = record([join(ROOT, 'bin/codex-linux-sandbox.js'), ...dropInArgs(cwd.path)]);
      expect(r.stderr).toBe('');
      expect(r.execveCalled).toBe(true);
      expect(heavy(r)).toStrictEqual([]);
    } finally {
      cwd.remove();
    }
  });

  itOn('namespaces')(
    'run: codex-sandbox run -- /bin/true loads the dispatcher and run bundles (not the CLI bundle), no zod, and replaces itself with the sandbox without child_process or crypto',
    () => {
      const r = recordRun(['run', '--', '/bin/true']);
      const code = r.files.filter((f) => !f.startsWith('build/') && !f.startsWith('prebuilds/'));
      expect(code).toStrictEqual(['bin/codex-sandbox.js', 'dist/codex-sandbox-bin.js', 'dist/cli-run.js']);
      // Read-only leaves nothing to clean up, so run execs the helper (spawn-sandboxed.ts) and
      // starts no process.
      expect(r.execveCalled).toBe(true);
      expect(heavy(r)).toStrictEqual([]);
    },
  );

  itOn('namespaces')('run with a config file: its layer is hashed without loading crypto, and run still replaces itself', () => {
    const r = recordRun(['run', '--', '/bin/true'], 'model = "gpt-5"\n\n[shell_environment_policy]\ninherit = "core"\n');
    expect(r.execveCalled).toBe(true);
    expect(heavy(r)).toStrictEqual([]);
  });

  itOn('namespaces')('run, workspace-write: the launch that must stay to remove its mount targets loads no crypto for their names', () => {
    const r = recordRun(['run', '--sandbox', 'workspace-write', '--', '/bin/true']);
    // It spawned the sandbox (the targets are removed after it) rather than replacing itself.
    expect(r.execveCalled).toBe(false);
    expect(heavy(r)).toStrictEqual(['child_process']);
  });

  it('library: require(codex-sandbox) loads no CLI code, no addon and no zod until a policy is parsed', () => {
    const unbundled = record(['-e', `require(${JSON.stringify(join(ROOT, 'dist/index.js'))})`]);
    expect(unbundled.status).toBe(0);
    expect(unbundled.files).toContain('dist/index.js');
    expect(unbundled.files.filter((f) => f.startsWith('dist/cli/') || f === 'dist/arg0/apply-patch-main.js' || f.startsWith('build/'))).toStrictEqual([]);
    expect(unbundled.packages).toStrictEqual(['smol-toml']);

    const shipped = record(['-e', `require(${JSON.stringify(ROOT)})`]);
    expect(shipped.status).toBe(0);
    expect(shipped.files).toStrictEqual(['dist/codex-sandbox.js']);
    expect(shipped.packages).toStrictEqual([]);
  });

  it('explain: bin/codex-sandbox.js explain loads the dispatcher and that one command, no zod and no other program', () => {
    const home = makeTempDir('lean-home');
    try {
      const r = record([join(ROOT, 'bin/codex-sandbox.js'), 'explain', '/etc/passwd'], { HOME: home.path, CODEX_HOME: home.path });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      // resolvePolicy and explain() check the typed policy they are given (typed-schema.ts) with
      // the schemas' fast twins, which need no zod for a valid policy.
      expect(r.files).toStrictEqual(['bin/codex-sandbox.js', 'dist/codex-sandbox-bin.js', 'dist/cli-explain.js']);
      expect(r.packages).toStrictEqual([]);
      expect(heavy(r)).toStrictEqual([]);
    } finally {
      home.remove();
    }
  });

  it('apply_patch: bin/codex-sandbox.js --codex-run-as-apply-patch loads the dispatcher and the applier, not the CLI', () => {
    const r = record([join(ROOT, 'bin/codex-sandbox.js'), '--codex-run-as-apply-patch', '*** Begin Patch\n*** Add File: added.txt\n+hi\n*** End Patch\n']);
    expect(r.status).toBe(0);
    expect(r.files).toStrictEqual(['bin/codex-sandbox.js', 'dist/codex-sandbox-bin.js', 'dist/apply-patch-main.js']);
    expect(r.packages).toStrictEqual([]);
    expect(heavy(r)).toStrictEqual([]);
  });
});
