// Large and hostile inputs: 10,000 entries resolve correctly; deep or odd input never crashes.
// Times are printed, not asserted (no timing assertions on a shared machine); docs/policy.md and the
// report quote them.
import { describe, expect, it } from 'vitest';
import { explain, parsePolicyInput, resolvePolicy } from '../../../lib/policy/public-entry';
import { parsePermissionProfile } from '../../../lib/policy/parse-policy';
import { permissionProfileToPolicy } from '../../../lib/policy/profile';
import { e, restricted } from './entries';
import { fakeHost } from './fake-host';

const N = 10_000;

describe('10,000-entry policies', () => {
  it('parse and resolve a 10,000-entry profile of nested writes and denies, with correct decisions', () => {
    const entries: unknown[] = [{ path: { type: 'special', value: { kind: 'project_roots' } }, access: 'write' }];
    for (let i = 0; i < N; i++) {
      entries.push({ path: { type: 'path', path: `/w/d${i % 100}/f${i}` }, access: i % 2 === 0 ? 'deny' : 'read' });
    }
    const host = fakeHost({ dirs: ['/w'] });
    const started = performance.now();
    const profile = parsePermissionProfile({ type: 'managed', file_system: { type: 'restricted', entries }, network: 'restricted' });
    const r = resolvePolicy(permissionProfileToPolicy(profile), { cwd: '/w', host });
    const elapsed = performance.now() - started;
    expect(r.entries).toHaveLength(N + 1);
    expect(r.unreadableRoots).toHaveLength(N / 2);
    expect(r.writableRoots).toHaveLength(1);
    expect(r.writableRoots[0]!.readOnlySubpaths).toHaveLength(N + 1);
    expect(explain(r, '/w/d0/f0/x', 'read').allowed).toBe(false);
    expect(explain(r, '/w/d1/f1/x', 'read').allowed).toBe(true);
    expect(explain(r, '/w/d1/f1/x', 'write').allowed).toBe(false);
    expect(explain(r, '/w/d1/other', 'write').allowed).toBe(true);
    console.log(`parse + resolve of ${N} entries: ${elapsed.toFixed(0)} ms`);
  });

  it('10,000 nested writable roots, each reopening the one above, resolve without quadratic cost', () => {
    const entries = [e.root('read')];
    for (let i = 0; i < N; i++) entries.push(e.path(`/w/r${i}`, i % 2 === 0 ? 'write' : 'read'), e.path(`/w/r${i}/x`, 'write'));
    const started = performance.now();
    const r = resolvePolicy(restricted(entries), { cwd: '/w', host: fakeHost({ dirs: ['/w'] }) });
    const elapsed = performance.now() - started;
    expect(r.writableRoots).toHaveLength(N + N / 2);
    expect(explain(r, '/w/r1/y', 'write').allowed).toBe(false);
    expect(explain(r, '/w/r1/x/y', 'write').allowed).toBe(true);
    console.log(`resolve of ${2 * N + 1} entries with ${N + N / 2} writable roots: ${elapsed.toFixed(0)} ms`);
  });

  it('a deeply nested JSON value is a typed error, not a crash', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(() => parsePolicyInput(deep)).toThrow(expect.objectContaining({ code: 'E_POLICY_INVALID' }));
    const deepObject = `{"type":"managed","file_system":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`;
    expect(() => parsePolicyInput(deepObject)).toThrow(expect.objectContaining({ code: 'E_POLICY_INVALID' }));
  });

  it('a 10,000-entry profile with one bad entry names that entry', () => {
    const entries: unknown[] = [];
    for (let i = 0; i < N; i++) entries.push({ path: { type: 'path', path: `/p${i}` }, access: 'read' });
    entries[7777] = { path: { type: 'path', path: 'relative' }, access: 'read' };
    expect(() => parsePermissionProfile({ type: 'managed', file_system: { type: 'restricted', entries }, network: 'restricted' })).toThrow(
      expect.objectContaining({ path: ['file_system', 'entries', 7777, 'path', 'path'] }),
    );
  });
});
