// The reference's Seatbelt integration cases (docs/reference.md#conformance-cases), end to end without a Mac: a built-in
// policy resolved on a fake macOS tree, planned, and the profile evaluated for the writes the
// reference's tests attempt with a real sandbox-exec.
import { describe, expect, it } from 'vitest';
import { builtinPolicy } from '../../../lib/policy/builtin';
import { resolvePolicy } from '../../../lib/policy/public-entry';
import { planMacos } from '../../../lib/platform/macos/plan-macos';
import { evaluateSbpl } from '../../helpers/sbpl-evaluate';
import { parseSbpl } from '../../helpers/sbpl-parse';
import { canonicalPath } from '../../../lib/platform/macos/seatbelt-paths';
import { fakeMacHost, type FakeMacHost, type FakeNode } from './fake-mac-host';

const REPO = '/Users/dev/repo';

function setup(
  tree: Record<string, FakeNode>,
  writableRoots: string[] = [],
): { host: FakeMacHost; write: (p: string, create?: boolean) => boolean; params: [string, string][]; profile: string } {
  const host = fakeMacHost(tree, { TMPDIR: '/var/folders/zz/T' });
  host.add('/private/var/folders/zz/T', { kind: 'dir' });
  const resolved = resolvePolicy(builtinPolicy('workspace-write', { writableRoots }), { cwd: REPO, host });
  const plan = planMacos(resolved, { command: ['/bin/bash', '-c', 'true'], host, permissionProfile: {} });
  const items = parseSbpl(plan.profile);
  const write = (p: string, create = false): boolean =>
    evaluateSbpl(items, plan.params, { operation: create ? 'file-write-create' : 'file-write-data', path: canonicalPath(host, p), vnodeType: 'REGULAR-FILE' }).allowed;
  return { host, write, params: plan.params, profile: plan.profile };
}

describe('seatbelt end to end: workspace-write on a fake Mac', () => {
  it('seatbelt: .codex/config.toml and .git/hooks stay unwritable while the repo is writable (A13.10)', () => {
    const { write } = setup({ [`${REPO}/.git/hooks`]: { kind: 'dir' }, [`${REPO}/.codex/config.toml`]: { kind: 'file' } });
    expect(write(`${REPO}/.codex/config.toml`)).toBe(false);
    expect(write(`${REPO}/.git/hooks/pre-commit`, true)).toBe(false);
    expect(write(`${REPO}/allowed.txt`, true)).toBe(true);
  });

  it('seatbelt: a repo without .codex still cannot create it, nor .agents (A13.11)', () => {
    const { write, profile } = setup({ [`${REPO}/.git`]: { kind: 'dir' } });
    expect(write(`${REPO}/.codex`, true)).toBe(false);
    expect(write(`${REPO}/.codex/config.toml`, true)).toBe(false);
    expect(write(`${REPO}/.agents/skills/x.md`, true)).toBe(false);
    expect(profile).toContain('(require-not (regex #"^/Users/dev/repo/\\.codex(/.*)?$"))');
  });

  it('seatbelt: a .git pointer file and its gitdir config are both unwritable (A13.12)', () => {
    // The gitdir sits in another writable root under a name that is not protected by itself.
    const gitdir = '/Users/dev/elsewhere/gitdirs/repo';
    const { write, params } = setup(
      {
        [`${REPO}/.git`]: { kind: 'file', content: `gitdir: ${gitdir}\n` },
        [`${gitdir}/config`]: { kind: 'file' },
      },
      ['/Users/dev/elsewhere'],
    );
    expect(write(`${REPO}/.git`)).toBe(false);
    expect(write(`${gitdir}/config`)).toBe(false);
    expect(write('/Users/dev/elsewhere/notes.txt', true)).toBe(true);
    expect(params.map(([, v]) => v)).toContain(gitdir);
  });

  it('seatbelt: legacy defaults write the repo, canonical /tmp and $TMPDIR, with regexes for each (A13.13)', () => {
    const { write, params, profile } = setup({ [`${REPO}/.git`]: { kind: 'dir' } });
    const writable = params.filter(([k]) => /^WRITABLE_ROOT_\d+$/.test(k)).map(([, v]) => v);
    expect(writable).toStrictEqual(expect.arrayContaining([REPO, '/private/tmp', '/private/var/folders/zz/T']));
    expect(
      params
        .filter(([k]) => k.startsWith('WRITABLE_ROOT_0_EXCLUDED_'))
        .map(([, v]) => v)
        .sort(),
    ).toStrictEqual([`${REPO}/.codex`, `${REPO}/.git`]);
    for (const r of ['/Users/dev/repo', '/private/tmp', '/private/var/folders/zz/T']) {
      expect(profile).toContain(`(require-not (regex #"^${r}/\\.agents(/.*)?$"))`);
    }
    expect(write('/tmp/scratch.txt', true)).toBe(true);
    expect(write('/var/folders/zz/T/x', true)).toBe(true);
    expect(write('/tmp/.git/config', true)).toBe(false);
    expect(write('/Users/dev/other.txt', true)).toBe(false);
  });
});
