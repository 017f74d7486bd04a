// A writable root that does not exist yet (issue #20, item 9). explain() protects `.git` and the
// other metadata names under every writable root, existing or not; the command could create a
// missing root inside the workspace and then write `build/.git/hooks/pre-commit`. The sandbox
// must deny that as explain() does, keep `build` itself writable, and leave no stub behind.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { explain, parsePolicyInput, resolvePolicy } from '../../lib/index';
import { makeFixture } from './harness/fixture';
import { loadSandboxApi } from './harness/sandbox-api';

const policyFor = (ws: string): Record<string, unknown> => ({
  type: 'workspace-write',
  writable_roots: [join(ws, 'build')],
  network_access: false,
  exclude_tmpdir_env_var: true,
  exclude_slash_tmp: true,
});

const ATTACK = 'mkdir -p build/.git/hooks; echo "echo pwned" > build/.git/hooks/pre-commit; echo built > build/ordinary-file; exit 0';

describe.runIf(process.platform === 'linux')('missing writable root under a writable workspace', () => {
  it('bwrap, missing writable root <ws>/build: the command cannot create build/.git/hooks/pre-commit, as explain() says; build/ordinary-file is written and kept', async () => {
    const fx = makeFixture('missingroot');
    try {
      const resolved = resolvePolicy(parsePolicyInput(policyFor(fx.ws)), { cwd: fx.ws });
      expect(explain(resolved, join(fx.ws, 'build/.git/hooks/pre-commit'), 'write').allowed).toBe(false);
      expect(explain(resolved, join(fx.ws, 'build/ordinary-file'), 'write').allowed).toBe(true);

      const res = await loadSandboxApi().runSandboxed(['/bin/sh', '-c', ATTACK], { cwd: fx.ws, permissionProfile: policyFor(fx.ws), backend: 'bwrap' });
      expect(res.exitCode, res.stderr).toBe(0);
      expect(existsSync(join(fx.ws, 'build/.git/hooks/pre-commit')), 'the hook landed on the host').toBe(false);
      expect(readFileSync(join(fx.ws, 'build/ordinary-file'), 'utf8')).toBe('built\n');
      expect(readdirSync(join(fx.ws, 'build')), 'stubs left in build').toEqual(['ordinary-file']);
    } finally {
      fx.remove();
    }
  });

  it('bwrap, missing writable root <ws>/build and a command that writes nothing: no build is left after the run', async () => {
    const fx = makeFixture('missingroot');
    try {
      const res = await loadSandboxApi().runSandboxed(['/bin/true'], { cwd: fx.ws, permissionProfile: policyFor(fx.ws), backend: 'bwrap' });
      expect(res.exitCode, res.stderr).toBe(0);
      expect(existsSync(join(fx.ws, 'build'))).toBe(false);
    } finally {
      fx.remove();
    }
  });

  it('unsandboxed control: the same command does create the hook, so the check above can see it', async () => {
    const fx = makeFixture('missingroot');
    try {
      const { execFileSync } = await import('node:child_process');
      execFileSync('/bin/sh', ['-c', ATTACK], { cwd: fx.ws });
      expect(existsSync(join(fx.ws, 'build/.git/hooks/pre-commit'))).toBe(true);
    } finally {
      fx.remove();
    }
  });
});
