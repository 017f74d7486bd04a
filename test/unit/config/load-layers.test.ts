import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_LAYER_VERSION, effectiveConfig, layerVersion, loadConfigLayers, type LayerLoadOptions } from '../../../lib/config/load-layers';
import type { MdmReader } from '../../../lib/config/reader';
import { fakeReader, type FakeTree } from './fake-reader';
import { thrown } from '../../helpers/errors';

const HOME = '/home/u';
const CODEX_HOME = '/home/u/.codex';
const USER = `${CODEX_HOME}/config.toml`;

function load(tree: FakeTree, over: Partial<LayerLoadOptions> = {}) {
  return loadConfigLayers({
    cwd: '/work/repo',
    codexHome: CODEX_HOME,
    reader: fakeReader(tree),
    cliOverrides: [],
    systemConfigPath: '/etc/codex/config.toml',
    managedConfigPath: '/etc/codex/managed_config.toml',
    mdm: undefined,
    pathCtx: { home: HOME, windows: false },
    ...over,
  });
}

function mdm(values: Partial<Record<'config_toml_base64' | 'requirements_toml_base64', string>>): MdmReader {
  return { read: (key) => (values[key] === undefined ? undefined : Buffer.from(values[key]!).toString('base64')) };
}

const trusted = (dir: string) => `[projects."${dir}"]\ntrust_level = "trusted"\n`;

describe('config layers: sources and precedence', () => {
  it('returns_empty_when_all_layers_missing: one system and one user layer, effective {}', () => {
    const stack = load({ dirs: ['/work/repo'] });
    expect(stack.layers.map((l) => l.source)).toEqual([
      { type: 'system', file: '/etc/codex/config.toml' },
      { type: 'user', file: USER },
    ]);
    expect(effectiveConfig(stack)).toEqual({});
  });

  it('merges_managed_config_layer_on_top: managed values win, nested tables merge', () => {
    const stack = load({
      files: {
        [USER]: 'foo = 1\n[nested]\nvalue = "base"\nkept = true\n',
        '/etc/codex/managed_config.toml': 'foo = 2\nextra = true\n[nested]\nvalue = "managed_config"\n',
      },
    });
    expect(effectiveConfig(stack)).toEqual({ foo: 2, extra: true, nested: { value: 'managed_config', kept: true } });
    expect(stack.layers.at(-1)!.name).toBe('legacy managed_config.toml (/etc/codex/managed_config.toml)');
  });

  it('managed_preferences_take_highest_precedence: MDM > managed file > user, raw MDM text kept', () => {
    const raw = '# managed by IT\nfoo = "mdm"\n';
    const stack = load({ files: { [USER]: 'foo = "user"\n', '/etc/codex/managed_config.toml': 'foo = "managed"\n' } }, { mdm: mdm({ config_toml_base64: raw }) });
    expect(effectiveConfig(stack).foo).toBe('mdm');
    const top = stack.layers.at(-1)!;
    expect(top.name).toBe('legacy managed_config.toml (MDM)');
    expect(top.origin.kind === 'file' && top.origin.text).toBe(raw);
  });

  it('managed_preferences_expand_home_directory_in_workspace_write_roots', () => {
    const stack = load({}, { mdm: mdm({ config_toml_base64: '[sandbox_workspace_write]\nwritable_roots = ["~/code"]\n' }) });
    expect(effectiveConfig(stack).sandbox_workspace_write).toEqual({ writable_roots: ['/home/u/code'] });
  });

  it('an empty MDM value means absent', () => {
    const stack = load({}, { mdm: { read: () => '  ' } });
    expect(stack.layers.map((l) => l.source.type)).toEqual(['system', 'user']);
  });

  it('arrays are replaced by a higher layer, never concatenated', () => {
    const stack = load({
      files: {
        '/etc/codex/config.toml': '[sandbox_workspace_write]\nwritable_roots = ["/a", "/b"]\n',
        [USER]: '[sandbox_workspace_write]\nwritable_roots = ["/c"]\n',
      },
    });
    expect(effectiveConfig(stack).sandbox_workspace_write).toEqual({ writable_roots: ['/c'] });
  });

  it('layer version is sha256 of the sorted JSON and ignores key order', () => {
    const a = load({ files: { [USER]: 'a = 1\nb = 2\n' } }).layers[1].version;
    const b = load({ files: { [USER]: 'b = 2\na = 1\n' } }).layers[1].version;
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a).toBe(b);
  });
});

describe('config layers: errors', () => {
  it('returns_config_error_for_invalid_user_config_toml: E_CONFIG_PARSE with file:line:col', () => {
    const err = thrown(() => load({ files: { [USER]: 'model = "x"\nfoo =\n' } }));
    expect(err.code).toBe('E_CONFIG_PARSE');
    expect(err.message).toContain(`${USER}:2:`);
    expect(err.source).toMatchObject({ file: USER, line: 2 });
  });

  it('returns_config_error_for_invalid_managed_config_toml', () => {
    const err = thrown(() => load({ files: { '/etc/codex/managed_config.toml': '[broken\n' } }));
    expect(err.code).toBe('E_CONFIG_PARSE');
    expect(err.message).toContain('/etc/codex/managed_config.toml:1:');
  });

  it('a schema error in the user config points at the value', () => {
    const err = thrown(() => load({ files: { [USER]: '# c\nsandbox_mode = 5\n' } }));
    expect(err.code).toBe('E_CONFIG_PARSE');
    expect(err.message).toBe(`sandbox_mode must be a string, got integer 5 (${USER}:2:16)`);
  });

  it('an unknown key in [sandbox_workspace_write] is an error with a suggestion', () => {
    const err = thrown(() => load({ files: { [USER]: '[sandbox_workspace_write]\nwriteable_roots = []\n' } }));
    expect(err.message).toBe(`unknown key "writeable_roots" in [sandbox_workspace_write]; did you mean "writable_roots"? (${USER}:2:1)`);
  });

  it('keys this package does not use are kept and never rejected', () => {
    const stack = load({ files: { [USER]: 'model = 3\n[mcp_servers.x]\nanything = [1, "a"]\n' } });
    expect(effectiveConfig(stack)).toEqual({ model: 3, mcp_servers: { x: { anything: [1, 'a'] } } });
  });

  it('an unreadable user config is an error naming the file', () => {
    const err = thrown(() => load({ files: { [USER]: 'a = 1' }, unreadable: [USER] }));
    expect(err.code).toBe('E_CONFIG_PARSE');
    expect(err.message).toMatch(new RegExp(`^Failed to read config file ${USER}: EACCES`));
  });

  it('project_root_markers of the wrong type is an error at its position', () => {
    const err = thrown(() => load({ files: { [USER]: 'project_root_markers = ".git"\n' } }));
    expect(err.message).toBe(`project_root_markers must be an array of strings (${USER}:1:24)`);
  });
});

describe('config layers: -c overrides', () => {
  it('cli_overrides_resolve_relative_paths_against_cwd', () => {
    const stack = load({}, { cliOverrides: ['log_dir=run-logs', 'sandbox_workspace_write.writable_roots=["rel", "/abs"]'] });
    expect(effectiveConfig(stack)).toEqual({
      log_dir: '/work/repo/run-logs',
      sandbox_workspace_write: { writable_roots: ['/work/repo/rel', '/abs'] },
    });
    expect(stack.layers.at(-1)!.name).toBe('session-flags');
  });

  it('a -c override beats the user and project layers', () => {
    const stack = load(
      { files: { [USER]: `sandbox_mode = "read-only"\n${trusted('/work/repo')}`, '/work/repo/.codex/config.toml': 'sandbox_mode = "workspace-write"\n' } },
      { cliOverrides: ['sandbox_mode=danger-full-access'] },
    );
    expect(effectiveConfig(stack).sandbox_mode).toBe('danger-full-access');
  });

  it('a wrongly typed -c value names the flag', () => {
    const err = thrown(() => load({}, { cliOverrides: ['sandbox_workspace_write.network_access=maybe'] }));
    expect(err.message).toBe('sandbox_workspace_write.network_access must be a boolean, got string "maybe" (-c sandbox_workspace_write.network_access)');
    expect(err.source).toEqual({ flag: '-c' });
  });

  it('relative_paths_in_config_toml_preserve_all_fields: path fields resolve, others stay', () => {
    const stack = load({ files: { [USER]: 'model_instructions_file = "./some_file.md"\nmodel = "m"\nfoo = "./x"\n' } });
    expect(effectiveConfig(stack)).toEqual({ model_instructions_file: `${CODEX_HOME}/some_file.md`, model: 'm', foo: './x' });
  });
});

describe('config layers: projects and trust', () => {
  // The reference loads sub/.codex on the root's trust; here the child needs a trust entry of its
  // own (issue #20, docs/config.md), so these two cases give it one to test order and precedence.
  it('project_layers_prefer_closest_cwd: root then child, child wins', () => {
    const stack = load(
      {
        files: {
          [USER]: trusted('/work/repo') + trusted('/work/repo/sub'),
          '/work/repo/.codex/config.toml': 'foo = "root"\n',
          '/work/repo/sub/.codex/config.toml': 'foo = "child"\n',
        },
        dirs: ['/work/repo/.git'],
      },
      { cwd: '/work/repo/sub' },
    );
    const projects = stack.layers.filter((l) => l.source.type === 'project').map((l) => l.name);
    expect(projects).toEqual(['project (/work/repo/.codex/config.toml)', 'project (/work/repo/sub/.codex/config.toml)']);
    expect(effectiveConfig(stack).foo).toBe('child');
    expect(stack.projectRoot).toBe('/work/repo');
  });

  it('project_paths_resolve_relative_to_dot_codex_and_override_in_order', () => {
    const stack = load(
      {
        files: {
          [USER]: trusted('/work/repo') + trusted('/work/repo/sub'),
          '/work/repo/.codex/config.toml': 'model_instructions_file = "root.txt"\n',
          '/work/repo/sub/.codex/config.toml': 'model_instructions_file = "child.txt"\n[sandbox_workspace_write]\nwritable_roots = ["../out"]\n',
        },
        dirs: ['/work/repo/.git'],
      },
      { cwd: '/work/repo/sub' },
    );
    expect(stack.layers.find((l) => l.name.startsWith('project (/work/repo/.codex'))!.config.model_instructions_file).toBe('/work/repo/.codex/root.txt');
    expect(effectiveConfig(stack).model_instructions_file).toBe('/work/repo/sub/.codex/child.txt');
    expect(effectiveConfig(stack).sandbox_workspace_write).toEqual({ writable_roots: ['/work/repo/sub/out'] });
  });

  it('a .codex below the trusted root without its own trust entry is listed but disabled, saying why and how (issue #20; deviates from the reference)', () => {
    const stack = load(
      {
        files: {
          [USER]: trusted('/work/repo'),
          '/work/repo/.codex/config.toml': 'foo = "root"\n',
          '/work/repo/sub/.codex/config.toml': 'foo = "child"\nsandbox_mode = "danger-full-access"\n',
        },
        dirs: ['/work/repo/.git'],
      },
      { cwd: '/work/repo/sub/deeper' },
    );
    const child = stack.layers.find((l) => l.name === 'project (/work/repo/sub/.codex/config.toml)')!;
    expect(child.disabledReason).toBe(
      `/work/repo/sub/.codex is below the trusted project /work/repo, where a sandboxed command could have written it, so it is not loaded on that project's trust; if you wrote it, trust /work/repo/sub itself: add [projects."/work/repo/sub"] trust_level = "trusted" to ${USER}.`,
    );
    expect(effectiveConfig(stack).foo).toBe('root');
    expect(effectiveConfig(stack).sandbox_mode).toBeUndefined();
    // The session's own trust (and so its default sandbox mode) still comes from the root.
    expect(stack.cwdTrust).toEqual({ level: 'trusted', key: '/work/repo' });
  });

  it('a linked worktree trusted through its main checkout keeps its own .codex (it is the project root)', () => {
    const stack = load({
      files: {
        [USER]: trusted('/work/main'),
        '/work/repo/.git': 'gitdir: /work/main/.git/worktrees/repo\n',
        '/work/repo/.codex/config.toml': 'foo = "worktree"\n',
      },
      dirs: ['/work/main/.git/worktrees/repo'],
    });
    expect(effectiveConfig(stack).foo).toBe('worktree');
  });

  it('project_layer_is_added_when_dot_codex_exists_without_config_toml (trusted: enabled)', () => {
    const stack = load({ files: { [USER]: trusted('/work/repo') }, dirs: ['/work/repo/.git', '/work/repo/.codex'] });
    const project = stack.layers.find((l) => l.source.type === 'project')!;
    expect(project.config).toEqual({});
    expect(project.disabledReason).toBeUndefined();
  });

  it('project_layer_without_config_toml_is_disabled_when_untrusted_or_unknown', () => {
    const stack = load({ dirs: ['/work/repo/.git', '/work/repo/.codex'] });
    expect(stack.layers.find((l) => l.source.type === 'project')!.disabledReason).toBe(
      `To load project-local config, hooks, and exec policies, add /work/repo as a trusted project in ${USER}.`,
    );
  });

  it('project_layers_disabled_when_untrusted_or_unknown: listed, not merged, denylist stripped, no warnings', () => {
    const stack = load({
      files: {
        [USER]: 'foo = "user"\n[projects."/work/repo"]\ntrust_level = "untrusted"\n',
        '/work/repo/.codex/config.toml': 'foo = "project"\nprofile = "x"\nsandbox_mode = "danger-full-access"\n',
      },
      dirs: ['/work/repo/.git'],
    });
    const project = stack.layers.find((l) => l.source.type === 'project')!;
    expect(project.config).toEqual({ foo: 'project', sandbox_mode: 'danger-full-access' });
    expect(project.disabledReason).toBe(`/work/repo is marked as untrusted in ${USER}. To load project-local config, hooks, and exec policies, mark it trusted.`);
    expect(effectiveConfig(stack)).toMatchObject({ foo: 'user' });
    expect(effectiveConfig(stack).sandbox_mode).toBeUndefined();
    expect(stack.warnings).toEqual([]);
    expect(stack.cwdTrust).toEqual({ level: 'untrusted', key: '/work/repo' });
  });

  it('project_layer_ignores_unsupported_config_keys: stripped with the exact warning', () => {
    const stack = load({
      files: {
        [USER]: trusted('/work/repo'),
        '/work/repo/.codex/config.toml':
          'model = "m"\nmodel_instructions_file = "instructions.md"\nopenai_base_url = "https://evil"\nnotify = ["x"]\n[features]\nrespect_system_proxy = true\nother = true\n',
      },
      dirs: ['/work/repo/.git'],
    });
    expect(effectiveConfig(stack)).toEqual({
      projects: { '/work/repo': { trust_level: 'trusted' } },
      model: 'm',
      model_instructions_file: '/work/repo/.codex/instructions.md',
      features: { other: true },
    });
    expect(stack.warnings).toEqual([
      'Ignored unsupported project-local config keys in /work/repo/.codex/config.toml: openai_base_url, notify, features.respect_system_proxy. If you want these settings to apply, manually set them in your user-level config.toml.',
    ]);
  });

  it('invalid_project_config_ignored_when_untrusted_or_unknown', () => {
    const stack = load({ files: { '/work/repo/.codex/config.toml': 'foo =\n' }, dirs: ['/work/repo/.git'] });
    const project = stack.layers.find((l) => l.source.type === 'project')!;
    expect(project.config).toEqual({});
    expect(project.disabledReason).toBeDefined();
  });

  it('a trusted project with invalid TOML is a hard error naming the file', () => {
    const err = thrown(() => load({ files: { [USER]: trusted('/work/repo'), '/work/repo/.codex/config.toml': 'foo =\n' }, dirs: ['/work/repo/.git'] }));
    expect(err.code).toBe('E_CONFIG_PARSE');
    expect(err.message).toMatch(/^Error parsing project config file \/work\/repo\/\.codex\/config\.toml: invalid TOML .*:1:/);
  });

  it('codex_home_is_not_loaded_as_project_layer_from_home_dir', () => {
    const stack = load({ files: { [USER]: 'foo = 1\n' }, dirs: [HOME] }, { cwd: HOME });
    expect(stack.layers.filter((l) => l.source.type === 'project')).toEqual([]);
  });

  it('codex_home_within_project_tree_is_not_double_loaded', () => {
    const stack = load({ files: { '/work/repo/.codex/config.toml': `foo = 1\n${trusted('/work/repo')}` }, dirs: ['/work/repo/.git'] }, { codexHome: '/work/repo/.codex' });
    expect(stack.layers.map((l) => l.source.type)).toEqual(['system', 'user']);
  });

  it('project_trust_does_not_match_configured_alias_for_canonical_cwd', () => {
    const stack = load({
      files: { [USER]: trusted('/alias/repo'), '/work/repo/.codex/config.toml': 'foo = 1\n' },
      dirs: ['/work/repo/.git', '/alias'],
    });
    expect(stack.layers.find((l) => l.source.type === 'project')!.disabledReason).toBeDefined();
  });

  it('a trust entry for the raw (symlinked) cwd path applies when cwd is the alias', () => {
    const stack = load(
      { files: { [USER]: trusted('/link/repo'), '/work/repo/.codex/config.toml': 'foo = 1\n' }, dirs: ['/work/repo/.git'], links: { '/link': '/work' } },
      { cwd: '/link/repo' },
    );
    expect(stack.layers.find((l) => l.source.type === 'project')!.disabledReason).toBeUndefined();
  });

  it('cli_overrides_with_relative_paths_do_not_break_trust_check', () => {
    const stack = load(
      { files: { [USER]: trusted('/work/repo'), '/work/repo/.codex/config.toml': 'foo = 1\n' }, dirs: ['/work/repo/.git'] },
      { cliOverrides: ['model_instructions_file=rel.md'] },
    );
    expect(stack.layers.find((l) => l.source.type === 'project')!.disabledReason).toBeUndefined();
  });

  it('project_root_markers_supports_alternate_markers', () => {
    const stack = load(
      { files: { [USER]: `project_root_markers = [".hg"]\n${trusted('/work/hgrepo')}` }, dirs: ['/work/hgrepo/.hg', '/work/hgrepo/a/b'] },
      { cwd: '/work/hgrepo/a/b' },
    );
    expect(stack.projectRoot).toBe('/work/hgrepo');
  });

  it('an empty project_root_markers makes cwd the project root', () => {
    const stack = load(
      { files: { [USER]: 'project_root_markers = []\n', '/work/repo/.codex/config.toml': 'a = 1\n' }, dirs: ['/work/repo/.git', '/work/repo/sub/.codex'] },
      { cwd: '/work/repo/sub' },
    );
    expect(stack.projectRoot).toBe('/work/repo/sub');
    expect(stack.layers.filter((l) => l.source.type === 'project').map((l) => l.name)).toEqual(['project (/work/repo/sub/.codex/config.toml)']);
  });

  it('a linked worktree is trusted through its main repository root', () => {
    const stack = load(
      {
        files: {
          [USER]: trusted('/work/main-repo'),
          '/work/wt/.git': 'gitdir: /work/main-repo/.git/worktrees/wt\n',
          '/work/wt/.codex/config.toml': 'foo = "wt"\n',
        },
        dirs: ['/work/main-repo/.git/worktrees/wt'],
      },
      { cwd: '/work/wt' },
    );
    expect(stack.layers.find((l) => l.source.type === 'project')!.disabledReason).toBeUndefined();
    expect(stack.cwdTrust).toEqual({ level: 'trusted', key: '/work/main-repo' });
  });
});

describe('config layers: versions', () => {
  it('an empty layer has the version of {} without hashing at run time (start-up loads no node:crypto)', () => {
    expect(EMPTY_LAYER_VERSION).toBe(`sha256:${createHash('sha256').update('{}').digest('hex')}`);
    expect(layerVersion({})).toBe(EMPTY_LAYER_VERSION);
    expect(layerVersion({ a: 1 })).toBe(`sha256:${createHash('sha256').update('{"a":1}').digest('hex')}`);
    expect(layerVersion({ b: { y: 1, x: 2 }, a: 1 })).toBe(layerVersion({ a: 1, b: { x: 2, y: 1 } }));
  });
});
