// Property: for generated policies and paths, the generated Seatbelt profile (parsed and evaluated
// with Seatbelt's rule-order semantics) decides file reads and writes exactly as explain() does.
// This is the macOS backend's stand-in for running probes in a real sandbox: no Mac is needed,
// and the model's assumptions about Seatbelt are listed in docs/platforms/macos.md. Shrunk
// counterexamples become named cases in test/unit/macos/agreement-regressions.test.ts.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { FileSystemAccessMode, FileSystemEntry } from '../../lib/policy/types';
import { type AgreementScenario, checkAgreement } from '../unit/macos/agreement';
import { propertySettings } from '../helpers/property-settings';

const { numRuns: NUM_RUNS, seed: SEED } = propertySettings('macos property', { defaultRuns: 500, runsVar: 'CSBX_PROPERTY_RUNS_MACOS' });

const OPTIONAL_DIRS = ['/w/a', '/w/a/b', '/w/.git', '/w/.codex', '/w/.agents', '/w/b', '/v/x/a', '/v/x/.git', '/u/a'];
const OPTIONAL_FILES = ['/w/a/f', '/w/f', '/v/x/f', '/w/.aws'];
const PATHS = ['/tmp/w', '/tmp', '/w', '/w/a', '/w/a/b', '/w/b', '/w/.git', '/w/.codex', '/w/a/f', '/v', '/v/x', '/v/x/a', '/v/x/.git', '/u', '/u/a', '/u/gd'];
const SUBPATHS = ['a', 'a/b', '.git', '.codex', '.agents', 'b'];
const GLOBS = ['/w/**/*.env', '/w/a/*', '/w/?', '/v/x/**/f', '/w/{a,b}/f', '/w/[ab]/*', '/w/[!a]*', '/u/**', '/w/a/**', '/w/*/b', '/w/{a,b', '/w/[^.]*'];
const LEAVES = ['a', 'b', 'f', '.git', '.codex', '.agents', '.aws', 'x.env', 'gd'];
const ACCESS: FileSystemAccessMode[] = ['read', 'write', 'deny'];

const access = fc.constantFrom(...ACCESS);
const pathEntry = fc.tuple(fc.constantFrom(...PATHS), access).map(([path, a]): FileSystemEntry => ({ path: { type: 'path', path }, access: a }));
const entry: fc.Arbitrary<FileSystemEntry> = fc.oneof(
  access.map((a): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'root' } }, access: a })),
  fc.constant<FileSystemEntry>({ path: { type: 'special', value: { kind: 'minimal' } }, access: 'read' }),
  fc.tuple(fc.constantFrom('tmpdir' as const, 'slash_tmp' as const), access).map(([kind, a]): FileSystemEntry => ({ path: { type: 'special', value: { kind } }, access: a })),
  fc.tuple(fc.option(fc.constantFrom(...SUBPATHS), { nil: undefined }), access).map(
    ([subpath, a]): FileSystemEntry => ({
      path: { type: 'special', value: subpath === undefined ? { kind: 'project_roots' } : { kind: 'project_roots', subpath } },
      access: a,
    }),
  ),
  pathEntry,
  pathEntry,
  fc.constantFrom(...GLOBS).map((pattern): FileSystemEntry => ({ path: { type: 'glob_pattern', pattern }, access: 'deny' })),
);
const probe = fc
  .tuple(fc.constantFrom('/', '/w', '/v', '/v/x', '/u', '/u/gd', '/tmp', '/tmp/w', '/var/folders/t/T'), fc.array(fc.constantFrom(...LEAVES), { maxLength: 3 }))
  .map(([base, rest]) => (rest.length === 0 ? base : `${base === '/' ? '' : base}/${rest.join('/')}`));

const scenario: fc.Arbitrary<AgreementScenario> = fc
  .record({
    cwd: fc.constantFrom('/w', '/v/x'),
    dirs: fc.subarray(OPTIONAL_DIRS),
    files: fc.subarray(OPTIONAL_FILES),
    gitPointer: fc.boolean(),
    entries: fc.array(entry, { maxLength: 6 }),
    probes: fc.array(probe, { minLength: 1, maxLength: 8 }),
  })
  .map(({ gitPointer, dirs, ...rest }) => (gitPointer ? { ...rest, dirs: dirs.filter((d) => d !== '/w/.git'), gitdir: '/u/gd' } : { ...rest, dirs }));

describe('property: seatbelt profile decisions equal explain()', () => {
  it(`seatbelt: generated profiles agree with explain() on file reads and writes (${NUM_RUNS} runs)`, () => {
    console.log(`macos property: seed=${SEED} numRuns=${NUM_RUNS} (CSBX_PROPERTY_SEED, CSBX_PROPERTY_RUNS_MACOS)`);
    fc.assert(fc.property(scenario, checkAgreement), { seed: SEED, numRuns: NUM_RUNS });
  });
});
