import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configCommand, parseConfigEdit } from '../../../lib/cli/commands/config';
import { planCommand } from '../../../lib/cli/commands/plan';
import type { CommandContext } from '../../../lib/cli/command';
import { macosMdmReader } from '../../../lib/cli/macos-mdm';
import { runCaptured } from '../../helpers/cli';
import { withTempDir } from '../../helpers/temp';

async function cli(argv: string[], processCwd: string): Promise<{ status: number; out: string; err: string }> {
  const { code, out, err } = await runCaptured(configCommand, argv.slice(1), { env: { HOME: processCwd }, processCwd });
  return { status: code, out, err };
}

function setup(dir: string): { home: string; repo: string } {
  const home = join(dir, 'codex-home');
  const repo = join(dir, 'repo');
  mkdirSync(home);
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(repo, '.codex'));
  return { home, repo };
}

describe('cli: config show / lock / set', () => {
  it('this machine has no /etc/codex, so the system layers are empty (precondition of the CLI tests)', () => {
    expect(existsSync('/etc/codex')).toBe(false);
  });

  it('config show --json reports the policy, its source layer, the layers and sourced values', async () => {
    await withTempDir(async (dir) => {
      const { home, repo } = setup(dir);
      writeFileSync(join(home, 'config.toml'), `sandbox_mode = "read-only"\n[projects."${repo}"]\ntrust_level = "trusted"\n`);
      writeFileSync(join(repo, '.codex', 'config.toml'), 'sandbox_mode = "workspace-write"\n[sandbox_workspace_write]\nwritable_roots = ["../out"]\n');
      const r = await cli(['config', 'show', '--json', '--codex-home', home, '--cwd', repo], dir);
      expect(r.err).toBe('');
      expect(r.status).toBe(0);
      const j = JSON.parse(r.out);
      expect(j.policy_source).toEqual({ kind: 'config', key: 'sandbox_mode', value: 'workspace-write', layer: `project (${repo}/.codex/config.toml)` });
      expect(j.permission_profile.type).toBe('managed');
      expect(j.layers.map((l: { type: string }) => l.type)).toEqual(['system', 'user', 'project']);
      expect(j.values['sandbox_workspace_write.writable_roots.0']).toEqual({ value: `${repo}/out`, layer: `project (${repo}/.codex/config.toml)` });
      expect(j.trust).toEqual({ level: 'trusted', key: repo });
    });
  });

  it('config show (text) names the deciding layer; -c and --sandbox override', async () => {
    await withTempDir(async (dir) => {
      const { home, repo } = setup(dir);
      const text = await cli(['config', 'show', '--codex-home', home, '--cwd', repo, '-c', 'sandbox_mode=danger-full-access'], dir);
      expect(text.out).toMatch(/^policy: danger-full-access \(decided by sandbox_mode in session-flags\)\n/);
      const flag = await cli(['config', 'show', '--codex-home', home, '--cwd', repo, '--sandbox', 'read-only'], dir);
      expect(flag.out).toMatch(/^policy: read-only \(decided by --sandbox\)\n/);
    });
  });

  it('a config error exits 125 with one line naming file:line:col', async () => {
    await withTempDir(async (dir) => {
      const { home, repo } = setup(dir);
      writeFileSync(join(home, 'config.toml'), '[permissions.dev.filesystem]\n"rel" = "read"\n');
      const r = await cli(['config', 'show', '--codex-home', home, '--cwd', repo], dir);
      expect(r.status).toBe(125);
      expect(r.err).toBe(`codex-sandbox: filesystem path \`rel\` must be absolute, use \`~/...\`, or start with \`:\` (${home}/config.toml:2:1)\n`);
    });
  });

  it('lock export then verify passes; drift fails with exit 125 and a diff on stderr', async () => {
    await withTempDir(async (dir) => {
      const { home, repo } = setup(dir);
      writeFileSync(join(home, 'config.toml'), 'sandbox_mode = "workspace-write"\n');
      const base = ['--codex-home', home, '--cwd', repo];
      expect((await cli(['config', 'lock', 'export', 'lock.toml', ...base], dir)).status).toBe(0);
      expect(readFileSync(join(dir, 'lock.toml'), 'utf8')).toMatch(/^version = 1\ncodex_sandbox_version = /);
      const ok = await cli(['config', 'lock', 'verify', 'lock.toml', ...base], dir);
      expect(ok).toEqual({ status: 0, out: `config matches ${join(dir, 'lock.toml')}\n`, err: '' });
      const drift = await cli(['config', 'lock', 'verify', 'lock.toml', ...base, '-c', 'sandbox_mode=read-only'], dir);
      expect(drift.status).toBe(125);
      expect(drift.err).toContain('--- expected\n+++ actual\n');
      expect(drift.err).toMatch(/codex-sandbox: replayed effective config does not match config lock .*-sandbox_mode = "workspace-write"/);
    });
  });

  it('config set edits $CODEX_HOME/config.toml keeping comments; unset removes an entry', async () => {
    await withTempDir(async (dir) => {
      const { home } = setup(dir);
      const file = join(home, 'config.toml');
      writeFileSync(file, '# mine\nmodel = "m" # keep\n');
      expect((await cli(['config', 'set', 'sandbox_mode', 'workspace-write', '--codex-home', home], dir)).out).toBe(`updated ${file}\n`);
      await cli(['config', 'set', 'sandbox_workspace_write.writable_roots', '+/srv/x', '--codex-home', home], dir);
      await cli(['config', 'set', 'permissions.dev.filesystem./opt/data', 'read', '--codex-home', home], dir);
      await cli(['config', 'set', 'permissions.dev.filesystem.:workspace_roots/docs', 'deny', '--codex-home', home], dir);
      expect(readFileSync(file, 'utf8')).toBe(
        '# mine\nmodel = "m" # keep\nsandbox_mode = "workspace-write"\n\n[sandbox_workspace_write]\nwritable_roots = ["/srv/x"]\n\n[permissions.dev.filesystem]\n"/opt/data" = "read"\n\n[permissions.dev.filesystem.":workspace_roots"]\ndocs = "deny"\n',
      );
      await cli(['config', 'unset', 'permissions.dev.filesystem./opt/data', '--codex-home', home], dir);
      expect(readFileSync(file, 'utf8')).not.toContain('/opt/data');
      const bad = await cli(['config', 'set', 'model', 'x', '--codex-home', home], dir);
      expect(bad.status).toBe(125);
      expect(bad.err).toMatch(/^codex-sandbox: config set does not edit "model"/);
    });
  });

  it('parseConfigEdit maps keys to edits', () => {
    expect(parseConfigEdit('sandbox_workspace_write.writable_roots', '-/a', false)).toEqual({ kind: 'remove-writable-root', path: '/a' });
    expect(parseConfigEdit('permissions.p.filesystem.~/.ssh', 'deny', false)).toEqual({ kind: 'set-permission-entry', profile: 'p', path: '~/.ssh', access: 'deny' });
  });
});

describe('cli: macOS MDM reader', () => {
  it('is absent off macOS and reads the managed plist first, then the app domain', () => {
    expect(macosMdmReader('linux')).toBeUndefined();
    const calls: string[][] = [];
    const reader = macosMdmReader('darwin', (args) => {
      calls.push(args);
      return args[1] === 'com.openai.codex' ? ' c2FuZGJveF9tb2RlID0gInJlYWQtb25seSIK\n' : undefined;
    })!;
    expect(reader.read('config_toml_base64')).toBe('c2FuZGJveF9tb2RlID0gInJlYWQtb25seSIK');
    expect(calls).toEqual([
      ['read', '/Library/Managed Preferences/com.openai.codex', 'config_toml_base64'],
      ['read', 'com.openai.codex', 'config_toml_base64'],
    ]);
  });
});

describe('cli: plan --json names the config layers behind the policy', () => {
  it('policy_source and config_layers come from the config load', async () => {
    await withTempDir(async (dir) => {
      const { home, repo } = setup(dir);
      writeFileSync(join(home, 'config.toml'), 'sandbox_mode = "workspace-write"\n');
      let out = '';
      const ctx: CommandContext = { json: true, stdout: (t) => ((out += t), undefined), stderr: () => undefined, env: { HOME: dir }, processCwd: dir };
      expect(planCommand(['--platform', 'macos', '--json', '--codex-home', home, '--cwd', repo], ctx)).toBe(0);
      const j = JSON.parse(out);
      expect(j.backend).toBe('seatbelt');
      expect(j.policy_source).toEqual({ kind: 'config', key: 'sandbox_mode', value: 'workspace-write', layer: `user (${home}/config.toml)` });
      expect(j.config_layers.map((l: { name: string }) => l.name)).toEqual([
        'system (/etc/codex/config.toml)',
        `user (${home}/config.toml)`,
        `project (${repo}/.codex/config.toml)`,
      ]);
    });
  });
});
