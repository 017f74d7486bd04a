// maybeParseApplyPatchVerified and its unified diffs (invocation.rs cases of docs/reference.md#conformance-cases).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { unifiedDiff } from '../../../lib/apply-patch/unified-diff';
import { maybeParseApplyPatchVerified } from '../../../lib/apply-patch/verify-invocation';
import { withTempDir } from '../../helpers/temp';

const wrap = (...lines: string[]): string => ['*** Begin Patch', ...lines, '*** End Patch'].join('\n');

function diffFor(dir: string, original: string, ...chunk: string[]): string {
  writeFileSync(join(dir, 'f.txt'), original);
  const r = maybeParseApplyPatchVerified(['apply_patch', wrap('*** Update File: f.txt', ...chunk)], dir);
  if (r.kind !== 'apply_patch') throw new Error(`expected apply_patch, got ${JSON.stringify(r)}`);
  const change = r.changes[0];
  if (change.type !== 'update') throw new Error('expected an update');
  // Verification never writes.
  expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe(original);
  return change.unifiedDiff;
}

describe('maybeParseApplyPatchVerified: unified diffs', () => {
  it('two chunks in a four-line file are one hunk', async () => {
    await withTempDir((dir) => {
      expect(diffFor(dir, 'foo\nbar\nbaz\nqux\n', '@@', ' foo', '-bar', '+BAR', '@@', ' baz', '-qux', '+QUX')).toBe('@@ -1,4 +1,4 @@\n foo\n-bar\n+BAR\n baz\n-qux\n+QUX\n');
    });
  });

  it('first line replacement', async () => {
    await withTempDir((dir) => {
      expect(diffFor(dir, 'foo\nbar\nbaz\n', '@@', '-foo', '+FOO', ' bar')).toBe('@@ -1,2 +1,2 @@\n-foo\n+FOO\n bar\n');
    });
  });

  it('last line replacement', async () => {
    await withTempDir((dir) => {
      expect(diffFor(dir, 'foo\nbar\nbaz\n', '@@', ' foo', ' bar', '-baz', '+BAZ')).toBe('@@ -2,2 +2,2 @@\n bar\n-baz\n+BAZ\n');
    });
  });

  it('insert at end of file', async () => {
    await withTempDir((dir) => {
      expect(diffFor(dir, 'foo\nbar\nbaz\n', '@@', ' baz', '+quux', '*** End of File')).toBe('@@ -3 +3,2 @@\n baz\n+quux\n');
    });
  });

  it('interleaved changes', async () => {
    await withTempDir((dir) => {
      expect(diffFor(dir, 'a\nb\nc\nd\ne\nf\n', '@@', ' a', '-b', '+B', '@@', ' c', ' d', '-e', '+E', '@@', ' f', '+g', '*** End of File')).toBe(
        '@@ -1,6 +1,7 @@\n a\n-b\n+B\n c\n d\n-e\n+E\n f\n+g\n',
      );
    });
  });

  it('changes far apart are separate hunks; a file without final newline is marked', () => {
    expect(unifiedDiff('1\n2\n3\n4\n5\n6\n', '1\nX\n3\n4\n5\nY\n')).toBe('@@ -1,3 +1,3 @@\n 1\n-2\n+X\n 3\n@@ -5,2 +5,2 @@\n 5\n-6\n+Y\n');
    expect(unifiedDiff('a', 'a\nb\n')).toBe('@@ -1 +1,2 @@\n-a\n\\ No newline at end of file\n+a\n+b\n');
    expect(unifiedDiff('same\n', 'same\n')).toBe('');
  });
});

describe('maybeParseApplyPatchVerified: changes and cwd', () => {
  it('a relative path is read from the given cwd and the change carries the absolute path', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'source.txt'), 'session directory content\n');
      const r = maybeParseApplyPatchVerified(['apply_patch', wrap('*** Update File: source.txt', '@@', '-session directory content', '+updated session directory content')], dir);
      expect(r).toEqual({
        kind: 'apply_patch',
        patch: wrap('*** Update File: source.txt', '@@', '-session directory content', '+updated session directory content'),
        cwd: dir,
        changes: [
          {
            type: 'update',
            path: join(dir, 'source.txt'),
            movePath: null,
            unifiedDiff: '@@ -1 +1 @@\n-session directory content\n+updated session directory content\n',
            newContent: 'updated session directory content\n',
          },
        ],
      });
    });
  });

  it('cd alt && apply_patch resolves the file and the move destination under alt', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'alt'));
      writeFileSync(join(dir, 'alt/old.txt'), 'old\n');
      const script = `cd alt && apply_patch <<'EOF'\n${wrap('*** Update File: old.txt', '*** Move to: renamed.txt', '@@', '-old', '+new')}\nEOF\n`;
      const r = maybeParseApplyPatchVerified(['bash', '-lc', script], dir);
      expect(r).toMatchObject({ kind: 'apply_patch', cwd: join(dir, 'alt'), changes: [{ path: join(dir, 'alt/old.txt'), movePath: join(dir, 'alt/renamed.txt') }] });
    });
  });

  it('add and delete carry the content; a missing file to delete is "Failed to read"', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'gone.txt'), 'bye\n');
      const r = maybeParseApplyPatchVerified(['apply_patch', wrap('*** Add File: new.txt', '+hi', '*** Delete File: gone.txt')], dir);
      expect(r).toMatchObject({
        changes: [
          { type: 'add', content: 'hi\n' },
          { type: 'delete', content: 'bye\n' },
        ],
      });
      const missing = maybeParseApplyPatchVerified(['apply_patch', wrap('*** Delete File: nope.txt')], dir);
      expect(missing.kind === 'error' && missing.error.message).toBe(`Failed to read ${join(dir, 'nope.txt')}: No such file or directory (os error 2)`);
    });
  });

  it('lines that do not match are an apply error, not an exception', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'f.txt'), 'a\n');
      const r = maybeParseApplyPatchVerified(['apply_patch', wrap('*** Update File: f.txt', '@@', '-zzz', '+y')], dir);
      expect(r.kind === 'error' && r.error.code).toBe('E_PATCH_APPLY');
    });
  });

  it('a command that is not apply_patch passes through', () => {
    expect(maybeParseApplyPatchVerified(['ls', '-la'], '/')).toEqual({ kind: 'not_apply_patch' });
  });
});
