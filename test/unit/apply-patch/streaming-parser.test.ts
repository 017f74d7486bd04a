// Streaming parsers (docs/reference.md#patch-grammar; parser.rs and streaming_parser.rs cases of docs/reference.md#conformance-cases).
import { describe, expect, it } from 'vitest';

import { parsePatch } from '../../../lib/apply-patch/parse-patch';
import { parsePatchStreaming, StreamingPatchParser } from '../../../lib/apply-patch/streaming-parser';
import { thrown } from '../../helpers/errors';

const LARGE = [
  '*** Begin Patch',
  '*** Add File: docs/a.md',
  '+# A',
  '+',
  '+text',
  '*** Update File: src/b.py',
  '@@ def f():',
  '-    return 1',
  '+    return 2',
  '@@',
  ' x = 1',
  '-y = 2',
  '+y = 3',
  '*** Delete File: old/c.txt',
  '*** Update File: src/d.py',
  '*** Move to: src/e.py',
  '@@',
  '-import os',
  '+import sys',
  '*** End of File',
  '*** Add File: f.txt',
  '+f',
  '*** Update File: g.txt',
  ' keep',
  '-drop',
  '*** Delete File: h.txt',
  '*** End Patch',
  '',
].join('\n');

describe('StreamingPatchParser.pushDelta', () => {
  it('counts only complete lines; a delete appears once its newline arrives', () => {
    const p = new StreamingPatchParser();
    expect(p.pushDelta('*** Begin Patch\n*** Add File: a.txt\n+hel')).toEqual([{ type: 'add', path: 'a.txt', contents: '' }]);
    expect(p.pushDelta('lo\n')).toEqual([{ type: 'add', path: 'a.txt', contents: 'hello\n' }]);
    expect(p.pushDelta('*** Delete File: b.txt')).toHaveLength(1);
    expect(p.pushDelta('\n')).toEqual([
      { type: 'add', path: 'a.txt', contents: 'hello\n' },
      { type: 'delete', path: 'b.txt' },
    ]);
  });

  it('reports the move destination and chunks of an update as they arrive', () => {
    const p = new StreamingPatchParser();
    p.pushDelta('*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n');
    expect(p.pushDelta('@@\n-x\n+y\n')).toEqual([
      { type: 'update', path: 'a.txt', movePath: 'b.txt', chunks: [{ changeContext: null, oldLines: ['x'], newLines: ['y'], isEndOfFile: false }] },
    ]);
  });

  it('is null before any hunk', () => {
    expect(new StreamingPatchParser().pushDelta('*** Begin Patch\n')).toBeNull();
  });

  it('fed one character at a time, the hunk count never decreases and ends as parsePatch', () => {
    const p = new StreamingPatchParser();
    const counts: number[] = [];
    let last: unknown = null;
    for (const ch of LARGE) {
      last = p.pushDelta(ch);
      counts.push(last === null ? 0 : (last as unknown[]).length);
    }
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]);
    expect([...new Set(counts)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(last).toEqual(parsePatch(LARGE).hunks);
    expect((last as Array<{ type: string; movePath?: string | null }>).map((h) => (h.type === 'update' && h.movePath ? 'move-update' : h.type))).toEqual([
      'add',
      'update',
      'delete',
      'move-update',
      'add',
      'update',
      'delete',
    ]);
  });

  it('errors: bad first line, bad header at line 2, non-+ line in an add hunk, junk after a delete', () => {
    expect(thrown(() => new StreamingPatchParser().pushDelta('bad\n')).message).toBe("Invalid patch: The first line of the patch must be '*** Begin Patch'");
    expect(thrown(() => new StreamingPatchParser().pushDelta('*** Begin Patch\nbad\n')).details).toMatchObject({ lineNumber: 2 });
    const hunkError = thrown(() => new StreamingPatchParser().pushDelta('*** Begin Patch\n*** Add File: a\nnope\n'));
    expect({ message: hunkError.message, details: hunkError.details }).toStrictEqual({
      message: "Invalid patch hunk on line 3: Unexpected line found in add file hunk: 'nope'. Every line should start with '+'",
      details: { kind: 'invalid_hunk', reason: "Unexpected line found in add file hunk: 'nope'. Every line should start with '+'", lineNumber: 3 },
    });
    expect(thrown(() => new StreamingPatchParser().pushDelta('*** Begin Patch\n*** Delete File: a\njunk\n')).message).toBe(
      "Invalid patch hunk on line 3: 'junk' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
    );
  });
});

describe('parsePatchStreaming', () => {
  it('partial add content is returned', () => {
    expect(parsePatchStreaming('*** Begin Patch\n*** Add File: a.txt\n+one\n+tw')).toEqual([{ type: 'add', path: 'a.txt', contents: 'one\ntw\n' }]);
  });

  it('a move and a chunk without the end marker parse', () => {
    expect(parsePatchStreaming('*** Begin Patch\n*** Update File: a\n*** Move to: b\n@@\n-x\n+y')).toEqual([
      { type: 'update', path: 'a', movePath: 'b', chunks: [{ changeContext: null, oldLines: ['x'], newLines: ['y'], isEndOfFile: false }] },
    ]);
  });

  it('a lone delete is accepted while streaming but not by the strict parser', () => {
    const text = '*** Begin Patch\n*** Delete File: gone.txt';
    expect(parsePatchStreaming(text)).toEqual([{ type: 'delete', path: 'gone.txt' }]);
    expect(thrown(() => parsePatch(text)).message).toBe("Invalid patch: The last line of the patch must be '*** End Patch'");
  });

  it('a trailing newline after the last header is fine', () => {
    expect(parsePatchStreaming('*** Begin Patch\n*** Add File: a.txt\n')).toEqual([{ type: 'add', path: 'a.txt', contents: '' }]);
  });

  it('a half-written last line (a lone @) is ignored when earlier hunks exist', () => {
    expect(parsePatchStreaming('*** Begin Patch\n*** Update File: a\n@@\n-x\n+y\n@')).toEqual([
      { type: 'update', path: 'a', movePath: null, chunks: [{ changeContext: null, oldLines: ['x'], newLines: ['y'], isEndOfFile: false }] },
    ]);
  });

  it('a final update without chunks is dropped when earlier hunks exist', () => {
    expect(parsePatchStreaming('*** Begin Patch\n*** Add File: a\n+x\n*** Update File: b\n')).toEqual([{ type: 'add', path: 'a', contents: 'x\n' }]);
  });

  it('the begin marker is required', () => {
    expect(thrown(() => parsePatchStreaming('*** Add File: a\n+x')).message).toContain("The first line of the patch must be '*** Begin Patch'");
  });

  it('every prefix of a large patch parses, with a hunk count that never decreases', () => {
    let previous = 0;
    for (let i = '*** Begin Patch\n'.length; i <= LARGE.length; i++) {
      const n = parsePatchStreaming(LARGE.slice(0, i)).length;
      expect(n).toBeGreaterThanOrEqual(previous);
      previous = n;
    }
    expect(parsePatchStreaming(LARGE)).toEqual(parsePatch(LARGE).hunks);
  });
});
