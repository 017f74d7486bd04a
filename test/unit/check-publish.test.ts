// scripts/check-publish.js (prepublishOnly): a manifest without a repository address is not
// published; the package's own manifest has none until the owner supplies it.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { withTempDir } from '../helpers/temp';

const SCRIPT = resolve(__dirname, '../../scripts/check-publish.js');

function check(manifestPath: string): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [SCRIPT, manifestPath], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

function manifestIn(dir: string, fields: Record<string, unknown>): string {
  const file = join(dir, 'package.json');
  writeFileSync(file, JSON.stringify({ name: 'x', version: '1.0.0', ...fields }));
  return file;
}

describe('check-publish', () => {
  it('refuses a manifest with no repository, naming the file', () =>
    withTempDir((dir) => {
      const file = manifestIn(dir, {});
      const r = check(file);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`${file} has no "repository" field`);
    }));

  it('refuses an empty repository url', () =>
    withTempDir((dir) => {
      expect(check(manifestIn(dir, { repository: { type: 'git', url: ' ' } })).status).toBe(1);
    }));

  it('accepts a repository given as an object or a string', () =>
    withTempDir((dir) => {
      expect(check(manifestIn(dir, { repository: { type: 'git', url: 'git+https://example.invalid/a.git' } })).status).toBe(0);
      expect(check(manifestIn(dir, { repository: 'example/a' })).status).toBe(0);
    }));

  it('is wired as prepublishOnly', () => {
    const manifest = require('../../package.json') as { scripts: Record<string, string> };
    expect(manifest.scripts.prepublishOnly).toBe('node scripts/check-publish.js');
  });
});
