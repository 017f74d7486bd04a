// Applying patches (docs/reference.md#patch-application and the lib.rs/tool.rs cases of docs/reference.md#conformance-cases), through applyPatchLocally
// on a fresh temporary tree per test.
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { applyPatchLocally } from '../../../lib/apply-patch/apply-local';
import { isSandboxError } from '../../../lib/errors';
import { withTempDir } from '../../helpers/temp';
import { snapshotTree } from './tree';

const wrap = (...lines: string[]): string => ['*** Begin Patch', ...lines, '*** End Patch'].join('\n');

function applyError(text: string, cwd: string): { code: string; reference: unknown } {
  try {
    applyPatchLocally(text, cwd);
  } catch (err) {
    if (!isSandboxError(err)) throw err;
    return { code: err.code, reference: err.details?.referenceText ?? err.message };
  }
  throw new Error('expected the patch to fail');
}

describe('applyPatch: operations', () => {
  it('add file creates the file with its contents and reports A', async () => {
    await withTempDir((dir) => {
      const result = applyPatchLocally(wrap('*** Add File: add.txt', '+ab', '+cd'), dir);
      expect(readFileSync(join(dir, 'add.txt'), 'utf8')).toBe('ab\ncd\n');
      expect(result.summary).toBe('Success. Updated the following files:\nA add.txt\n');
    });
  });

  it('relative and absolute paths are both accepted; the summary keeps the spelling, grouped A, M, D', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'mod.txt'), 'x\n');
      writeFileSync(join(dir, 'del.txt'), 'x\n');
      const abs = join(dir, 'abs.txt');
      const result = applyPatchLocally(
        wrap('*** Delete File: ./del.txt', `*** Add File: ${abs}`, '+a', '*** Update File: mod.txt', '@@', '-x', '+y', '*** Add File: rel.txt', '+r'),
        dir,
      );
      expect(result.summary).toBe(`Success. Updated the following files:\nA ${abs}\nA rel.txt\nM mod.txt\nD ./del.txt\n`);
      expect(snapshotTree(dir)).toEqual({ 'abs.txt': 'a\n', 'mod.txt': 'y\n', 'rel.txt': 'r\n' });
    });
  });

  it('delete removes the file', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'del.txt'), 'x');
      expect(applyPatchLocally(wrap('*** Delete File: del.txt'), dir).deleted).toEqual(['del.txt']);
      expect(snapshotTree(dir)).toEqual({});
    });
  });

  it('update modifies the content', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'u.txt'), 'foo\nbar\n');
      applyPatchLocally(wrap('*** Update File: u.txt', '@@', ' foo', '-bar', '+baz'), dir);
      expect(readFileSync(join(dir, 'u.txt'), 'utf8')).toBe('foo\nbaz\n');
    });
  });

  it('update with move writes the destination, removes the source and reports M dest', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'src.txt'), 'line\n');
      const result = applyPatchLocally(wrap('*** Update File: src.txt', '*** Move to: dst.txt', '@@', '-line', '+line2'), dir);
      expect(result.summary).toBe('Success. Updated the following files:\nM dst.txt\n');
      expect(snapshotTree(dir)).toEqual({ 'dst.txt': 'line2\n' });
    });
  });

  it('a move onto its own path is a plain update and keeps the file (reference bug #6358 not copied)', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'diary.md'), 'old\n');
      const result = applyPatchLocally(wrap('*** Update File: diary.md', '*** Move to: ./diary.md', '@@', '-old', '+new'), dir);
      expect(result.summary).toBe('Success. Updated the following files:\nM ./diary.md\n');
      expect(snapshotTree(dir)).toEqual({ 'diary.md': 'new\n' });
    });
  });

  it('several chunks in one update list the file once', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'm.txt'), 'foo\nbar\nbaz\nqux\n');
      const result = applyPatchLocally(wrap('*** Update File: m.txt', '@@', ' foo', '-bar', '+BAR', '@@', ' baz', '-qux', '+QUX'), dir);
      expect(readFileSync(join(dir, 'm.txt'), 'utf8')).toBe('foo\nBAR\nbaz\nQUX\n');
      expect(result.modified).toEqual(['m.txt']);
    });
  });

  it('interleaved changes including an end-of-file append give a\\nB\\nc\\nd\\nE\\nf\\ng', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'i.txt'), 'a\nb\nc\nd\ne\nf\n');
      applyPatchLocally(wrap('*** Update File: i.txt', '@@', ' a', '-b', '+B', '@@', ' c', ' d', '-e', '+E', '@@', ' f', '+g', '*** End of File'), dir);
      expect(readFileSync(join(dir, 'i.txt'), 'utf8')).toBe('a\nB\nc\nd\nE\nf\ng\n');
    });
  });

  it('a pure addition chunk followed by a removal appends the added lines after everything else', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'p.txt'), 'line1\nline2\nline3\n');
      applyPatchLocally(wrap('*** Update File: p.txt', '@@', '+after-context', '+second-line', '@@', ' line1', '-line2', '-line3', '+line2-replacement'), dir);
      expect(readFileSync(join(dir, 'p.txt'), 'utf8')).toBe('line1\nline2-replacement\nafter-context\nsecond-line\n');
    });
  });

  it('an ASCII patch matches a line written with an EN DASH and a non-breaking hyphen', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'd.py'), 'import asyncio  # local import \u2013 avoids top\u2011level dep\n');
      applyPatchLocally(wrap('*** Update File: d.py', '@@', '-import asyncio  # local import - avoids top-level dep', '+import asyncio  # HELLO'), dir);
      expect(readFileSync(join(dir, 'd.py'), 'utf8')).toBe('import asyncio  # HELLO\n');
    });
  });

  it('two hunks on the same file see each other, and the file is listed twice', async () => {
    await withTempDir((dir) => {
      const result = applyPatchLocally(wrap('*** Add File: t.txt', '+one', '*** Update File: t.txt', '@@', '-one', '+two'), dir);
      expect(readFileSync(join(dir, 't.txt'), 'utf8')).toBe('two\n');
      expect(result.summary).toBe('Success. Updated the following files:\nA t.txt\nM t.txt\n');
    });
  });

  it('an end-of-file chunk cannot reach back over an earlier chunk: the reference fails such a patch', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'o.txt'), 'a\nb\nc\n');
      expect(applyError(wrap('*** Update File: o.txt', '@@', '-b', '-c', '+B', '+C', '@@', '-c', '+Z', '*** End of File'), dir).reference).toBe(
        `Failed to find expected lines in ${join(dir, 'o.txt')}:\nc`,
      );
      expect(readFileSync(join(dir, 'o.txt'), 'utf8')).toBe('a\nb\nc\n');
    });
  });

  it('a context line (@@ text) narrows the search to after it', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'c.py'), 'class A:\n    x = 1\nclass B:\n    x = 1\n');
      applyPatchLocally(wrap('*** Update File: c.py', '@@ class B:', '-    x = 1', '+    x = 2'), dir);
      expect(readFileSync(join(dir, 'c.py'), 'utf8')).toBe('class A:\n    x = 1\nclass B:\n    x = 2\n');
    });
  });
});

describe("applyPatch: line model (the reference's: every line keeps its own ending)", () => {
  it('a file without a final newline gains one', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'n.txt'), 'a\nb');
      applyPatchLocally(wrap('*** Update File: n.txt', '@@', '-a', '+A'), dir);
      expect(readFileSync(join(dir, 'n.txt'), 'utf8')).toBe('A\nb\n');
    });
  });

  it('a file ending in a blank line keeps it', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'b.txt'), 'a\nb\n\n');
      applyPatchLocally(wrap('*** Update File: b.txt', '@@', '-a', '+A'), dir);
      expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('A\nb\n\n');
    });
  });

  it("a CRLF file stays CRLF: lines from the patch get the file's first line ending", async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'w.txt'), 'one\r\ntwo\r\nthree\r\n');
      applyPatchLocally(wrap('*** Update File: w.txt', '@@', '-two', '+TWO'), dir);
      expect(readFileSync(join(dir, 'w.txt'), 'utf8')).toBe('one\r\nTWO\r\nthree\r\n');
    });
  });

  it('removing every line leaves an empty file', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'e.txt'), 'only\n');
      applyPatchLocally(wrap('*** Update File: e.txt', '@@', '-only'), dir);
      expect(readFileSync(join(dir, 'e.txt'), 'utf8')).toBe('');
    });
  });

  it('a trailing empty context line stands for the final newline and is retried without it', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 't.txt'), 'a\nb\n');
      applyPatchLocally(wrap('*** Update File: t.txt', '@@', ' a', '-b', '+B', ''), dir);
      expect(readFileSync(join(dir, 't.txt'), 'utf8')).toBe('a\nB\n');
    });
  });
});

describe('applyPatch: failures change nothing', () => {
  it('a failure after an earlier successful hunk leaves the tree untouched (differs from reference fixture 015)', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'keep.txt'), 'keep\n');
      const before = snapshotTree(dir);
      expect(applyError(wrap('*** Add File: created.txt', '+hello', '*** Delete File: keep.txt', '*** Update File: missing.txt', '@@', '-a', '+b'), dir)).toEqual({
        code: 'E_PATCH_APPLY',
        reference: `Failed to read file to update ${join(dir, 'missing.txt')}: No such file or directory (os error 2)`,
      });
      expect(snapshotTree(dir)).toEqual(before);
    });
  });

  it('a context that is not found names it and the file', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'f.txt'), 'a\n');
      expect(applyError(wrap('*** Update File: f.txt', '@@ nope', '-a', '+b'), dir).reference).toBe(`Failed to find context 'nope' in ${join(dir, 'f.txt')}`);
    });
  });

  it('lines that are not found are listed after the path', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'f.txt'), 'a\n');
      expect(applyError(wrap('*** Update File: f.txt', '@@', ' x', '-y', '+z'), dir).reference).toBe(`Failed to find expected lines in ${join(dir, 'f.txt')}:\nx\ny`);
    });
  });

  it('an empty patch is "No files were modified."', async () => {
    await withTempDir((dir) => {
      expect(applyError(wrap(), dir).reference).toBe('No files were modified.');
    });
  });

  it('writing onto a directory fails with "Failed to write file"', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'sub'));
      expect(applyError(wrap('*** Add File: sub', '+x'), dir).reference).toBe(`Failed to write file ${join(dir, 'sub')}`);
    });
  });

  it('a parent path that is a file fails with "Failed to write file" (the write meets ENOTDIR first)', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'file'), 'x');
      expect(applyError(wrap('*** Add File: file/child.txt', '+x'), dir).reference).toBe(`Failed to write file ${join(dir, 'file/child.txt')}`);
      expect(applyError(wrap('*** Add File: file/new/child.txt', '+x'), dir).reference).toBe(`Failed to write file ${join(dir, 'file/new/child.txt')}`);
    });
  });

  it("an update of a file that is not UTF-8 fails with Rust's Utf8Error text", async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'bin.dat'), Buffer.from([0x61, 0xff, 0xfe, 0x0a]));
      expect(applyError(wrap('*** Update File: bin.dat', '@@', '-a', '+b'), dir).reference).toBe(
        `Failed to read file to update ${join(dir, 'bin.dat')}: invalid utf-8 sequence of 1 bytes from index 1`,
      );
    });
  });

  it('an update of a directory fails with the reference\'s "is not a file"', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'sub'));
      expect(applyError(wrap('*** Update File: sub', '@@', '+b'), dir).reference).toBe(
        `Failed to read file to update ${join(dir, 'sub')}: path \`${join(dir, 'sub')}\` is not a file`,
      );
    });
  });
});

describe('applyPatch: atomic writes', () => {
  it('an updated file keeps its permission bits', async () => {
    await withTempDir((dir) => {
      const target = join(dir, 'run.sh');
      writeFileSync(target, 'echo a\n');
      chmodSync(target, 0o750);
      applyPatchLocally(wrap('*** Update File: run.sh', '@@', '-echo a', '+echo b'), dir);
      expect(statSync(target).mode & 0o777).toBe(0o750);
    });
  });

  it('no temporary or set-aside file is left after success', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'a.txt'), 'a\n');
      writeFileSync(join(dir, 'b.txt'), 'b\n');
      applyPatchLocally(wrap('*** Delete File: a.txt', '*** Update File: b.txt', '@@', '-b', '+c', '*** Add File: d/e.txt', '+e'), dir);
      expect(snapshotTree(dir)).toEqual({ 'b.txt': 'c\n', 'd/': '<dir>', 'd/e.txt': 'e\n' });
    });
  });

  it('a write through a symlink updates the link target and keeps the link', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'real.txt'), 'a\n');
      symlinkSync('real.txt', join(dir, 'link.txt'));
      applyPatchLocally(wrap('*** Update File: link.txt', '@@', '-a', '+b'), dir);
      expect(readFileSync(join(dir, 'real.txt'), 'utf8')).toBe('b\n');
      expect(statSync(join(dir, 'link.txt')).isFile()).toBe(true);
    });
  });

  it('deleting a file then adding a file below the same name replaces it with a directory', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'x'), 'file\n');
      applyPatchLocally(wrap('*** Delete File: x', '*** Add File: x/y.txt', '+y'), dir);
      expect(snapshotTree(dir)).toEqual({ 'x/': '<dir>', 'x/y.txt': 'y\n' });
    });
  });
});
