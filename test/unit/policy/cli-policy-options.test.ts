// The shared policy options: parsing, conflicts, and the policy they select.
import { describe, expect, it } from 'vitest';
import { parsePolicyOptions, policyFromOptions } from '../../../lib/cli/policy-options';
import { builtinProfilePolicy } from '../../../lib/policy/builtin';
import { explain, resolvePolicy } from '../../../lib/policy/public-entry';
import type { SandboxPolicy } from '../../../lib/policy/types';
import { fakeHost } from './fake-host';
import { e, restricted } from './entries';

const ctx = { processCwd: '/proc', env: { HOME: '/home/u' } };
const select = (argv: string[]) => policyFromOptions(parsePolicyOptions(argv).options, ctx);

describe('parsePolicyOptions', () => {
  it('takes every policy option, in both --flag value and --flag=value forms, and leaves the rest in order', () => {
    const { options, rest } = parsePolicyOptions(
      [
        '--cwd',
        '/w',
        'PATH',
        '--sandbox=workspace-write',
        '--writable-root',
        '/a',
        '--writable-root=/b',
        '--no-network',
        '-c',
        'k=v',
        '--backend',
        'bwrap',
        '--codex-home',
        '/ch',
        '--json',
        '--',
        'cmd',
        '--sandbox',
      ],
      {},
    );
    expect(options).toMatchObject({
      cwd: '/w',
      sandbox: 'workspace-write',
      writableRoots: ['/a', '/b'],
      network: false,
      configOverrides: ['k=v'],
      backend: 'bwrap',
      codexHome: '/ch',
    });
    expect(rest).toStrictEqual(['PATH', '--json', '--', 'cmd', '--sandbox']);
  });

  it("keeps a command's own value flags with their values", () => {
    expect(parsePolicyOptions(['--access', 'write', 'p', '--access=read'], { valueFlags: ['--access'] }).rest).toStrictEqual(['--access', 'write', 'p', '--access=read']);
  });

  it('bad values, missing values, duplicates and --network with --no-network are UsageErrors', () => {
    expect(() => parsePolicyOptions(['--sandbox', 'open'])).toThrow('invalid value "open" for --sandbox; use one of read-only, workspace-write, danger-full-access');
    expect(() => parsePolicyOptions(['--backend', 'docker'])).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => parsePolicyOptions(['--cwd'])).toThrow('--cwd needs a value');
    expect(() => parsePolicyOptions(['--cwd', '/a', '--cwd', '/b'])).toThrow('--cwd was given twice; pass it once');
    expect(() => parsePolicyOptions(['--network', '--no-network'])).toThrow('--network and --no-network conflict; pass one of them');
    expect(() => parsePolicyOptions(['-c', 'novalue'])).toThrow('-c expects key=value, got "novalue"');
    expect(() => parsePolicyOptions(['--network=yes'])).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });
});

describe('policyFromOptions', () => {
  it('no policy option is read-only with a restricted network, at the process cwd', () => {
    expect(select([])).toStrictEqual({ policy: restricted([e.root('read')]), cwd: '/proc', origin: 'default (read-only)' });
  });

  it('--sandbox with --network and writable roots (relative to --cwd, ~ expanded)', () => {
    const out = select(['--cwd', 'w', '--sandbox', 'workspace-write', '--network', '--writable-root', 'extra', '--writable-root', '~/x']);
    expect(out.cwd).toBe('/proc/w');
    expect(out.origin).toBe('--sandbox workspace-write');
    // The reference's form: the writable roots are project roots, bound in place with cwd.
    const path = (p: string, access: 'read' | 'write', skip = false) => ({ path: { type: 'path', path: p }, access, ...(skip ? { missingPathBehavior: 'skip' } : {}) });
    const all = ['/proc/w', '/proc/w/extra', '/home/u/x'];
    expect(out.policy).toStrictEqual({
      fileSystem: {
        kind: 'restricted',
        entries: [
          { path: { type: 'special', value: { kind: 'root' } }, access: 'read' },
          ...all.map((r) => path(r, 'write')),
          { path: { type: 'special', value: { kind: 'slash_tmp' } }, access: 'write' },
          { path: { type: 'special', value: { kind: 'tmpdir' } }, access: 'write' },
          ...all.slice(1).map((r) => path(r, 'write')),
          ...['.git', '.agents', '.codex', '.aws'].flatMap((n) => all.map((r) => path(`${r}/${n}`, 'read', true))),
        ],
      },
      network: 'enabled',
    });
  });

  it('--permission-profile parses the JSON, naming the flag on errors', () => {
    expect(select(['--permission-profile', '{"type":"disabled"}']).policy).toStrictEqual({ fileSystem: { kind: 'unrestricted' }, network: 'enabled' });
    expect(() => select(['--permission-profile', '{"type":'])).toThrow(/malformed JSON .*\(--permission-profile\)/);
  });

  it('built-in --permissions names resolve to the built-in profiles; an unknown built-in is a usage error', () => {
    // Compared by decisions, not entry lists, so the config module may compile the expansion itself.
    const host = fakeHost({ dirs: ['/proc/.git', '/tmp'] });
    const decide = (p: SandboxPolicy) => {
      const r = resolvePolicy(p, { cwd: '/proc', host });
      return ['/proc/src/a', '/proc/.git/config', '/proc/.codex/c', '/proc/.aws/c', '/tmp/x', '/etc/x'].map((x) => [explain(r, x, 'read').allowed, explain(r, x, 'write').allowed]);
    };
    const workspace = select(['--permissions', ':workspace', '--network']).policy;
    expect(workspace.network).toBe('enabled');
    expect(decide(workspace)).toStrictEqual(decide(builtinProfilePolicy(':workspace', 'enabled')));
    expect(select(['--permissions', ':danger-full-access', '--no-network']).policy).toStrictEqual({ fileSystem: { kind: 'unrestricted' }, network: 'restricted' });
    expect(() => select(['--permissions', ':bogus'])).toThrow('--permissions refers to unknown built-in profile `:bogus`');
  });

  it('--writable-root without a policy option chooses workspace-write (the README example)', () => {
    const alone = select(['--writable-root', '/x', '--network']);
    expect(alone.origin).toBe('--sandbox workspace-write');
    expect(alone.policy.network).toBe('enabled');
    expect(alone.policy).toStrictEqual(select(['--sandbox', 'workspace-write', '--writable-root', '/x', '--network']).policy);
  });

  it('conflicting options name both flags', () => {
    expect(() => select(['--sandbox', 'read-only', '--permission-profile', '{"type":"disabled"}'])).toThrow(
      '--sandbox and --permission-profile conflict: each chooses the whole policy; pass only one',
    );
    expect(() => select(['--permissions', ':workspace', '--sandbox', 'read-only'])).toThrow(/--sandbox and --permissions conflict/);
    expect(() => select(['--permission-profile', '{"type":"disabled"}', '--network'])).toThrow('--permission-profile and --network conflict');
    expect(() => select(['--permissions', ':read-only', '--writable-root', '/x'])).toThrow('--writable-root needs --sandbox workspace-write, not --permissions');
    expect(() => select(['--sandbox', 'read-only', '--writable-root', '/x'])).toThrow('--writable-root needs --sandbox workspace-write, not --sandbox');
  });
});
