// Shrunk counterexamples from test/property/macos-explain.test.ts, kept as named cases.
import { describe, expect, it } from 'vitest';
import { explain, resolvePolicy } from '../../../lib/policy/public-entry';
import type { FileSystemEntry } from '../../../lib/policy/types';
import { checkAgreement } from './agreement';
import { fakeMacHost } from './fake-mac-host';

const root = (access: FileSystemEntry['access']): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'root' } }, access });
const path = (p: string, access: FileSystemEntry['access']): FileSystemEntry => ({ path: { type: 'path', path: p }, access });

describe('seatbelt agrees with explain(): regressions', () => {
  it('seatbelt: a protected name of a writable root nested in a writable / stays unwritable', () => {
    checkAgreement({
      cwd: '/w',
      dirs: [],
      files: [],
      entries: [path('/u', 'write'), { path: { type: 'glob_pattern', pattern: '/w/**/*.env' }, access: 'deny' }, root('write')],
      probes: ['/u/.agents', '/u/.agents/x', '/u/ok'],
    });
  });

  it('seatbelt: a writable root behind a top-level alias keeps its protected names when / is writable', () => {
    checkAgreement({
      cwd: '/w',
      dirs: [],
      files: [],
      entries: [root('write'), path('/v', 'write'), path('/w', 'read')],
      probes: ['/v/.aws', '/v/x/.git/config', '/v/ok'],
    });
  });

  it('seatbelt: a worktree gitdir that lies inside another writable root stays unwritable', () => {
    checkAgreement({
      cwd: '/w',
      dirs: [],
      files: [],
      gitdir: '/u/gd',
      entries: [path('/w', 'write'), path('/u', 'write')],
      probes: ['/u/gd', '/u/gd/config', '/w/.git', '/u/other'],
    });
  });
});

// explain(..., {host}) also decides the canonical spelling, against canonical rules: a read the
// policy grants on /v (a top-level alias, Seatbelt sees /private/v) must stay allowed.
describe('explain with a host: top-level aliases', () => {
  it('explain with a host: a read granted on /v (alias of /private/v) is allowed', () => {
    const host = fakeMacHost({ '/private/v': { kind: 'dir' }, '/v': { kind: 'symlink', target: 'private/v' } });
    const resolved = resolvePolicy({ fileSystem: { kind: 'restricted', entries: [path('/v', 'read')] }, network: 'restricted' }, { cwd: '/w', host });
    expect(explain(resolved, '/v', 'read', { host }).allowed).toBe(true);
  });
});
