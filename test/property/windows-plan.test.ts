// Property: for generated policies, planWindows either refuses with a typed error or returns a
// plain-data plan whose ACEs agree with an independent most-specific-entry oracle: every allow
// ACE is on a writable path, and every non-writable path under a writable root is behind a
// deny-write ACE. The restricted token is never planned for deny entries.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSandboxError } from '../../lib/errors';
import { planWindowsPolicy } from '../helpers/plan-windows-policy';
import type { FileSystemAccessMode, FileSystemEntry, SandboxPolicy } from '../../lib/policy/types';
import { propertySettings } from '../helpers/property-settings';

const { numRuns, seed } = propertySettings('windows plan property', { defaultRuns: 100, ciRuns: 200 });

const ENV = { TEMP: 'C:\\Temp', TMP: 'C:\\Temp', USERPROFILE: 'C:\\Users\\me' };
const PATHS = ['C:\\w', 'C:\\w\\a', 'C:\\w\\a\\b', 'C:\\w\\a\\b\\c', 'C:\\w\\docs', 'D:\\x', 'D:\\x\\y', 'C:\\Temp\\k'];
const PROBES = [...PATHS, 'C:\\w\\z', 'C:\\w\\a\\q', 'C:\\w\\a\\b\\c\\d', 'D:\\x\\y\\z', 'C:\\Temp\\k\\m'];
const access = fc.constantFrom<FileSystemAccessMode>('read', 'write', 'deny');

const entry: fc.Arbitrary<FileSystemEntry> = fc.oneof(
  fc.record({ path: fc.constantFrom(...PATHS).map((p) => ({ type: 'path' as const, path: p })), access }),
  fc.record({ path: fc.constant({ type: 'special' as const, value: { kind: 'root' as const } }), access }),
  fc.record({ path: fc.constant({ type: 'special' as const, value: { kind: 'project_roots' as const } }), access }),
  fc.record({ path: fc.constant({ type: 'special' as const, value: { kind: 'tmpdir' as const } }), access }),
  fc.record({ path: fc.constant({ type: 'special' as const, value: { kind: 'minimal' as const } }), access: fc.constant<FileSystemAccessMode>('read') }),
);

const RANK: Record<FileSystemAccessMode, number> = { read: 0, write: 1, deny: 2 };
const norm = (p: string): string[] =>
  p
    .toUpperCase()
    .split('\\')
    .filter((x) => x !== '');
const within = (child: string, parent: string): boolean => {
  const c = norm(child);
  const p = norm(parent);
  return p.length <= c.length && p.every((x, i) => x === c[i]);
};

/** The reference decision (docs/reference.md#precedence), written independently of lib/platform/windows. */
function oracle(entries: FileSystemEntry[], target: string): FileSystemAccessMode {
  let best: { depth: number; access: FileSystemAccessMode } | null = null;
  for (const e of entries) {
    const p = e.path;
    const paths =
      p.type === 'path'
        ? [p.path]
        : p.type === 'special' && p.value.kind === 'root'
          ? ['C:\\']
          : p.type === 'special' && p.value.kind === 'project_roots'
            ? ['C:\\w']
            : p.type === 'special' && p.value.kind === 'tmpdir'
              ? ['C:\\Temp']
              : [];
    for (const path of paths) {
      if (!within(target, path)) continue;
      const depth = norm(path).length;
      if (best === null || depth > best.depth || (depth === best.depth && RANK[e.access] > RANK[best.access])) best = { depth, access: e.access };
    }
  }
  return best === null ? 'deny' : best.access;
}

describe('windows planner (property)', () => {
  it('plans agree with the oracle or the policy is refused with a typed error', () => {
    let planned = 0;
    fc.assert(
      fc.property(
        // Mostly with `:root = read` first, since nearly every policy without it is refused.
        fc
          .tuple(fc.integer({ min: 0, max: 4 }), fc.array(entry, { maxLength: 7 }))
          .map(([n, es]) => (n > 0 ? [{ path: { type: 'special' as const, value: { kind: 'root' as const } }, access: 'read' as const }, ...es] : es)),
        fc.constantFrom<'restricted' | 'enabled'>('restricted', 'enabled'),
        fc.constantFrom<'auto' | 'windows-token' | 'windows-elevated'>('auto', 'windows-token', 'windows-elevated'),
        (entries, network, backend) => {
          const policy: SandboxPolicy = { fileSystem: { kind: 'restricted', entries }, network };
          let plan;
          try {
            plan = planWindowsPolicy(policy, { cwd: 'C:\\w', command: ['x.exe'], env: ENV, backend, permissionProfile: {} });
          } catch (e) {
            expect(isSandboxError(e)).toBe(true);
            expect((e as { code: string }).code).toBe('E_UNSUPPORTED_POLICY');
            return;
          }
          planned += 1;
          expect(JSON.parse(JSON.stringify(plan))).toStrictEqual(plan);
          if (plan.backend === 'windows-token') expect(entries.some((e) => e.access === 'deny')).toBe(false);
          const aces = plan.aclOps.flatMap((o) => (o.kind === 'ace' ? [o] : []));
          const writeAllows = aces.filter((a) => a.action === 'allow' && a.reason === 'writable-root');
          for (const a of writeAllows) expect(oracle(entries, a.path)).toBe('write');
          for (const probe of PROBES) {
            const root = writeAllows.find((a) => within(probe, a.path));
            if (root === undefined || oracle(entries, probe) === 'write') continue;
            const covered = aces.some((d) => d.action === 'deny' && d.reason !== 'deny-read' && within(probe, d.path) && within(d.path, root.path));
            expect(covered, `${probe} is not writable but no deny-write ACE covers it`).toBe(true);
          }
        },
      ),
      { numRuns, seed },
    );
    // The property is only meaningful if a fair share of generated policies is plannable.
    console.log(`windows plan property: ${planned} of ${numRuns} runs produced a plan`);
    expect(planned).toBeGreaterThan(numRuns / 5);
  });
});
