// Issue #20 item 11: an invalid UTF-8 byte in a deny path decodes to U+FFFD (argv, JSON text,
// config files), so the deny names another file than the one the user meant and the real file
// stays readable. Such a path is refused before anything runs. The bytes go through a shell
// untouched (argv is bytes on Linux); Node decodes them as any caller of the CLI would.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../lib/config/load-config';
import { isSandboxError } from '../../lib/errors';
import { makeTempDir } from '../helpers/temp';

const REPO = resolve(__dirname, '../..');
const VITE_NODE = join(REPO, 'node_modules/vite-node/vite-node.mjs');
const CLI_ENTRY = join(__dirname, 'harness/cli-entry.ts');

/** Runs the CLI with `argvBytes` (its argv list as JSON, raw bytes) through bash, so no byte is re-encoded. */
function cliWithBytes(argvBytes: Buffer, dir: string): { status: number | null; stderr: string } {
  const argFile = join(dir, 'argv.json');
  writeFileSync(argFile, argvBytes);
  const r = spawnSync('/bin/bash', ['-c', 'exec "$0" "$1" "$2" "$(cat "$3")"', process.execPath, VITE_NODE, CLI_ENTRY, argFile], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, CODEX_HOME: join(dir, '.codex') },
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr };
}

describe.runIf(process.platform === 'linux')('redteam: invalid UTF-8 in deny paths', () => {
  it('CLI run, --permission-profile with a deny path holding byte 0xff: exit 125, one codex-sandbox line, nothing ran', () => {
    const dir = makeTempDir('utf8');
    try {
      const marker = join(dir.path, 'ran');
      const profile = (deny: Buffer): Buffer =>
        Buffer.concat([
          Buffer.from(
            `{"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"read"},{"path":{"type":"path","path":"${dir.path}"},"access":"write"},{"path":{"type":"path","path":"`,
          ),
          deny,
          Buffer.from('"},"access":"deny"}]},"network":"restricted"}'),
        ]);
      const argv = (deny: Buffer): Buffer => {
        const json = profile(deny);
        // The argv list is JSON too: the profile goes in as a JSON string (quotes escaped).
        const escaped = Buffer.from(json.toString('latin1').replace(/\\/g, '\\\\').replace(/"/g, '\\"'), 'latin1');
        return Buffer.concat([Buffer.from(`["run","--cwd","${dir.path}","--permission-profile","`), escaped, Buffer.from(`","--","/bin/sh","-c","touch ${marker}"]`)]);
      };
      // Control: the same argv with a valid name runs the command.
      const ok = cliWithBytes(argv(Buffer.from(join(dir.path, 'secret'))), dir.path);
      expect(ok.status, ok.stderr).toBe(0);
      expect(existsSync(marker)).toBe(true);
      spawnSync('rm', ['-f', marker]);

      const r = cliWithBytes(argv(Buffer.concat([Buffer.from(join(dir.path, 'secret')), Buffer.from([0xff])])), dir.path);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(r.status, r.stderr).toBe(125);
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^codex-sandbox: .*U\+FFFD.*cannot be named exactly/);
      expect(existsSync(marker), 'the command ran').toBe(false);
    } finally {
      dir.remove();
    }
  }, 120_000);

  it('config.toml with byte 0xff in a deny path: E_CONFIG_PARSE naming the file', () => {
    const dir = makeTempDir('utf8');
    try {
      const codexHome = join(dir.path, '.codex');
      mkdirSync(codexHome);
      const file = join(codexHome, 'config.toml');
      writeFileSync(
        file,
        Buffer.concat([
          Buffer.from('default_permissions = "p"\n[permissions.p]\nextends = ":workspace"\n[permissions.p.filesystem]\n"'),
          Buffer.from(join(dir.path, 'secret')),
          Buffer.from([0xff]),
          Buffer.from('" = "deny"\n'),
        ]),
      );
      let caught: unknown;
      try {
        loadConfig({
          cwd: dir.path,
          codexHome,
          homeDir: dir.path,
          env: {},
          systemConfigPath: join(dir.path, 'none.toml'),
          systemRequirementsPath: join(dir.path, 'none-req.toml'),
          managedConfigPath: join(dir.path, 'none-m.toml'),
          platform: 'linux',
        });
      } catch (err) {
        caught = err;
      }
      expect(isSandboxError(caught) && caught.code).toBe('E_CONFIG_PARSE');
      expect((caught as Error).message).toContain(file);
      expect((caught as Error).message).toMatch(/not valid UTF-8/);
    } finally {
      dir.remove();
    }
  });
});
