// The policy-core parts of docs/reference.md#conformance-cases (the TOML parsing itself is lib/config's).
import { describe, expect, it } from 'vitest';
import { explain, resolvePolicy, withAdditionalReadableRoots } from '../../../lib/policy/public-entry';
import { restricted } from './entries';
import { fakeHost } from './fake-host';

describe('policy parts of config (docs/reference.md#permission-profiles-in-config)', () => {
  it('restricted_read_implicitly_allows_helper_executables: the zsh path and the active arg0 session dir are readable, a sibling session is not', () => {
    const host = fakeHost({
      dirs: ['/w', '/home/u/.codex/tmp/arg0/session-a', '/home/u/.codex/tmp/arg0/session-b'],
      files: { '/usr/local/bin/zsh': '' },
    });
    const empty = restricted([]);
    const withHelpers = withAdditionalReadableRoots(empty, '/w', ['/usr/local/bin/zsh', '/home/u/.codex/tmp/arg0/session-a'], host);
    const r = resolvePolicy(withHelpers, { cwd: '/w', host });
    expect(explain(r, '/usr/local/bin/zsh', 'read').allowed).toBe(true);
    expect(explain(r, '/home/u/.codex/tmp/arg0/session-a/apply_patch', 'read').allowed).toBe(true);
    expect(explain(r, '/home/u/.codex/tmp/arg0/session-b/apply_patch', 'read').allowed).toBe(false);
    expect(explain(r, '/w/file', 'read').allowed).toBe(false);
  });

  it('a profile with no entries compiles to a restricted policy that denies everything', () => {
    const r = resolvePolicy(restricted([]), { cwd: '/w', host: fakeHost({ dirs: ['/w'] }) });
    expect(explain(r, '/w', 'read')).toMatchObject({ allowed: false, decidedBy: { kind: 'default-deny' } });
    expect(r.fullDiskRead).toBe(false);
  });

  it('with_additional_readable_roots is a no-op under full read', () => {
    const policy = restricted([{ path: { type: 'special', value: { kind: 'root' } }, access: 'read' }]);
    expect(withAdditionalReadableRoots(policy, '/w', ['/x'], fakeHost({ dirs: ['/w'] }))).toBe(policy);
  });
});
