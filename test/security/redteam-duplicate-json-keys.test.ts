// Issue #20 item 12: policy JSON text with a duplicated key was accepted, the last one winning
// (JSON.parse). A reviewer (or a tool checking the first occurrence) reads `"access": "deny"`
// while the sandbox gets `"access": "read"`. Duplicate keys are now E_POLICY_INVALID, before
// anything runs. The secret read below shows what last-wins let through.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { linuxSandboxCommand } from '../../lib/cli/linux-sandbox-entry';
import { runCaptured } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp';

const REPO = resolve(__dirname, '../..');
const VITE_NODE = join(REPO, 'node_modules/vite-node/vite-node.mjs');

function cli(argv: string[], home: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [VITE_NODE, join(__dirname, 'harness/cli-entry.ts'), JSON.stringify(argv)], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CODEX_HOME: join(home, '.codex') },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A profile whose deny entry carries `access` twice: deny first, read last. */
function profileText(ws: string, secret: string, second = '"access":"read"'): string {
  return `{"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"read"},{"path":{"type":"path","path":"${ws}"},"access":"write"},{"path":{"type":"path","path":"${secret}"},"access":"deny",${second}}]},"network":"restricted"}`;
}

describe.runIf(process.platform === 'linux')('redteam: duplicate keys in policy JSON', () => {
  it('codex-sandbox run, --permission-profile with "access" given twice (deny, then read): exit 125, one line naming the key and its path, nothing ran', () => {
    const dir = makeTempDir('dupkeys');
    try {
      const secret = join(dir.path, 'secret.txt');
      writeFileSync(secret, 'TOP SECRET\n');
      const marker = join(dir.path, 'ran');
      const r = cli(['run', '--cwd', dir.path, '--permission-profile', profileText(dir.path, secret), '--', '/bin/sh', '-c', `cat ${secret}; touch ${marker}`], dir.path);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(r.stdout, 'the denied file was read').not.toContain('TOP SECRET');
      expect(r.status, r.stderr).toBe(125);
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^codex-sandbox: .*duplicate key "access" at file_system\.entries\[2\]/);
      expect(existsSync(marker), 'the command ran').toBe(false);
    } finally {
      dir.remove();
    }
  }, 60_000);

  it('codex-linux-sandbox, --permission-profile, --sandbox-policy and the split pair with a duplicate key: refused, nothing ran', async () => {
    const dir = makeTempDir('dupkeys');
    try {
      const secret = join(dir.path, 'secret.txt');
      writeFileSync(secret, 'TOP SECRET\n');
      const marker = join(dir.path, 'ran');
      const command = ['--', '/bin/sh', '-c', `touch ${marker}`];
      const fsText = profileText(dir.path, secret)
        .replace(/^\{"type":"managed","file_system":\{"type":"restricted"/, '{"kind":"restricted"')
        .replace(/,"network":"restricted"\}$/, '');
      const variants: string[][] = [
        ['--permission-profile', profileText(dir.path, secret)],
        ['--sandbox-policy', '{"type":"read-only","type":"danger-full-access"}'],
        ['--file-system-sandbox-policy', fsText, '--network-sandbox-policy', '"restricted"'],
        ['--file-system-sandbox-policy', '{"kind":"restricted","kind":"unrestricted"}', '--network-sandbox-policy', '"restricted"'],
      ];
      for (const flags of variants) {
        const r = await runCaptured(linuxSandboxCommand, ['--sandbox-policy-cwd', dir.path, ...flags, ...command], { env: process.env, processCwd: dir.path });
        expect(r.code, `${flags[0]}: ${r.err}`).not.toBe(0);
        expect(r.err, flags[0]).toMatch(/duplicate key "(access|type|kind)"/);
        expect(existsSync(marker), `${flags[0]}: the command ran`).toBe(false);
      }
    } finally {
      dir.remove();
    }
  }, 60_000);
});
