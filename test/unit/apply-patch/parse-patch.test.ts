// Parser cases of docs/reference.md#conformance-cases (parser.rs): grammar, lenient heredoc wrapper, exact messages and
// line numbers.
import { describe, expect, it } from 'vitest';

import { isSandboxError } from '../../../lib/errors';
import { parsePatch } from '../../../lib/apply-patch/parse-patch';

function parseError(text: string): { code: string; message: string; details: Record<string, unknown> | undefined } {
  try {
    parsePatch(text);
  } catch (err) {
    if (!isSandboxError(err)) throw err;
    return { code: err.code, message: err.message, details: err.details };
  }
  throw new Error('expected a parse error');
}

const FIRST_LINE = "Invalid patch: The first line of the patch must be '*** Begin Patch'";
const LAST_LINE = "Invalid patch: The last line of the patch must be '*** End Patch'";

describe('parsePatch: envelope', () => {
  it('a first line that is not the begin marker is the first-line error', () => {
    expect(parseError('bad')).toEqual({
      code: 'E_PATCH_PARSE',
      message: FIRST_LINE,
      details: { kind: 'invalid_patch', reason: "The first line of the patch must be '*** Begin Patch'" },
    });
  });

  it('a begin marker without an end marker is the last-line error', () => {
    expect(parseError('*** Begin Patch\nbad').message).toBe(LAST_LINE);
  });

  it('empty input and a lone begin marker are the last-line error', () => {
    expect(parseError('').message).toBe(LAST_LINE);
    expect(parseError('   \n').message).toBe(LAST_LINE);
    expect(parseError('*** Begin Patch').message).toBe(LAST_LINE);
  });

  it('markers padded with spaces on their own lines are accepted', () => {
    expect(parsePatch('*** Begin Patch \n*** Add File: a\n+x\n *** End Patch').hunks).toHaveLength(1);
    expect(parsePatch(' *** Begin Patch\n*** End Patch ').hunks).toEqual([]);
  });

  it('begin and end with nothing between is a patch with zero hunks', () => {
    expect(parsePatch('*** Begin Patch\n*** End Patch')).toEqual({ hunks: [], patch: '*** Begin Patch\n*** End Patch' });
  });

  it('CRLF line endings in the patch are accepted and dropped', () => {
    const { hunks } = parsePatch('*** Begin Patch\r\n*** Add File: a.txt\r\n+one\r\n*** End Patch\r\n');
    expect(hunks).toEqual([{ type: 'add', path: 'a.txt', contents: 'one\n' }]);
  });
});

describe('parsePatch: lenient heredoc wrapper', () => {
  const inner = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch';
  for (const opener of ['<<EOF', "<<'EOF'", '<<"EOF"']) {
    it(`a ${opener} wrapper is removed and the kept patch excludes it`, () => {
      const parsed = parsePatch(`${opener}\n${inner}\nEOF\n`);
      expect(parsed.patch).toBe(inner);
      expect(parsed.hunks).toEqual([{ type: 'add', path: 'a.txt', contents: 'hi\n' }]);
    });
  }

  it('mismatched quotes <<"EOF\' are rejected with the first-line error', () => {
    expect(parseError(`<<"EOF'\n${inner}\nEOF\n`).message).toBe(FIRST_LINE);
  });

  it('a wrapper whose inner text lacks the end marker is the last-line error', () => {
    expect(parseError("<<'EOF'\n*** Begin Patch\n*** Add File: a.txt\n+hi\nEOF\n").message).toBe(LAST_LINE);
  });

  it('a wrapper needs at least four lines', () => {
    expect(parseError('<<EOF\n*** Begin Patch\nEOF').message).toBe(FIRST_LINE);
  });
});

describe('parsePatch: hunks', () => {
  it('add, delete, update with move and @@ context parse to typed hunks', () => {
    const text = [
      '*** Begin Patch',
      '*** Add File: path/add.py',
      '+abc',
      '+def',
      '*** Delete File: path/delete.py',
      '*** Update File: path/update.py',
      '*** Move to: path/update2.py',
      '@@ def f():',
      '-    pass',
      '+    return 123',
      '*** End Patch',
    ].join('\n');
    expect(parsePatch(text).hunks).toEqual([
      { type: 'add', path: 'path/add.py', contents: 'abc\ndef\n' },
      { type: 'delete', path: 'path/delete.py' },
      {
        type: 'update',
        path: 'path/update.py',
        movePath: 'path/update2.py',
        chunks: [{ changeContext: 'def f():', oldLines: ['    pass'], newLines: ['    return 123'], isEndOfFile: false }],
      },
    ]);
  });

  it('an update followed by an add parses both', () => {
    const text = '*** Begin Patch\n*** Update File: f.py\n@@\n+line\n*** Add File: other.py\n+content\n*** End Patch';
    expect(parsePatch(text).hunks).toEqual([
      { type: 'update', path: 'f.py', movePath: null, chunks: [{ changeContext: null, oldLines: [], newLines: ['line'], isEndOfFile: false }] },
      { type: 'add', path: 'other.py', contents: 'content\n' },
    ]);
  });

  it('a first chunk without an @@ header is accepted', () => {
    const text = '*** Begin Patch\n*** Update File: file.py\n import foo\n+bar\n*** End Patch';
    expect(parsePatch(text).hunks).toEqual([
      { type: 'update', path: 'file.py', movePath: null, chunks: [{ changeContext: null, oldLines: ['import foo'], newLines: ['import foo', 'bar'], isEndOfFile: false }] },
    ]);
  });

  it('an add hunk without + lines is an empty file', () => {
    expect(parsePatch('*** Begin Patch\n*** Add File: empty.txt\n*** End Patch').hunks).toEqual([{ type: 'add', path: 'empty.txt', contents: '' }]);
  });

  it('relative and absolute hunk paths are kept verbatim', () => {
    const text = '*** Begin Patch\n*** Add File: /abs/a.txt\n+x\n*** Delete File: rel/b.txt\n*** Update File: ../c.txt\n*** Move to: /abs/d.txt\n@@\n-x\n+y\n*** End Patch';
    const hunks = parsePatch(text).hunks;
    expect(hunks.map((h) => h.path)).toEqual(['/abs/a.txt', 'rel/b.txt', '../c.txt']);
    expect(hunks[2]).toMatchObject({ movePath: '/abs/d.txt' });
  });

  it('an update hunk with no chunk is an error at its header line', () => {
    expect(parseError('*** Begin Patch\n*** Update File: test.py\n*** End Patch')).toEqual({
      code: 'E_PATCH_PARSE',
      message: "Invalid patch hunk on line 2: Update file hunk for path 'test.py' is empty",
      details: { kind: 'invalid_hunk', reason: "Update file hunk for path 'test.py' is empty", lineNumber: 2 },
    });
  });

  it('an invalid hunk header names the trimmed line and its number', () => {
    expect(parseError('*** Begin Patch\n*** Add File: a\n+x\n  bad  \n*** End Patch').message).toBe(
      "Invalid patch hunk on line 4: 'bad' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
    );
  });

  it('a blank line between hunks is not a valid hunk header', () => {
    expect(parseError('*** Begin Patch\n*** Delete File: a\n\n*** Delete File: b\n*** End Patch').details).toMatchObject({ lineNumber: 3 });
  });

  it('blank lines between chunks of one update are skipped', () => {
    const text = '*** Begin Patch\n*** Update File: f\n@@\n-a\n+b\n\n\n@@\n-c\n+d\n*** End Patch';
    const [hunk] = parsePatch(text).hunks;
    expect(hunk.type === 'update' && hunk.chunks.length).toBe(2);
  });
});

describe('parsePatch: update chunks (update_file_chunk cases)', () => {
  const wrap = (...body: string[]): string => ['*** Begin Patch', '*** Update File: f', ...body, '*** End Patch'].join('\n');

  it('a second chunk without @@ is "Expected update hunk to start with a @@ context marker" at its line', () => {
    expect(parseError(wrap('@@', '-a', '+b', 'bad')).message).toBe("Invalid patch hunk on line 6: Expected update hunk to start with a @@ context marker, got: 'bad'");
  });

  it('@@ with nothing after it is "does not contain any lines" at the next line', () => {
    expect(parseError('*** Begin Patch\n*** Update File: f\n@@').message).toBe(LAST_LINE);
    expect(parseError(wrap('@@ ctx', '*** End of File')).message).toBe('Invalid patch hunk on line 4: Update hunk does not contain any lines');
  });

  it('@@ then a line with an unknown prefix is "Unexpected line found in update hunk" at +1', () => {
    expect(parseError(wrap('@@', 'bad')).message).toBe(
      "Invalid patch hunk on line 4: Unexpected line found in update hunk: 'bad'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)",
    );
  });

  it('a full chunk with an empty line, context, removal and addition stops at the end marker', () => {
    const [ok] = parsePatch(wrap('@@', ' bar', '', ' baz', '-qux', '+quux', '+quuz')).hunks;
    expect(ok).toEqual({
      type: 'update',
      path: 'f',
      movePath: null,
      chunks: [{ changeContext: null, oldLines: ['bar', '', 'baz', 'qux'], newLines: ['bar', '', 'baz', 'quux', 'quuz'], isEndOfFile: false }],
    });
  });

  it('*** End of File after a chunk marks it end-anchored', () => {
    const [hunk] = parsePatch(wrap('@@', '+line', '*** End of File')).hunks;
    expect(hunk).toEqual({
      type: 'update',
      path: 'f',
      movePath: null,
      chunks: [{ changeContext: null, oldLines: [], newLines: ['line'], isEndOfFile: true }],
    });
  });

  it('@@ with text keeps the text as context, without trailing blanks', () => {
    const [hunk] = parsePatch(wrap('@@   class A:  ', '-x', '+y')).hunks;
    expect(hunk).toMatchObject({ chunks: [{ changeContext: '  class A:' }] });
  });

  it('a second @@ line right after the first is rejected, as in the reference', () => {
    expect(parseError(wrap('@@ class A', '@@ def f', '-x', '+y')).message).toContain("Unexpected line found in update hunk: '@@ def f'");
  });
});

// Parser behaviour of the reference binary 0.171.0, each checked against it (issue #16).
describe("parsePatch: the reference binary's current parser", () => {
  const wrap = (...body: string[]): string => ['*** Begin Patch', '*** Update File: f', ...body, '*** End Patch'].join('\n');
  const chunksOf = (text: string): unknown => {
    const [hunk] = parsePatch(text).hunks;
    return hunk.type === 'update' ? hunk.chunks : null;
  };

  it('CRLF is folded to LF before the split: CR CR LF ends a line without CR, CR CR CR LF keeps one', () => {
    expect(chunksOf('*** Begin Patch\n*** Update File: f\n-a\r\r\n+b\r\r\r\n*** End Patch')).toEqual([
      { changeContext: null, oldLines: ['a'], newLines: ['b\r'], isEndOfFile: false },
    ]);
  });

  it('a blank line right after the header is an empty context line of the first chunk', () => {
    expect(chunksOf(wrap('', '-b'))).toEqual([{ changeContext: null, oldLines: ['', 'b'], newLines: [''], isEndOfFile: false }]);
  });

  it('*** End of File lines before the first chunk are ignored, and *** Move to: may follow them', () => {
    expect(parsePatch(wrap('*** End of File', '*** Move to: g  ', '*** End of File', '-a')).hunks).toEqual([
      { type: 'update', path: 'f', movePath: 'g', chunks: [{ changeContext: null, oldLines: ['a'], newLines: [], isEndOfFile: false }] },
    ]);
  });

  it('@@ and *** End of File may carry trailing blanks', () => {
    expect(chunksOf(wrap('@@  ', '-a', '*** End of File  '))).toEqual([{ changeContext: null, oldLines: ['a'], newLines: [], isEndOfFile: true }]);
  });

  it('after a chunk, a *** line that is not a hunk header needs an @@ (it no longer ends the hunk)', () => {
    expect(parseError(wrap('-a', '*** End of File', '*** End of File')).message).toBe(
      "Invalid patch hunk on line 5: Expected update hunk to start with a @@ context marker, got: '*** End of File'",
    );
  });

  it('blank lines are skipped only after *** End of File; elsewhere a whitespace line needs an @@', () => {
    expect(chunksOf(wrap('-a', '*** End of File', '\t', '@@', '-b'))).toHaveLength(2);
    expect(parseError(wrap('-a', '\t', '@@', '-b')).message).toBe("Invalid patch hunk on line 4: Expected update hunk to start with a @@ context marker, got: '\t'");
  });

  it('an unexpected first line of a chunk without @@ is reported at its own line', () => {
    expect(parseError(wrap('garbage')).message).toBe(
      "Invalid patch hunk on line 3: Unexpected line found in update hunk: 'garbage'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)",
    );
  });

  it('an end marker where a hunk may start ends the patch when only blank lines follow it', () => {
    expect(parsePatch('*** Begin Patch\n*** Add File: x\n+y\n*** End Patch\n\n  \n*** End Patch').hunks).toEqual([{ type: 'add', path: 'x', contents: 'y\n' }]);
    expect(parseError('*** Begin Patch\n*** Add File: x\n+y\n*** End Patch\n+z\n*** End Patch').message).toBe(LAST_LINE);
  });

  it('@@ followed by the end marker is a chunk without lines', () => {
    expect(parseError(wrap('-a', '@@', '*** End Patch', '')).message).toBe('Invalid patch hunk on line 5: Update hunk does not contain any lines');
  });
});
