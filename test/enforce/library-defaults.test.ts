// The library's defaults and diagnostics against real sandboxes (issue #19): the environment
// policy decides what `env` shows inside; applyPatch without a policy is confined to its cwd;
// explain() follows the host's symlinks as the sandbox does; denial hints come from the messages
// tools really print, on exit 0 too, and from spawnSandboxed as well as runSandboxed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { nodeHost } from '../../lib/policy/node-host';
import { applyPatch } from '../../lib/apply-patch/apply-patch';
import { explain, resolvePolicy } from '../../lib/policy/public-entry';
import { findDenials } from '../../lib/spawn/denials';
import { runSandboxed } from '../../lib/spawn/run-sandboxed';
import { spawnSandboxed } from '../../lib/spawn/spawn-sandboxed';
import { withTempDir } from '../helpers/temp';
import { itOn, underTest } from './support';

const BACKEND = underTest('bwrap');

/** Set by the sandbox itself: the restricted-network marker, and PWD for the command's cwd. */
const SANDBOX_ADDED = new Set(['CODEX_SANDBOX_NETWORK_DISABLED', 'PWD']);

/** The variable names `env` printed, without the sandbox's own. */
function envLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.slice(0, l.indexOf('=')))
    .filter((name) => !SANDBOX_ADDED.has(name))
    .sort();
}

describe.runIf(process.platform === 'linux')('environment policy in a real sandbox', () => {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', OPENAI_API_KEY: 'sk-x', GITHUB_TOKEN: 'g', MY_SECRET: 's', KEEP_ME: '1', AWS_REGION: 'r' };

  itOn('bwrap')('bwrap: the default policy drops *KEY*, *SECRET*, *TOKEN* from process.env', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { OPENAI_API_KEY: 'sk-x', CSBX_TEST_KEEP: '1' });
    try {
      const r = await runSandboxed(['env'], { policy: 'read-only', backend: BACKEND });
      const names = envLines(r.stdout);
      expect(names).toContain('CSBX_TEST_KEEP');
      expect(names).not.toContain('OPENAI_API_KEY');
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  itOn('bwrap')('bwrap: inherit core passes only the core variables, plus set', async () => {
    const r = await runSandboxed(['env'], { policy: 'read-only', backend: BACKEND, env, envPolicy: { inherit: 'core', set: { ADDED: 'x' } } });
    expect(envLines(r.stdout)).toEqual(['ADDED', 'HOME', 'PATH']);
  });

  itOn('bwrap')('bwrap: inherit none with includeOnly keeps nothing but the matching set variables', async () => {
    const r = await runSandboxed(['/usr/bin/env'], {
      policy: 'read-only',
      backend: BACKEND,
      env,
      envPolicy: { inherit: 'none', set: { A_1: '1', B_1: '2' }, includeOnly: ['a_*'] },
    });
    expect(envLines(r.stdout)).toEqual(['A_1']);
  });

  itOn('bwrap')('bwrap: exclude patterns are case-insensitive globs; ignoreDefaultExcludes keeps the secrets', async () => {
    const r = await runSandboxed(['env'], { policy: 'read-only', backend: BACKEND, env, envPolicy: { ignoreDefaultExcludes: true, exclude: ['aws_*', 'keep_m?'] } });
    expect(envLines(r.stdout)).toEqual(['GITHUB_TOKEN', 'HOME', 'MY_SECRET', 'OPENAI_API_KEY', 'PATH']);
  });
});

describe.runIf(process.platform === 'linux')('codex-sandbox run and [shell_environment_policy]', () => {
  const bin = resolve(__dirname, '../../bin/codex-sandbox.js');
  const runEnv = (codexHome: string, cwd: string): string[] => {
    const r = spawnSync(process.execPath, [bin, 'run', '--backend', BACKEND, '--', 'env'], {
      cwd,
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, CODEX_HOME: codexHome, OPENAI_API_KEY: 'k', FOO: 'f', CI_FLAG: 'c' },
    });
    expect(r.stderr).toBe('');
    return envLines(r.stdout);
  };

  itOn('bwrap')('bwrap: without the table, the secret-looking names are dropped', async () => {
    await withTempDir(async (dir) => {
      mkdirSync(join(dir, 'home'));
      expect(runEnv(join(dir, 'home'), dir)).toEqual(['CI_FLAG', 'CODEX_HOME', 'FOO', 'HOME', 'PATH']);
    });
  });

  itOn('bwrap')("bwrap: the config's policy decides, with the reference's defaults (secrets kept unless excluded)", async () => {
    await withTempDir(async (dir) => {
      mkdirSync(join(dir, 'home'));
      writeFileSync(join(dir, 'home', 'config.toml'), '[shell_environment_policy]\nexclude = ["ci_*"]\nset = { ADDED = "1" }\n');
      expect(runEnv(join(dir, 'home'), dir)).toEqual(['ADDED', 'CODEX_HOME', 'FOO', 'HOME', 'OPENAI_API_KEY', 'PATH']);
      writeFileSync(join(dir, 'home', 'config.toml'), '[shell_environment_policy]\ninherit = "core"\n');
      expect(runEnv(join(dir, 'home'), dir)).toEqual(['HOME', 'PATH']);
    });
  });
});

describe.runIf(process.platform === 'linux')('applyPatch without a policy', () => {
  beforeAll(() => {
    expect(existsSync(resolve(__dirname, '../../dist/arg0/arg0-dispatch.js')), 'run `npm run compile` first').toBe(true);
  });

  itOn('bwrap')('applies inside its cwd under workspace-write, and refuses a patch writing outside it', async () => {
    await withTempDir(async (ws) => {
      const inside = await applyPatch('*** Begin Patch\n*** Add File: in.txt\n+in\n*** End Patch\n', { cwd: ws, backend: BACKEND });
      expect(inside.added).toEqual(['in.txt']);
      expect(existsSync(join(ws, 'in.txt'))).toBe(true);
      const target = join('/etc', `csbx-apply-patch-${process.pid}.txt`);
      await expect(applyPatch(`*** Begin Patch\n*** Add File: ${target}\n+x\n*** End Patch\n`, { cwd: ws, backend: BACKEND })).rejects.toMatchObject({
        code: 'E_PATCH_APPLY',
      });
      expect(existsSync(target)).toBe(false);
    });
  });
});

describe.runIf(process.platform === 'linux')('explain() follows the host by default', () => {
  itOn('bwrap')('bwrap: with etc-link -> /etc, etc-link/passwd is not writable, and the sandbox agrees', async () => {
    await withTempDir(async (ws) => {
      symlinkSync('/etc', join(ws, 'etc-link'));
      const resolved = resolvePolicy('workspace-write', { cwd: ws });
      const decision = explain(resolved, 'etc-link/passwd', 'write');
      expect(decision.allowed).toBe(false);
      expect(decision.reason).toContain('resolves to /etc/passwd');
      const r = await runSandboxed(['sh', '-c', 'echo x >> etc-link/passwd'], { policy: 'workspace-write', cwd: ws, backend: BACKEND });
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toMatch(/Read-only file system|Permission denied/);
    });
  });
});

describe.runIf(process.platform === 'linux')('denial hints from real messages', () => {
  itOn('bwrap')("bwrap: dash's `cannot create .git/config2: Read-only file system` (a relative path) names the .git entry", async () => {
    await withTempDir(async (ws) => {
      mkdirSync(join(ws, '.git'));
      writeFileSync(join(ws, '.git', 'config'), '');
      const r = await runSandboxed(['sh', '-c', 'echo x > .git/config2'], { policy: 'workspace-write', cwd: ws, backend: BACKEND });
      expect(r.stderr).toMatch(/cannot create \.git\/config2: Read-only file system/);
      expect(r.denials).toEqual([
        expect.objectContaining({ path: join(ws, '.git/config2'), access: 'write', decidedBy: expect.objectContaining({ label: ':project_roots/.git' }) }),
      ]);
    });
  });

  itOn('bwrap')("bwrap: Node's `EROFS: read-only file system, open '…'` is a write denial, found although the run exits 0", async () => {
    const script = "try { require('fs').writeFileSync('/etc/csbx-denied', 'x') } catch (e) { console.error(e.message) }";
    const r = await runSandboxed([process.execPath, '-e', script], { policy: 'read-only', backend: BACKEND });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/EROFS: read-only file system, open '\/etc\/csbx-denied'/);
    expect(r.denials).toEqual([expect.objectContaining({ path: '/etc/csbx-denied', access: 'write' })]);
  });

  itOn('bwrap')('bwrap: spawnSandboxed reports denials from its stderr on sandboxOutcome, and the caller still reads stderr', async () => {
    const child = spawnSandboxed(['sh', '-c', 'echo x > /etc/csbx-denied; echo after'], { policy: 'read-only', backend: BACKEND });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
    });
    const outcome = await child.sandboxOutcome;
    expect(stderr).toMatch(/\/etc\/csbx-denied/);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.denials).toEqual([expect.objectContaining({ path: '/etc/csbx-denied', access: 'write' })]);
  });

  it('an allowed path in a denial-looking line is not reported', async () => {
    await withTempDir(async (ws) => {
      const r = resolvePolicy('workspace-write', { cwd: ws });
      expect(findDenials(`sh: 1: cannot create out.txt: Permission denied`, r, ws, nodeHost())).toEqual([]);
    });
  });
});
