// The node:fs-backed WindowsHostView answers from the real file system (exercised here on the
// test host's own paths; on Windows the same calls resolve junctions and 8.3 names).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeWindowsHostView } from '../../../lib/platform/windows/node-host';
import { withTempDir } from '../../helpers/temp';

describe('nodeWindowsHostView', () => {
  it('reports kinds, final paths through links, listings and small text files; missing paths are undefined', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'real'));
      writeFileSync(join(dir, 'real', '.git'), 'gitdir: ../elsewhere\n');
      symlinkSync(join(dir, 'real'), join(dir, 'link'));
      const host = nodeWindowsHostView();
      expect(host.kind(join(dir, 'real'))).toBe('dir');
      expect(host.kind(join(dir, 'real', '.git'))).toBe('file');
      expect(host.kind(join(dir, 'missing'))).toBeUndefined();
      expect(host.finalPath(join(dir, 'link'))).toBe(join(dir, 'real'));
      expect(host.finalPath(join(dir, 'missing'))).toBeUndefined();
      expect(host.listDir(dir)?.sort()).toEqual(['link', 'real']);
      expect(host.listDir(join(dir, 'missing'))).toBeUndefined();
      expect(host.readText(join(dir, 'real', '.git'))).toBe('gitdir: ../elsewhere\n');
      expect(host.readText(join(dir, 'real'))).toBeUndefined();
      writeFileSync(join(dir, 'big'), 'x'.repeat(64 * 1024 + 1));
      expect(host.readText(join(dir, 'big'))).toBeUndefined();
      expect(host.finalPath('C:\\definitely\\not\\here')).toBeUndefined();
    });
  });
});
