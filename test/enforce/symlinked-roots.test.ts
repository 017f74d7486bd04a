// A readable root named through a symlink, in the real sandbox: what each backend lets the
// command read, under the link's name and under the target's own name, must be what explain()
// says, or the backend must refuse. (Landlock used to grant the target under its own name too,
// even when the policy denied it.)
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { describe, expect } from 'vitest';

import { nodeHost } from '../../lib/policy/node-host';
import type { BackendName } from '../../lib/platform/common/types';
import { toSandboxPolicy } from '../../lib/platform/plan-sandbox';
import { explain, resolvePolicy } from '../../lib/policy/public-entry';
import { withTempDir } from '../helpers/temp';
import { caps, itOn, minimalEntry, pathEntry, profile, run } from './support';

function tree(t: string): void {
  mkdirSync(join(t, 'real'));
  mkdirSync(join(t, 'cwd'));
  writeFileSync(join(t, 'real', 'f'), 'data');
  symlinkSync(join(t, 'real'), join(t, 'link'));
}

const base = () => [minimalEntry(), pathEntry(dirname(caps?.helperPath ?? '/'), 'read')];

/** cat each path in the sandbox; returns readable-or-not per path, or the refusal code. */
async function reads(backend: BackendName, policy: unknown, cwd: string, paths: string[]): Promise<boolean[] | string> {
  const out: boolean[] = [];
  for (const p of paths) {
    try {
      const r = await run(backend, policy, ['cat', p], { cwd });
      out.push(r.exitCode === 0 && r.stdout === 'data');
    } catch (err) {
      return (err as { code: string }).code;
    }
  }
  return out;
}

function oracle(policy: unknown, cwd: string, paths: string[]): boolean[] {
  const resolved = resolvePolicy(toSandboxPolicy(policy, cwd, nodeHost()), { cwd });
  return paths.map((p) => explain(resolved, p, 'read').allowed);
}

describe.each<BackendName>(['bwrap', 'landlock'])('readable roots through symlinks on %s', (backend) => {
  itOn(backend)('link granted, target denied: the target stays unreadable under its own name', async () => {
    await withTempDir(async (t) => {
      tree(t);
      const policy = profile([...base(), pathEntry(join(t, 'link'), 'read'), pathEntry(join(t, 'real'), 'none')]);
      const paths = [join(t, 'real', 'f'), join(t, 'link', 'f')];
      const observed = await reads(backend, policy, join(t, 'cwd'), paths);
      if (backend === 'landlock') expect(observed).toBe('E_UNSUPPORTED_POLICY');
      else expect(observed).toEqual(oracle(policy, join(t, 'cwd'), paths));
      expect(oracle(policy, join(t, 'cwd'), paths)[0]).toBe(false);
    });
  });

  itOn(backend)('link granted alone: the target is not readable under its own name', async () => {
    await withTempDir(async (t) => {
      tree(t);
      const policy = profile([...base(), pathEntry(join(t, 'link'), 'read')]);
      const paths = [join(t, 'real', 'f'), join(t, 'link', 'f')];
      const observed = await reads(backend, policy, join(t, 'cwd'), paths);
      if (backend === 'landlock') expect(observed).toBe('E_UNSUPPORTED_POLICY');
      else expect(observed).toEqual([false, true]);
    });
  });

  itOn(backend)('link and target both granted: both names read, as explain() says', async () => {
    await withTempDir(async (t) => {
      tree(t);
      const policy = profile([...base(), pathEntry(join(t, 'link'), 'read'), pathEntry(join(t, 'real'), 'read')]);
      const paths = [join(t, 'real', 'f'), join(t, 'link', 'f')];
      expect(oracle(policy, join(t, 'cwd'), paths)).toEqual([true, true]);
      expect(await reads(backend, policy, join(t, 'cwd'), paths)).toEqual([true, true]);
    });
  });
});
