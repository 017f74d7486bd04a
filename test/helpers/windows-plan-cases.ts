// Generated Windows planning cases and how one is run, shared by the fixture generator
// (test/fixtures/windows-plans/generate.ts) and the replay test (test/unit/windows/plan-fixture.test.ts).
// A case is plain data (the host is named, not embedded) so the fixture can hold it; its outcome
// is the plan planSandbox returns or the refusal it throws, as data.
import fc from 'fast-check';
import { isSandboxError } from '../../lib/errors';
import { planSandbox, type PlanSandboxOptions } from '../../lib/platform/plan-sandbox';
import type { FileSystemAccessMode, FileSystemEntry, FileSystemPath, NetworkPolicy, SandboxPolicy } from '../../lib/policy/types';
import { lexicalWindowsHost, type WindowsHostView } from '../../lib/policy/windows-host';
import { fakeHost } from '../unit/policy/fake-host';

export interface WindowsPlanCase {
  policy: SandboxPolicy;
  cwd: string;
  env: Record<string, string>;
  backend: string;
  host: 'lexical' | 'aliases';
  windows: { acceptAdvisoryNetworkBlock?: boolean; revertAcesAfterRun?: boolean; codexHome?: string; helperDir?: string };
}

interface Refusal {
  code: string;
  message: string;
  path: unknown;
  value?: unknown;
  details?: unknown;
}

export type WindowsPlanOutcome = { plan: unknown } | { refusal: Refusal } | { thrown: string };

/**
 * A host that knows a few things: a junction, an 8.3 short name, a `.git` pointer and a listable
 * directory, so canonicalization, the git-root lookup and deny-glob expansion take their
 * non-lexical branches.
 */
const ALIASES: Record<string, string> = {
  'C:\\': 'C:\\',
  'C:\\w': 'C:\\w',
  'C:\\w\\link': 'D:\\real',
  'C:\\PROGRA~1': 'C:\\Program Files',
  'C:\\w\\a': 'C:\\w\\a',
  'C:\\w\\a\\.env': 'C:\\w\\a\\.env',
};
const aliasesHost: WindowsHostView = {
  finalPath: (p) => ALIASES[p] ?? Object.entries(ALIASES).find(([k]) => k.toUpperCase() === p.toUpperCase())?.[1],
  kind: (p) => (p.toUpperCase().endsWith('.ENV') || p.toUpperCase().endsWith('\\.GIT') ? 'file' : ALIASES[p] === undefined ? undefined : 'dir'),
  listDir: (p) => (p.toUpperCase() === 'C:\\W' ? ['a', 'link', '.git', 'x.key'] : p.toUpperCase() === 'C:\\W\\A' ? ['.env', 'b'] : undefined),
  readText: (p) => (p.toUpperCase() === 'C:\\W\\.GIT' ? 'gitdir: D:\\repos\\w.git\n' : undefined),
};

const HOSTS: Record<WindowsPlanCase['host'], WindowsHostView> = { lexical: lexicalWindowsHost, aliases: aliasesHost };

const access = fc.constantFrom<FileSystemAccessMode>('read', 'write', 'deny');
const PATHS = [
  'C:\\w',
  'C:\\w\\a',
  'C:\\w\\a\\b',
  'c:\\W\\A',
  'C:/w/docs',
  'C:\\w\\link\\x',
  'D:\\x',
  'C:\\PROGRA~1\\tool',
  '\\\\srv\\share\\p',
  'C:\\Temp\\k',
  'C:\\Users\\me\\.codex\\s',
];
/** Not Windows paths: E_POLICY_INVALID, drawn rarely so most policies get further. */
const BAD_PATHS = ['relative\\p', '/etc'];
const GLOBS = ['**/*.env', 'C:\\w\\*.key', '~/secret/*', 'sub/*.txt', 'C:\\w\\a\\**', '\\\\srv\\share\\*.pem'];
const SUBPATHS = [undefined, 'docs', 'a\\b', '.', '..\\up', 'C:\\abs', ''];

const fsPath: fc.Arbitrary<FileSystemPath> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...PATHS).map((path) => ({ type: 'path' as const, path })) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_PATHS).map((path) => ({ type: 'path' as const, path })) },
  { weight: 6, arbitrary: fc.constantFrom(...GLOBS).map((pattern) => ({ type: 'glob_pattern' as const, pattern })) },
  { weight: 6, arbitrary: fc.constant({ type: 'special' as const, value: { kind: 'root' as const } }) },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(...SUBPATHS)
      .map((subpath) => ({ type: 'special' as const, value: subpath === undefined ? { kind: 'project_roots' as const } : { kind: 'project_roots' as const, subpath } })),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom('minimal', 'tmpdir', 'slash_tmp').map((kind) => ({ type: 'special' as const, value: { kind } as { kind: 'minimal' | 'tmpdir' | 'slash_tmp' } })),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'special' as const, value: { kind: 'unknown' as const, path: ':future' } }) },
);

const entry: fc.Arbitrary<FileSystemEntry> = fc.tuple(fsPath, access, fc.boolean(), fc.integer({ min: 0, max: 9 })).map(([path, mode, skip, n]) => {
  // A glob takes deny only (anything else is E_POLICY_INVALID, covered once in ten).
  const a = path.type === 'glob_pattern' && n > 0 ? 'deny' : mode;
  return skip && n < 2 ? { path, access: a, missingPathBehavior: 'skip' as const } : { path, access: a };
});

const ROOT_READ: FileSystemEntry = { path: { type: 'special', value: { kind: 'root' } }, access: 'read' };

const network: fc.Arbitrary<NetworkPolicy> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom<NetworkPolicy>('restricted', 'enabled') },
  { weight: 1, arbitrary: fc.constant<NetworkPolicy>({ mode: 'proxied', allowedDomains: ['example.com'], deniedDomains: [], allowLocalBinding: false, unixSockets: [] }) },
);

const policy: fc.Arbitrary<SandboxPolicy> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.array(entry, { maxLength: 6 }), network, fc.option(fc.integer({ min: 1, max: 4 }), { freq: 5 }))
      .map(([n, es, net, depth]) => ({
        // Mostly with `:root = read` first, since most policies without it are refused.
        fileSystem: { kind: 'restricted' as const, entries: n > 0 ? [ROOT_READ, ...es] : es, ...(depth === null ? {} : { globScanMaxDepth: depth }) },
        network: net,
      })),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('unrestricted' as const, 'external-sandbox' as const), network).map(([kind, net]) => ({ fileSystem: { kind }, network: net })) },
);

const ENVS: Record<string, string>[] = [
  { TEMP: 'C:\\Temp', TMP: 'C:\\Temp', USERPROFILE: 'C:\\Users\\me' },
  { TEMP: 'C:\\Temp', TMP: 'D:\\tmp', USERPROFILE: 'C:\\Users\\me', SSH_CONNECTION: '1 2 3 4', HTTPS_PROXY: 'http://127.0.0.1:8080' },
  { TMP: 'relative', USERPROFILE: 'C:\\w\\home' },
  {},
];

export const windowsPlanCase: fc.Arbitrary<WindowsPlanCase> = fc.record({
  policy,
  cwd: fc.oneof({ weight: 20, arbitrary: fc.constantFrom('C:\\w', 'C:\\w', 'C:\\w', 'c:\\W\\', '\\\\srv\\share\\w') }, { weight: 1, arbitrary: fc.constant('/home/me') }),
  env: fc.constantFrom(...ENVS),
  backend: fc.oneof({ weight: 20, arbitrary: fc.constantFrom('auto', 'auto', 'windows-token', 'windows-elevated') }, { weight: 1, arbitrary: fc.constant('seatbelt') }),
  host: fc.constantFrom<WindowsPlanCase['host']>('lexical', 'aliases'),
  windows: fc.record(
    {
      acceptAdvisoryNetworkBlock: fc.boolean(),
      revertAcesAfterRun: fc.boolean(),
      codexHome: fc.oneof({ weight: 10, arbitrary: fc.constantFrom('C:\\Users\\me\\.codex', 'C:\\w\\.codex') }, { weight: 1, arbitrary: fc.constant('not-absolute') }),
      helperDir: fc.constantFrom('C:\\w\\bin', 'D:\\tools'),
    },
    { requiredKeys: [] },
  ),
});

/** The plan planSandbox makes for the case, or its refusal, as JSON-comparable data. */
export function runWindowsPlanCase(c: WindowsPlanCase): WindowsPlanOutcome {
  const opts: PlanSandboxOptions = {
    platform: 'windows',
    cwd: c.cwd,
    backend: c.backend as PlanSandboxOptions['backend'],
    command: ['cmd.exe', '/c', 'echo hi'],
    env: c.env,
    // Only a legacy policy would read the POSIX host; a typed one never does.
    host: fakeHost({}),
    windows: { ...c.windows, host: HOSTS[c.host] },
  };
  try {
    return { plan: JSON.parse(JSON.stringify(planSandbox(c.policy, opts))) };
  } catch (e) {
    if (!isSandboxError(e)) return { thrown: String(e) };
    const refusal: Refusal = { code: e.code, message: e.message, path: e.path };
    if (e.value !== undefined) refusal.value = JSON.parse(JSON.stringify(e.value));
    if (e.details !== undefined) refusal.details = JSON.parse(JSON.stringify(e.details));
    return { refusal };
  }
}
