// The Landlock planner and roots reached through symlinks: a Landlock rule attaches to the
// directory the path resolves to, so it also grants that target under its own name. The planner
// accepts such a grant only when the policy grants the target as well (real temporary trees).
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isSandboxError } from '../../../lib/errors';
import type { LinuxPlan } from '../../../lib/platform/linux/plan';
import { planSandbox } from '../../../lib/platform/plan-sandbox';
import { makeTempDir } from '../../helpers/temp';
import { capsFixture } from './fixtures';

let tmp: { path: string; remove: () => void };
let t: string;
beforeEach(() => {
  tmp = makeTempDir('landlock-link');
  t = tmp.path;
  mkdirSync(join(t, 'real'));
  mkdirSync(join(t, 'cwd'));
  symlinkSync(join(t, 'real'), join(t, 'link'));
});
afterEach(() => tmp.remove());

type Access = 'read' | 'write' | 'none';
const entry = (path: string, access: Access) => ({ path: { type: 'path', path }, access });
const minimal = { path: { type: 'special', value: { kind: 'minimal' } }, access: 'read' };

function landlockPlan(entries: unknown[]): LinuxPlan {
  const policy = { type: 'managed', file_system: { type: 'restricted', entries }, network: 'restricted' };
  return planSandbox(policy, {
    platform: 'linux',
    cwd: join(t, 'cwd'),
    capabilities: capsFixture({ landlock: { status: 'available', abi: 7 } }),
    backend: 'landlock',
    command: ['true'],
  });
}

function refusal(entries: unknown[]): { code: string; message: string } {
  try {
    landlockPlan(entries);
  } catch (err) {
    if (isSandboxError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('Landlock rules on symlinked roots', () => {
  it('a read root that is a symlink to a path the policy does not grant is refused, naming both', () => {
    const r = refusal([minimal, entry(join(t, 'link'), 'read')]);
    expect(r.code).toBe('E_UNSUPPORTED_POLICY');
    expect(r.message).toBe(
      `the Landlock backend cannot represent this policy: ${join(t, 'link')} resolves to ${join(t, 'real')} through a symlink, so a Landlock rule would also grant read on ${join(t, 'real')} itself, which the policy does not; name ${join(t, 'real')} in the policy instead of the link, or use --backend namespaces or bwrap (or auto)`,
    );
  });

  it('a symlink to a path the policy denies is refused (the deny would not hold)', () => {
    expect(refusal([minimal, entry(join(t, 'link'), 'read'), entry(join(t, 'real'), 'none')]).message).toContain(`grant read on ${join(t, 'real')} itself`);
  });

  it('a root below a symlinked ancestor is checked the same way', () => {
    mkdirSync(join(t, 'real', 'sub'));
    expect(refusal([minimal, entry(join(t, 'link', 'sub'), 'read')]).message).toContain(`resolves to ${join(t, 'real', 'sub')}`);
  });

  it('a symlink whose target the policy grants too is planned, with a rule for each name', () => {
    const p = landlockPlan([minimal, entry(join(t, 'link'), 'read'), entry(join(t, 'real'), 'read')]);
    if (p.backend !== 'landlock') throw new Error('expected landlock');
    expect(p.landlockRules.map((r) => r.path)).toStrictEqual(expect.arrayContaining([join(t, 'link'), join(t, 'real')]));
  });

  it('a symlink under a root that is read in full needs nothing more (the target is readable anyway)', () => {
    const root = { path: { type: 'special', value: { kind: 'root' } }, access: 'read' };
    expect(landlockPlan([root, entry(join(t, 'link'), 'read')]).backend).toBe('landlock');
  });
});
