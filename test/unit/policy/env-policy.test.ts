// The environment policy (policy/env-policy.ts) and its config form, [shell_environment_policy]
// (config/shell-env-policy.ts), with the reference's order of steps and defaults.
import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../../lib/config/load-config';
import { shellEnvironmentPolicy } from '../../../lib/config/shell-env-policy';
import { applyEnvPolicy, DEFAULT_ENV_POLICY, parseEnvPolicy } from '../../../lib/policy/env-policy';
import { fakeReader } from '../config/fake-reader';
import { thrown } from '../../helpers/errors';

const ENV = { PATH: '/usr/bin', HOME: '/home/u', OPENAI_API_KEY: 'k', GITHUB_TOKEN: 't', DB_SECRET: 's', FOO: 'f', Foo_Bar: 'fb', TMPDIR: '/tmp' };

describe('applyEnvPolicy', () => {
  it('the library default keeps everything but *KEY*, *SECRET*, *TOKEN* (case-insensitive)', () => {
    expect(Object.keys(applyEnvPolicy({ ...ENV, api_key_lower: 'x' }, DEFAULT_ENV_POLICY)).sort()).toEqual(['FOO', 'Foo_Bar', 'HOME', 'PATH', 'TMPDIR']);
  });

  it('inherit all with ignoreDefaultExcludes keeps everything', () => {
    expect(applyEnvPolicy(ENV, { ignoreDefaultExcludes: true })).toEqual(ENV);
  });

  it('inherit core keeps only the core names, exactly spelled on POSIX', () => {
    expect(applyEnvPolicy({ ...ENV, path: 'x' }, { inherit: 'core', ignoreDefaultExcludes: true }, 'linux')).toEqual({ PATH: '/usr/bin', HOME: '/home/u', TMPDIR: '/tmp' });
  });

  it('inherit core matches names case-insensitively on Windows', () => {
    expect(applyEnvPolicy({ Path: 'C:\\W', Foo: '1' }, { inherit: 'core' }, 'win32')).toEqual({ Path: 'C:\\W' });
  });

  it('inherit none gives only set', () => {
    expect(applyEnvPolicy(ENV, { inherit: 'none', set: { ONLY: '1' } })).toEqual({ ONLY: '1' });
  });

  it('exclude globs are case-insensitive, with * and ?', () => {
    expect(Object.keys(applyEnvPolicy(ENV, { ignoreDefaultExcludes: true, exclude: ['foo*', 'hom?'] })).sort()).toEqual([
      'DB_SECRET',
      'GITHUB_TOKEN',
      'OPENAI_API_KEY',
      'PATH',
      'TMPDIR',
    ]);
  });

  it('set comes after the excludes, and includeOnly after set, so it can drop a set variable', () => {
    const out = applyEnvPolicy(ENV, { exclude: ['FOO'], set: { FOO: 'again', EXTRA: 'e' }, includeOnly: ['f*', 'PATH'] });
    expect(out).toEqual({ FOO: 'again', Foo_Bar: 'fb', PATH: '/usr/bin' });
  });

  it('a pattern is a glob, not a regular expression', () => {
    expect(applyEnvPolicy({ 'A.B': '1', AXB: '2' }, { includeOnly: ['A.B'] })).toEqual({ 'A.B': '1' });
  });
});

describe('parseEnvPolicy', () => {
  it('accepts the documented keys and refuses anything else with E_POLICY_INVALID', () => {
    expect(parseEnvPolicy({ inherit: 'core', exclude: ['A'], includeOnly: ['B'], set: { C: 'd' }, ignoreDefaultExcludes: true })).toEqual({
      inherit: 'core',
      exclude: ['A'],
      includeOnly: ['B'],
      set: { C: 'd' },
      ignoreDefaultExcludes: true,
    });
    expect(thrown(() => parseEnvPolicy({ include_only: ['B'] }))).toMatchObject({ code: 'E_POLICY_INVALID', path: ['include_only'] });
    expect(thrown(() => parseEnvPolicy({ set: { A: 1 } }))).toMatchObject({ code: 'E_POLICY_INVALID', path: ['set'] });
    expect(thrown(() => parseEnvPolicy({ exclude: 'A' }))).toMatchObject({ code: 'E_POLICY_INVALID', path: ['exclude'] });
  });
});

function configPolicy(files: Record<string, string>) {
  const config = loadConfig({
    cwd: '/work/repo',
    codexHome: '/home/u/.codex',
    reader: fakeReader({ files, dirs: ['/work/repo/.git'] }),
    homeDir: '/home/u',
    platform: 'linux',
    env: {},
  });
  return shellEnvironmentPolicy(config.config);
}

describe('[shell_environment_policy] from config.toml', () => {
  const USER = '/home/u/.codex/config.toml';

  it('no table: no policy (the caller falls back to the library default)', () => {
    expect(configPolicy({ [USER]: 'sandbox_mode = "read-only"\n' })).toBeUndefined();
  });

  it('an omitted ignore_default_excludes means true, as the reference reads it', () => {
    expect(configPolicy({ [USER]: '[shell_environment_policy]\ninherit = "core"\n' })).toEqual({ inherit: 'core', ignoreDefaultExcludes: true });
  });

  it('the legacy arrays and set', () => {
    expect(configPolicy({ [USER]: '[shell_environment_policy]\nexclude = ["AWS_*"]\ninclude_only = ["PATH"]\nignore_default_excludes = false\nset = { CI = "1" }\n' })).toEqual({
      ignoreDefaultExcludes: false,
      exclude: ['AWS_*'],
      includeOnly: ['PATH'],
      set: { CI: '1' },
    });
  });

  it('the keyed filters form', () => {
    expect(configPolicy({ [USER]: '[shell_environment_policy.filters]\n"AWS_*" = "exclude"\n"PATH" = "include"\n' })).toEqual({
      ignoreDefaultExcludes: true,
      exclude: ['AWS_*'],
      includeOnly: ['PATH'],
    });
  });

  it('filters and legacy arrays in one layer, or two filters equal ignoring case, are config errors', () => {
    expect(thrown(() => configPolicy({ [USER]: '[shell_environment_policy]\nexclude = ["A"]\nfilters = { B = "include" }\n' }))).toMatchObject({ code: 'E_CONFIG_PARSE' });
    expect(thrown(() => configPolicy({ [USER]: '[shell_environment_policy.filters]\nA = "include"\na = "exclude"\n' }))).toMatchObject({ code: 'E_CONFIG_PARSE' });
    expect(thrown(() => configPolicy({ [USER]: '[shell_environment_policy]\ninherit = "some"\n' }))).toMatchObject({ code: 'E_CONFIG_PARSE' });
    expect(thrown(() => configPolicy({ [USER]: '[shell_environment_policy]\ninclude_onyl = ["A"]\n' })).message).toContain('did you mean "include_only"');
  });

  it('a project layer using filters over a user layer using the legacy arrays converts the base first', () => {
    const files = {
      [USER]: '[projects."/work/repo"]\ntrust_level = "trusted"\n[shell_environment_policy]\nexclude = ["AWS_*"]\ninclude_only = ["PATH"]\n',
      '/work/repo/.codex/config.toml': '[shell_environment_policy.filters]\n"GCP_*" = "exclude"\n',
    };
    expect(configPolicy(files)).toEqual({ ignoreDefaultExcludes: true, exclude: ['aws_*', 'gcp_*'], includeOnly: ['path'] });
  });

  it("a legacy array in the overlay removes its patterns from the base's opposite array", () => {
    const files = {
      [USER]: '[projects."/work/repo"]\ntrust_level = "trusted"\n[shell_environment_policy]\nexclude = ["AWS_*", "FOO"]\n',
      '/work/repo/.codex/config.toml': '[shell_environment_policy]\ninclude_only = ["foo"]\n',
    };
    expect(configPolicy(files)).toEqual({ ignoreDefaultExcludes: true, exclude: ['AWS_*'], includeOnly: ['foo'] });
  });
});
