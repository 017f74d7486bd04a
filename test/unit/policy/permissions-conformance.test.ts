// Conformance checklist docs/reference.md#conformance-cases (protocol/src/permissions.rs, Eras B-C, newest behaviour).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCESS_RANK } from '../../../lib/policy/access-index';
import { isPathWritableInRoot } from '../../../lib/policy/effective-roots';
import {
  explain,
  fromLegacySandboxPolicy,
  isSemanticallyEquivalent,
  legacyRuntimeFileSystemPolicy,
  needsDirectRuntimeEnforcement,
  resolvePolicy,
  toLegacySandboxPolicy,
  withAdditionalReadableRoots,
  withAdditionalWritableRoots,
} from '../../../lib/policy/public-entry';
import { fromLegacySandboxPolicyPreservingDenyEntries } from '../../../lib/policy/legacy-bridge';
import { nodeHost } from '../../../lib/policy/node-host';
import { parseFileSystemSandboxPolicy } from '../../../lib/policy/parse-policy';
import { PROTECTED_METADATA_NAMES } from '../../../lib/policy/protected-metadata';
import type { ResolvedPolicy, SandboxPolicy } from '../../../lib/policy/types';
import { fileSystemPolicyToWire } from '../../../lib/policy/wire';
import { withTempDir } from '../../helpers/temp';
import { e, legacyWorkspaceWrite, restricted } from './entries';
import { fakeHost } from './fake-host';

const host = nodeHost();
const canRead = (r: ResolvedPolicy, p: string): boolean => explain(r, p, 'read').allowed;
const canWrite = (r: ResolvedPolicy, p: string): boolean => explain(r, p, 'write').allowed;

describe('reference permissions cases (docs/reference.md#conformance-cases)', () => {
  it('unknown_special_paths_are_ignored_by_legacy_bridge: [root:read, unknown:write] is ReadOnly without network', () => {
    const h = fakeHost({ dirs: ['/tmp/workspace'] });
    expect(toLegacySandboxPolicy(restricted([e.root('read'), e.unknown(':future_special_path', 'write')]), '/tmp/workspace', h)).toStrictEqual({
      type: 'read-only',
      access: { type: 'full-access' },
      networkAccess: false,
    });
    // Era B spelling: without the root read it is a restricted read-only policy with no roots.
    expect(toLegacySandboxPolicy(restricted([e.unknown(':future_special_path', 'write')]), '/tmp/workspace', h)).toStrictEqual({
      type: 'read-only',
      access: { type: 'restricted', includePlatformDefaults: false, readableRoots: [] },
      networkAccess: false,
    });
  });

  it('writable_roots_proactively_protect_missing_dot_codex', async () => {
    await withTempDir((dir) => {
      const r = resolvePolicy(restricted([e.cwd('write')]), { cwd: dir, host });
      expect(r.writableRoots).toHaveLength(1);
      expect(r.writableRoots[0]!.root).toBe(dir);
      expect(r.writableRoots[0]!.readOnlySubpaths).toContain(join(dir, '.codex'));
    });
  });

  it('writable_roots_skip_default_dot_codex_when_explicit_user_rule_exists', async () => {
    await withTempDir((dir) => {
      const r = resolvePolicy(restricted([e.cwd('write'), e.path(join(dir, '.codex'), 'write')]), { cwd: dir, host });
      const root = r.writableRoots.find((w) => w.root === dir)!;
      expect(root.readOnlySubpaths).not.toContain(join(dir, '.codex'));
      expect(root.protectedMetadataNames).not.toContain('.codex');
      expect(canWrite(r, join(dir, '.codex/config.toml'))).toBe(true);
    });
  });

  it('legacy_workspace_write_projection_blocks_missing_dot_codex_writes', async () => {
    await withTempDir((dir) => {
      const legacy = legacyWorkspaceWrite({
        readOnlyAccess: { type: 'restricted', includePlatformDefaults: false, readableRoots: [] },
        excludeSlashTmp: true,
        excludeTmpdirEnvVar: true,
      });
      const r = resolvePolicy(fromLegacySandboxPolicy(legacy, dir, host), { cwd: dir, host });
      expect(canWrite(r, join(dir, '.codex/config.toml'))).toBe(false);
      expect(canWrite(r, join(dir, 'notes.txt'))).toBe(true);
    });
  });

  it('legacy_workspace_write_projection_accepts_relative_cwd', () => {
    const h = fakeHost({ cwd: '/proc-cwd', dirs: ['/proc-cwd/workspace'] });
    const policy = fromLegacySandboxPolicy(legacyWorkspaceWrite({ excludeSlashTmp: true, excludeTmpdirEnvVar: true }), 'workspace', h);
    expect(policy.fileSystem).toStrictEqual({
      kind: 'restricted',
      entries: [e.root('read'), e.cwd('write'), ...PROTECTED_METADATA_NAMES.map((n) => e.sub(n, 'read', true))],
    });
    const r = resolvePolicy(policy, { cwd: 'workspace', host: h });
    expect(r.cwd).toBe('/proc-cwd/workspace');
    expect(canWrite(r, 'notes.txt')).toBe(true);
    expect(canWrite(r, '.codex/config.toml')).toBe(false);
    const git = explain(r, '.git/config', 'write');
    expect(git.decidedBy).toStrictEqual({ kind: 'protected', name: '.git', root: '/proc-cwd/workspace', path: '/proc-cwd/workspace/.git' });
    expect(canWrite(r, '.agents/skills/example/SKILL.md')).toBe(false);
  });

  it('effective_runtime_roots_preserve_symlinked_paths: [link:write, link/blocked:deny] stays spelled through link', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'real/blocked'), { recursive: true });
      symlinkSync(join(dir, 'real'), join(dir, 'link'));
      const link = join(dir, 'link');
      const r = resolvePolicy(restricted([e.path(link, 'write'), e.path(join(link, 'blocked'), 'deny')]), { cwd: link, host });
      expect(r.writableRoots.map((w) => w.root)).toStrictEqual([link]);
      expect(r.unreadableRoots).toStrictEqual([join(link, 'blocked')]);
      expect(r.writableRoots[0]!.readOnlySubpaths).toStrictEqual(expect.arrayContaining([join(link, 'blocked'), join(link, '.codex')]));
    });
  });

  it('project_roots_special_path_preserves_symlinked_root', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'real/blocked'), { recursive: true });
      mkdirSync(join(dir, 'real/.agents'));
      symlinkSync(join(dir, 'real'), join(dir, 'link'));
      const link = join(dir, 'link');
      const r = resolvePolicy(restricted([e.minimal('read'), e.cwd('write'), e.path(join(link, 'blocked'), 'deny')]), { cwd: link, host });
      expect(r.readableRoots).toStrictEqual([link]);
      expect(r.unreadableRoots).toStrictEqual([join(link, 'blocked')]);
      expect(r.writableRoots[0]!.readOnlySubpaths).toStrictEqual(expect.arrayContaining([join(link, 'blocked'), join(link, '.agents'), join(link, '.codex')]));
    });
  });

  it('writable_roots_preserve_symlinked_protected_subpaths: .codex -> decoy keeps the .codex spelling', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'decoy-codex'));
      symlinkSync(join(dir, 'decoy-codex'), join(dir, '.codex'));
      const r = resolvePolicy(restricted([e.path(dir, 'write')]), { cwd: dir, host });
      expect(r.writableRoots[0]!.readOnlySubpaths).toStrictEqual([join(dir, '.codex')]);
    });
  });

  it('writable_roots_preserve_explicit_symlinked_carveouts_under_symlinked_roots', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'real/decoy'), { recursive: true });
      mkdirSync(join(dir, 'cwd'));
      symlinkSync(join(dir, 'real/decoy'), join(dir, 'real/linked-private'));
      symlinkSync(join(dir, 'real'), join(dir, 'link'));
      const link = join(dir, 'link');
      const r = resolvePolicy(restricted([e.path(link, 'write'), e.path(join(link, 'linked-private'), 'deny')]), { cwd: join(dir, 'cwd'), host });
      expect(r.writableRoots).toStrictEqual([{ root: link, readOnlySubpaths: [join(link, 'linked-private')], protectedMetadataNames: [...PROTECTED_METADATA_NAMES] }]);
    });
  });

  it('writable_roots_preserve_explicit_symlinked_carveouts_that_escape_root', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'root'));
      mkdirSync(join(dir, 'outside'));
      mkdirSync(join(dir, 'cwd'));
      symlinkSync(join(dir, 'outside'), join(dir, 'root/linked-private'));
      const root = join(dir, 'root');
      const r = resolvePolicy(restricted([e.path(root, 'write'), e.path(join(root, 'linked-private'), 'deny')]), { cwd: join(dir, 'cwd'), host });
      expect(r.writableRoots[0]!.readOnlySubpaths).toStrictEqual([join(root, 'linked-private')]);
    });
  });

  it('writable_roots_preserve_explicit_symlinked_carveouts_that_alias_root', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'root'));
      mkdirSync(join(dir, 'cwd'));
      const root = join(dir, 'root');
      symlinkSync(root, join(root, 'alias-root'));
      const r = resolvePolicy(restricted([e.path(root, 'write'), e.path(join(root, 'alias-root'), 'deny')]), { cwd: join(dir, 'cwd'), host });
      expect(r.writableRoots[0]!.readOnlySubpaths).toStrictEqual([join(root, 'alias-root')]);
    });
  });

  it('tmpdir_special_path_preserves_symlinked_tmpdir', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'real-tmpdir/blocked'), { recursive: true });
      const link = join(dir, 'link-tmpdir');
      symlinkSync(join(dir, 'real-tmpdir'), link);
      const h = nodeHost({ ...process.env, TMPDIR: link });
      const r = resolvePolicy(restricted([e.tmpdir('write'), e.path(join(link, 'blocked'), 'deny')]), { cwd: link, host: h });
      expect(r.writableRoots.map((w) => w.root)).toStrictEqual([link]);
      expect(r.unreadableRoots).toContain(join(link, 'blocked'));
      expect(r.writableRoots[0]!.readOnlySubpaths).toStrictEqual(expect.arrayContaining([join(link, 'blocked'), join(link, '.codex')]));
    });
  });

  it('resolve_access_with_cwd_uses_most_specific_entry', () => {
    const h = fakeHost({ dirs: ['/w'] });
    const r = resolvePolicy(restricted([e.cwd('write'), e.path('/w/docs', 'read'), e.path('/w/docs/private', 'deny'), e.path('/w/docs/private/public', 'write')]), {
      cwd: '/w',
      host: h,
    });
    expect(explain(r, '/w', 'write').effective).toBe('write');
    expect(explain(r, '/w/docs/x', 'read').effective).toBe('read');
    expect(explain(r, '/w/docs/private', 'read').effective).toBe('deny');
    expect(explain(r, '/w/docs/private/public/f', 'write').effective).toBe('write');
    expect(explain(r, '/etc', 'read').decidedBy).toStrictEqual({ kind: 'default-deny' });
  });

  it('split_only_nested_carveouts_need_direct_runtime_enforcement', async () => {
    await withTempDir((dir) => {
      expect(needsDirectRuntimeEnforcement(restricted([e.cwd('write'), e.sub('docs', 'read')]), dir, host)).toBe(true);
      // Era C: even the legacy-runtime projection of the default workspace-write policy needs
      // direct enforcement, because missing .git/.agents are protected by name only.
      expect(needsDirectRuntimeEnforcement(legacyRuntimeFileSystemPolicy(legacyWorkspaceWrite(), dir, host), dir, host)).toBe(true);
    });
  });

  it('legacy_projection_runtime_enforcement_ignores_entry_order', async () => {
    await withTempDir((dir) => {
      const forward = fromLegacySandboxPolicy(legacyWorkspaceWrite({ writableRoots: [join(dir, 'extra')] }), dir, host);
      const fs = forward.fileSystem as Extract<SandboxPolicy['fileSystem'], { kind: 'restricted' }>;
      const reversed: SandboxPolicy = { ...forward, fileSystem: { ...fs, entries: [...fs.entries].reverse() } };
      expect(isSemanticallyEquivalent(forward, reversed, dir, host)).toBe(true);
      expect(needsDirectRuntimeEnforcement(reversed, dir, host)).toBe(needsDirectRuntimeEnforcement(forward, dir, host));
    });
  });

  it('missing_symbolic_metadata_carveouts_need_direct_runtime_enforcement', async () => {
    await withTempDir((dir) => {
      expect(needsDirectRuntimeEnforcement(fromLegacySandboxPolicy(legacyWorkspaceWrite(), dir, host), dir, host)).toBe(true);
      expect(needsDirectRuntimeEnforcement(legacyRuntimeFileSystemPolicy(legacyWorkspaceWrite(), dir, host), dir, host)).toBe(true);
    });
  });

  it('root_write_with_read_only_child_is_not_full_disk_write', () => {
    const h = fakeHost({ dirs: ['/w/docs'] });
    const policy = restricted([e.root('write'), e.sub('docs', 'read')]);
    const r = resolvePolicy(policy, { cwd: '/w', host: h });
    expect(r.fullDiskWrite).toBe(false);
    expect(explain(r, '/w/docs', 'read').effective).toBe('read');
    expect(needsDirectRuntimeEnforcement(policy, '/w', h)).toBe(true);
    expect(() => toLegacySandboxPolicy(policy, '/w', h)).toThrow(/filesystem writes outside the workspace root/);
  });

  it('root_deny_does_not_materialize_as_unreadable_root', () => {
    const h = fakeHost({ dirs: ['/w/docs'] });
    const r = resolvePolicy(restricted([e.root('deny'), e.sub('docs', 'read')]), { cwd: '/w', host: h });
    expect(explain(r, '/w/docs', 'read').effective).toBe('read');
    expect(r.readableRoots).toStrictEqual(['/w/docs']);
    expect(r.unreadableRoots).toStrictEqual([]);
  });

  it('duplicate_root_deny_prevents_full_disk_write_access', () => {
    const r = resolvePolicy(restricted([e.root('write'), e.root('deny')]), { cwd: '/w', host: fakeHost({ dirs: ['/w'] }) });
    expect(r.fullDiskWrite).toBe(false);
    expect(explain(r, '/', 'read').effective).toBe('deny');
  });

  it('same_specificity_write_override_keeps_full_disk_write_access', () => {
    const r = resolvePolicy(restricted([e.root('write'), e.sub('docs', 'read'), e.sub('docs', 'write')]), {
      cwd: '/w',
      host: fakeHost({ dirs: ['/w/docs'] }),
    });
    expect(r.fullDiskWrite).toBe(true);
    expect(explain(r, '/w/docs', 'write').effective).toBe('write');
  });

  it('file_system_access_mode_orders_by_conflict_precedence', () => {
    expect(ACCESS_RANK.write).toBeGreaterThan(ACCESS_RANK.read);
    expect(ACCESS_RANK.deny).toBeGreaterThan(ACCESS_RANK.write);
  });

  it('with_additional_readable_roots_skips_existing_effective_access', () => {
    const h = fakeHost({ dirs: ['/w'] });
    const policy = restricted([e.cwd('read')]);
    expect(withAdditionalReadableRoots(policy, '/w', ['/w'], h)).toStrictEqual(policy);
  });

  it('with_additional_writable_roots_skips_existing_effective_access', () => {
    const h = fakeHost({ dirs: ['/w'] });
    const policy = restricted([e.cwd('write')]);
    expect(withAdditionalWritableRoots(policy, '/w', ['/w'], h)).toStrictEqual(policy);
  });

  it('with_additional_writable_roots_adds_new_root', () => {
    const h = fakeHost({ dirs: ['/w', '/extra'] });
    expect(withAdditionalWritableRoots(restricted([e.cwd('write')]), '/w', ['/extra'], h)).toStrictEqual(restricted([e.cwd('write'), e.path('/extra', 'write')]));
  });

  it('legacy_bridge_preserves_explicit_deny_entries', () => {
    const h = fakeHost({ dirs: ['/w'] });
    const existing = restricted([e.root('read'), e.cwd('write'), e.path('/tmp/private', 'deny')]);
    const rebuilt = fromLegacySandboxPolicyPreservingDenyEntries(legacyWorkspaceWrite(), '/w', existing, h);
    expect(rebuilt.fileSystem.kind === 'restricted' && rebuilt.fileSystem.entries).toContainEqual(e.path('/tmp/private', 'deny'));
  });

  it('legacy_workspace_write_projection_preserves_symbolic_project_root', () => {
    const policy = fromLegacySandboxPolicy(legacyWorkspaceWrite({ excludeSlashTmp: true, excludeTmpdirEnvVar: true }), '/w', fakeHost({ dirs: ['/w'] }));
    expect(policy).toStrictEqual(restricted([e.root('read'), e.cwd('write'), ...PROTECTED_METADATA_NAMES.map((n) => e.sub(n, 'read', true))]));
  });

  it('legacy_current_working_directory_special_path_deserializes_as_project_roots', () => {
    const fs = parseFileSystemSandboxPolicy({
      kind: 'restricted',
      entries: [{ path: { type: 'special', value: { kind: 'current_working_directory' } }, access: 'write' }],
    });
    expect(fs).toStrictEqual({ kind: 'restricted', entries: [e.cwd('write')] });
    expect(fileSystemPolicyToWire(fs)).toStrictEqual({
      kind: 'restricted',
      entries: [{ path: { type: 'special', value: { kind: 'project_roots' } }, access: 'write' }],
    });
  });

  it('filesystem_policy_blocks_protected_metadata_path_writes_by_default', async () => {
    await withTempDir((dir) => {
      const r = resolvePolicy(restricted([e.path(dir, 'write')]), { cwd: dir, host });
      for (const p of ['.git/config', '.agents/config', '.codex/config.toml', '.aws/config']) {
        expect(canWrite(r, join(dir, p))).toBe(false);
      }
      expect(r.writableRoots[0]!.protectedMetadataNames).toStrictEqual(['.git', '.agents', '.codex', '.aws']);
      for (const p of ['.git/config', '.agents/config', '.codex/config.toml']) {
        expect(isPathWritableInRoot(r.writableRoots[0]!, join(dir, p))).toBe(false);
      }
      expect(isPathWritableInRoot(r.writableRoots[0]!, join(dir, 'src/main.rs'))).toBe(true);
      expect(isPathWritableInRoot(r.writableRoots[0]!, `${dir}-sibling/x`)).toBe(false);
      expect(canWrite(r, join(dir, 'src/main.rs'))).toBe(true);
    });
  });

  it('materialize_project_roots_with_workspace_roots_expands_exact_and_glob_entries', () => {
    const h = fakeHost({ dirs: ['/r1/.git', '/r2/.git'] });
    const policy = restricted([e.cwd('write'), e.sub('.git', 'read'), e.glob('codex-project-roots://**/*.env')]);
    const r = resolvePolicy(policy, { cwd: '/r1', host: h, workspaceRoots: ['/r1', '/r2'] });
    expect(r.entries.map((x) => [x.path, x.access])).toStrictEqual([
      ['/r1', 'write'],
      ['/r2', 'write'],
      ['/r1/.git', 'read'],
      ['/r2/.git', 'read'],
    ]);
    expect(r.unreadableGlobs).toStrictEqual(['/r1/**/*.env', '/r2/**/*.env']);
  });
});

describe('reference read-deny matcher cases (docs/reference.md#conformance-cases)', () => {
  it('exact_path_and_descendants_are_denied; a sibling is not', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.path('/t/private', 'deny')]), { cwd: '/t', host: fakeHost({ dirs: ['/t/private'] }) });
    expect(canRead(r, '/t/private')).toBe(false);
    expect(canRead(r, '/t/private/x/y')).toBe(false);
    expect(canRead(r, '/t/private-sibling')).toBe(true);
  });

  it('canonical_target_matches_denied_symlink_alias: deny real, alias/secret.txt is denied', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'real'));
      writeFileSync(join(dir, 'real/secret.txt'), 's');
      symlinkSync(join(dir, 'real'), join(dir, 'alias'));
      const r = resolvePolicy(restricted([e.root('read'), e.path(join(dir, 'real'), 'deny')]), { cwd: dir, host });
      const d = explain(r, join(dir, 'alias/secret.txt'), 'read', { host });
      expect(d.allowed).toBe(false);
      expect(d.path).toBe(join(dir, 'alias/secret.txt'));
      expect(d.reason).toContain('resolves to');
      // With host: null the decision is lexical, as resolve_access_with_cwd is; by default
      // explain() follows this machine's symlinks, as enforcement does (issue #19).
      expect(explain(r, join(dir, 'alias/secret.txt'), 'read', { host: null }).allowed).toBe(true);
      expect(canRead(r, join(dir, 'alias/secret.txt'))).toBe(false);
    });
  });

  it('literal_patterns_and_globs_are_denied', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.path('/t/private', 'deny'), e.glob('/t/**/*.txt')]), { cwd: '/t', host: fakeHost({ dirs: ['/t'] }) });
    expect(canRead(r, '/t/private/a.bin')).toBe(false);
    expect(canRead(r, '/t/notes/a.txt')).toBe(false);
    expect(canRead(r, '/t/notes/a.md')).toBe(true);
  });

  it('glob_patterns_deny_matching_paths', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.glob('/t/private/secret?.txt')]), { cwd: '/t', host: fakeHost({ dirs: ['/t'] }) });
    expect(explain(r, '/t/private/secret1.txt', 'read').decidedBy).toStrictEqual({ kind: 'glob', pattern: '/t/private/secret?.txt' });
    expect(canRead(r, '/t/private/secret12.txt')).toBe(true);
  });

  it('glob_patterns_do_not_cross_path_separators', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.glob('/t/*/file[0-9]?.txt')]), { cwd: '/t', host: fakeHost({ dirs: ['/t'] }) });
    expect(canRead(r, '/t/app/file42.txt')).toBe(false);
    expect(canRead(r, '/t/app/nested/file42.txt')).toBe(true);
    expect(canRead(r, '/t/app/file4.txt')).toBe(true);
    expect(canRead(r, '/t/app/fileab.txt')).toBe(true);
  });

  it('globstar_patterns_deny_root_and_nested_matches', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.glob('/t/**/*.env')]), { cwd: '/t', host: fakeHost({ dirs: ['/t'] }) });
    expect(canRead(r, '/t/.env')).toBe(false);
    expect(canRead(r, '/t/app/.env')).toBe(false);
    expect(canRead(r, '/t/app/notes.txt')).toBe(true);
  });

  it('unclosed_character_classes_match_literal_brackets', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.glob('/t/[')]), { cwd: '/t', host: fakeHost({ dirs: ['/t'] }) });
    expect(canRead(r, '/t/[')).toBe(false);
    expect(canRead(r, '/t/a')).toBe(true);
  });

  it('a malformed glob denies every read (fail closed)', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.glob('/t/{a,b')]), { cwd: '/t', host: fakeHost({ dirs: ['/t'] }) });
    const d = explain(r, '/usr/bin/ls', 'read');
    expect(d.allowed).toBe(false);
    expect(d.reason).toContain('malformed');
  });

  it('relative deny globs resolve against cwd and ~/ against home', () => {
    const r = resolvePolicy(restricted([e.root('read'), e.glob('**/*.pem'), e.glob('~/.ssh/*')]), {
      cwd: '/w',
      host: fakeHost({ dirs: ['/w'], home: '/home/u' }),
    });
    expect(r.unreadableGlobs).toStrictEqual(['/home/u/.ssh/*', '/w/**/*.pem']);
    expect(canRead(r, '/w/certs/a.pem')).toBe(false);
    expect(canRead(r, '/home/u/.ssh/id_ed25519')).toBe(false);
  });
});
