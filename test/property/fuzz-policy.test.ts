// Fuzzing the policy entry points (issue #7, docs/reference.md#hostile-input): any JSON value, any text, and
// well-formed policies carrying hostile paths either parse and resolve to absolute, normalized,
// deterministic entries, or are refused with E_POLICY_INVALID and a one-line message.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseFileSystemSandboxPolicy, parseLegacySandboxPolicy, parsePermissionProfile, parsePolicyInput, resolvePolicy } from '../../lib/index';
import { makeTempDir } from '../helpers/temp';
import { badErrorShape, fuzzParams, hostilePath } from '../security/harness/fuzz-settings';

const POLICY_CODES = ['E_POLICY_INVALID'];
const PARSERS: [string, (v: unknown) => unknown][] = [
  ['parsePolicyInput', (v) => parsePolicyInput(v)],
  ['parsePermissionProfile', (v) => parsePermissionProfile(v)],
  ['parseLegacySandboxPolicy', (v) => parseLegacySandboxPolicy(v)],
  ['parseFileSystemSandboxPolicy', (v) => parseFileSystemSandboxPolicy(v)],
];

/** Runs fn; returns null when it returned or threw a well-formed user error, else what was wrong. */
function outcome(fn: () => unknown, codes = POLICY_CODES): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return badErrorShape(err, codes);
  }
}

const hasNul = (p: string): boolean => p.includes('\0');
const hasLoneSurrogate = (p: string): boolean => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(p);
const tooLong = (p: string): boolean => Buffer.byteLength(p) > 4096;

let cwdDir: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  cwdDir = makeTempDir('fuzz-policy');
});
afterAll(() => cwdDir.remove());

describe('fuzz: policy parsers', () => {
  for (const [name, parse] of PARSERS) {
    it(`${name}: any JSON value or text parses or fails with E_POLICY_INVALID on one line`, () => {
      const input = fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.string(),
        fc.string().map((s) => `{"type":${JSON.stringify(s)}}`),
      );
      fc.assert(
        fc.property(input, (v) => {
          expect(outcome(() => parse(v))).toBeNull();
        }),
        fuzzParams(`fuzz ${name}`),
      );
    });
  }

  it('an unknown key anywhere in a valid policy is an error, never dropped', () => {
    const key = fc
      .string({ minLength: 1, maxLength: 12 })
      .filter(
        (k) => !['type', 'network', 'file_system', 'entries', 'path', 'access', 'value', 'kind', 'glob_scan_max_depth', 'missing_path_behavior', 'subpath', 'pattern'].includes(k),
      );
    fc.assert(
      fc.property(key, fc.constantFrom('top', 'file_system', 'entry', 'path'), (k, where) => {
        const entry: Record<string, unknown> = { path: { type: 'path', path: '/tmp' }, access: 'read' };
        const fileSystem: Record<string, unknown> = { type: 'restricted', entries: [entry] };
        const profile: Record<string, unknown> = { type: 'managed', file_system: fileSystem, network: 'restricted' };
        const target = where === 'top' ? profile : where === 'file_system' ? fileSystem : where === 'entry' ? entry : (entry.path as Record<string, unknown>);
        // defineProperty, not assignment: `target.__proto__ = 1` would set no key at all, while
        // JSON.parse('{"__proto__":1}') makes an own key the parser must reject.
        Object.defineProperty(target, k, { value: 1, enumerable: true, writable: true, configurable: true });
        let err: unknown;
        try {
          parsePermissionProfile(profile);
        } catch (e) {
          err = e;
        }
        expect(err, `unknown key ${JSON.stringify(k)} in ${where} was accepted`).toBeDefined();
        expect(badErrorShape(err, POLICY_CODES)).toBeNull();
      }),
      fuzzParams('fuzz unknown keys'),
    );
  });

  it('hostile paths (NUL, > 4096 bytes, lone surrogates, .., ~user, trailing /, duplicates) are refused or resolve to absolute, normalized, deterministic entries', () => {
    const access = fc.constantFrom('read', 'write', 'deny', 'none');
    const policy = fc.oneof(
      fc.array(hostilePath(), { minLength: 1, maxLength: 4 }).map((roots) => ({
        type: 'workspace-write',
        writable_roots: [...roots, ...roots.slice(0, 1)],
        network_access: false,
      })),
      fc.array(fc.tuple(hostilePath(), access), { minLength: 1, maxLength: 4 }).map((entries) => ({
        type: 'managed',
        file_system: {
          type: 'restricted',
          entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'read' }, ...entries.map(([path, a]) => ({ path: { type: 'path', path }, access: a }))],
        },
        network: 'restricted',
      })),
    );
    fc.assert(
      fc.property(policy, (input) => {
        const paths = 'writable_roots' in input ? input.writable_roots : input.file_system.entries.slice(1).map((e) => (e.path as { path: string }).path);
        let resolved: ReturnType<typeof resolvePolicy> | undefined;
        let err: unknown;
        try {
          resolved = resolvePolicy(parsePolicyInput(input), { cwd: cwdDir.path });
        } catch (e) {
          err = e;
        }
        if (err !== undefined) {
          expect(badErrorShape(err, POLICY_CODES)).toBeNull();
          return;
        }
        // docs/reference.md#hostile-input: these cannot name the file the user meant; accepting them would enforce something else.
        const unrepresentable = paths.filter((p) => hasNul(p) || hasLoneSurrogate(p) || tooLong(p));
        expect(unrepresentable, 'paths that must be refused were accepted').toEqual([]);
        const r = resolved as ReturnType<typeof resolvePolicy>;
        for (const e of r.entries) {
          expect(e.path.startsWith('/'), `not absolute: ${e.path}`).toBe(true);
          expect(e.path.split('/').includes('..'), `not normalized: ${e.path}`).toBe(false);
          expect(e.path === '/' || !e.path.endsWith('/'), `trailing slash: ${e.path}`).toBe(true);
        }
        expect(resolvePolicy(parsePolicyInput(input), { cwd: cwdDir.path })).toEqual(r);
      }),
      fuzzParams('fuzz hostile paths'),
    );
  });
});
