// The agreement check shared by the macOS property test and its named regression cases: plan a
// Seatbelt profile for a policy on a fake macOS tree, parse it, and require that evaluating it
// decides every probe's reads and writes as explain() does.
import { expect } from 'vitest';
import { explain, resolvePolicy } from '../../../lib/policy/public-entry';
import { ancestors, isWithin } from '../../../lib/policy/paths';
import type { FileSystemEntry, SandboxPolicy } from '../../../lib/policy/types';
import { planMacos } from '../../../lib/platform/macos/plan-macos';
import { evaluateSbpl } from '../../helpers/sbpl-evaluate';
import { parseSbpl } from '../../helpers/sbpl-parse';
import { renderSbpl } from '../../../lib/platform/macos/sbpl-render';
import { canonicalPath } from '../../../lib/platform/macos/seatbelt-paths';
import { fakeMacHost, type FakeNode } from './fake-mac-host';

export interface AgreementScenario {
  cwd: string;
  /** Directories to create; /v/... lives at /private/v/... behind the top-level alias /v. */
  dirs: string[];
  files: string[];
  /** When set, /w/.git is a worktree pointer file to this directory (created). */
  gitdir?: string;
  entries: FileSystemEntry[];
  probes: string[];
}

const SCRATCH = ['/private/tmp', '/private/var/tmp'];

const real = (p: string): string => p.replace(/^\/v(\/|$)/, '/private/v$1');

export function checkAgreement(s: AgreementScenario): void {
  const tree: Record<string, FakeNode> = {
    '/w': { kind: 'dir' },
    '/u': { kind: 'dir' },
    '/private/v/x': { kind: 'dir' },
    '/v': { kind: 'symlink', target: 'private/v' },
    '/private/var/folders/t/T': { kind: 'dir' },
  };
  for (const d of s.dirs) tree[real(d)] = { kind: 'dir' };
  for (const f of s.files) if (tree[real(f)] === undefined) tree[real(f)] = { kind: 'file' };
  if (s.gitdir !== undefined) {
    tree[real(s.gitdir)] = { kind: 'dir' };
    tree['/w/.git'] = { kind: 'file', content: `gitdir: ${s.gitdir}\n` };
  }
  const host = fakeMacHost(tree, { TMPDIR: '/var/folders/t/T' });
  const policy: SandboxPolicy = { fileSystem: { kind: 'restricted', entries: s.entries }, network: 'restricted' };
  const resolved = resolvePolicy(policy, { cwd: s.cwd, host });
  const plan = planMacos(resolved, { command: ['/bin/true'], host, permissionProfile: {} });
  const items = parseSbpl(plan.profile);
  expect(renderSbpl(items)).toBe(plan.profile);
  for (const raw of s.probes) {
    const seen = canonicalPath(host, raw);
    // With :minimal the profile also allows the literal `/` (getcwd) and the scratch directories,
    // which explain() does not model (a documented difference, docs/reference.md#seatbelt-preferences-and-defaults).
    if (resolved.includePlatformDefaults && (seen === '/' || SCRATCH.some((d) => isWithin(seen, d)))) continue;
    // Nothing can exist below a file (ENOTDIR), and a writable root that is a file is matched as a
    // literal (docs/reference.md#seatbelt-paths), so such probes ask about paths no operation can reach.
    if (
      ancestors(seen)
        .slice(1)
        .some((a) => host.stat(a) === 'file')
    )
      continue;
    const checks: ['read' | 'write', string][] = [
      ['read', 'file-read-data'],
      ['write', 'file-write-data'],
      ['write', 'file-write-create'],
      ['write', 'file-write-unlink'],
    ];
    for (const [kind, operation] of checks) {
      const expected = explain(resolved, raw, kind);
      const verdict = evaluateSbpl(items, plan.params, { operation, path: seen, vnodeType: 'REGULAR-FILE' });
      if (verdict.allowed !== expected.allowed) {
        const decidingRule = renderSbpl([items[verdict.ruleIndex]]).trim();
        throw new Error(
          [
            `seatbelt disagrees with explain() on ${operation} ${raw} (seen by Seatbelt as ${seen})`,
            `explain: ${expected.allowed ? 'allowed' : 'denied'} (${expected.reason})`,
            `profile: ${verdict.allowed ? 'allowed' : 'denied'} by ${decidingRule}`,
            `scenario: ${JSON.stringify(s)}`,
            `params: ${JSON.stringify(plan.params)}`,
          ].join('\n'),
        );
      }
    }
  }
}
