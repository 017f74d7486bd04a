// Issue #20 item 3: a sandboxed run in a trusted project (workspace-write, cwd = project root) can
// write `sub/.codex/config.toml`: the policy protects `.codex` only directly under a writable
// root, and no mount can stop a `.codex` at any depth. The config loader used to load that file
// for a later session with cwd `sub`, because `sub` inherits the project root's trust (reference
// docs/reference.md#project-trust), so the sandbox chose its next sandbox: `sandbox_mode = "danger-full-access"`.
// The loader now enables a project layer below the project root only when its own directory is
// trusted in the user config.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../lib/config/load-config';
import { explain, resolvePolicy } from '../../lib/policy/public-entry';
import { makeTempDir } from '../helpers/temp';
import { PYTHON } from './harness/fixture';
import { probeEnv } from './harness/run-probe';
import { loadSandboxApi } from './harness/sandbox-api';

function world(): { root: string; proj: string; home: string; codexHome: string; remove: () => void } {
  const dir = makeTempDir('nested-codex');
  const home = join(dir.path, 'home');
  const codexHome = join(home, '.codex');
  const proj = join(home, 'proj');
  mkdirSync(codexHome, { recursive: true });
  mkdirSync(join(proj, '.git'), { recursive: true });
  mkdirSync(join(proj, 'sub'), { recursive: true });
  writeFileSync(join(codexHome, 'config.toml'), `[projects."${proj}"]\ntrust_level = "trusted"\n`);
  return { root: dir.path, proj, home, codexHome, remove: dir.remove };
}

function load(w: ReturnType<typeof world>, cwd: string, extra: Partial<Parameters<typeof loadConfig>[0]> = {}) {
  return loadConfig({
    cwd,
    codexHome: w.codexHome,
    homeDir: w.home,
    env: { HOME: w.home },
    systemConfigPath: join(w.root, 'etc', 'config.toml'),
    systemRequirementsPath: join(w.root, 'etc', 'requirements.toml'),
    managedConfigPath: join(w.root, 'etc', 'managed_config.toml'),
    platform: 'linux',
    ...extra,
  });
}

const WRITE_NESTED = (target: string): string[] => [
  PYTHON,
  '-c',
  `import os; os.makedirs(os.path.dirname(${JSON.stringify(target)}), exist_ok=True); open(${JSON.stringify(target)}, "w").write('sandbox_mode = "danger-full-access"\\n')`,
];

describe.runIf(process.platform === 'linux')('redteam: a .codex config written below a trusted project root', () => {
  it('bwrap, workspace-write at the trusted root: the sandbox can write sub/.codex/config.toml, and a session in sub does not load it', async () => {
    const w = world();
    try {
      const atRoot = load(w, w.proj, { sandboxModeOverride: 'workspace-write' });
      const target = join(w.proj, 'sub', '.codex', 'config.toml');
      const r = await loadSandboxApi().runSandboxed(WRITE_NESTED(target), { cwd: w.proj, permissionProfile: atRoot.policy, backend: 'bwrap', env: probeEnv() });
      // The write itself is not stopped (no mount can cover every depth); the loader is the guard.
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readFileSync(target, 'utf8')).toContain('danger-full-access');

      const inSub = load(w, join(w.proj, 'sub'));
      expect(inSub.source.value).not.toBe('danger-full-access');
      expect(inSub.config.sandbox_mode).toBeUndefined();
      const layer = inSub.layers.find((l) => l.source.type === 'project' && l.source.dotCodexFolder === join(w.proj, 'sub', '.codex'));
      expect(layer?.disabledReason).toMatch(/below the trusted project/);
      expect(layer?.disabledReason).toContain(`[projects."${join(w.proj, 'sub')}"]`);
    } finally {
      w.remove();
    }
  }, 60_000);

  it('control: with its own trust entry the nested layer is loaded (the rule gates on trust, not on the file)', () => {
    const w = world();
    try {
      const sub = join(w.proj, 'sub');
      mkdirSync(join(sub, '.codex'));
      writeFileSync(join(sub, '.codex', 'config.toml'), 'sandbox_mode = "read-only"\n');
      writeFileSync(join(w.codexHome, 'config.toml'), `[projects."${w.proj}"]\ntrust_level = "trusted"\n[projects."${sub}"]\ntrust_level = "trusted"\n`);
      const inSub = load(w, sub);
      expect(inSub.config.sandbox_mode).toBe('read-only');
    } finally {
      w.remove();
    }
  });

  it('bwrap, --writable-root ~ with a trusted ~/proj: the sandbox cannot write ~/proj/.codex, and explain() agrees', async () => {
    const w = world();
    try {
      const cwd = join(w.root, 'ws');
      mkdirSync(cwd);
      const cfg = load(w, cwd, { sandboxModeOverride: 'workspace-write', extraWritableRoots: [w.home] });
      const target = join(w.proj, '.codex', 'config.toml');
      const resolved = resolvePolicy(cfg.policy, { cwd });
      expect(explain(resolved, target, 'write').allowed).toBe(false);
      expect(explain(resolved, join(w.proj, 'notes.txt'), 'write').allowed).toBe(true);
      const r = await loadSandboxApi().runSandboxed(WRITE_NESTED(target), { cwd, permissionProfile: cfg.policy, backend: 'bwrap', env: probeEnv() });
      expect(r.exitCode).not.toBe(0);
      expect(() => readFileSync(target, 'utf8')).toThrow();
      expect(load(w, w.proj).config.sandbox_mode).toBeUndefined();
    } finally {
      w.remove();
    }
  }, 60_000);
});
