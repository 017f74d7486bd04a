// seek_sequence cases of docs/reference.md#conformance-cases plus the pass order and end-of-file anchoring of docs/reference.md#patch-application.
import { describe, expect, it } from 'vitest';

import { seekSequence } from '../../../lib/apply-patch/seek-sequence';
import { rustLines, rustTrim } from '../../../lib/apply-patch/rust-text';

describe('seekSequence', () => {
  it('exact match finds a two-line sequence at index 1', () => {
    expect(seekSequence(['foo', 'bar', 'baz'], ['bar', 'baz'], 0, false)).toBe(1);
  });

  it('the second pass ignores trailing spaces and tabs (and a trailing CR)', () => {
    expect(seekSequence(['foo   ', 'bar\t\t', 'baz\r'], ['foo', 'bar', 'baz'], 0, false)).toBe(0);
  });

  it('the third pass ignores leading and trailing whitespace', () => {
    expect(seekSequence(['    foo   ', '   bar\t'], ['foo', 'bar'], 0, false)).toBe(0);
  });

  it('a pattern longer than the input is not found and does not throw', () => {
    expect(seekSequence(['just one line'], ['too', 'many', 'lines'], 0, false)).toBe(-1);
  });

  it('an empty pattern is found at the start position', () => {
    expect(seekSequence(['a', 'b'], [], 1, false)).toBe(1);
  });

  it('the fourth pass maps typographic dashes, quotes and spaces to ASCII', () => {
    const file = ['x = \u201Chello\u201D \u2013 it\u2019s\u00A0here'];
    expect(seekSequence(file, ['x = "hello" - it\'s here'], 0, false)).toBe(0);
  });

  it('an exact match later in the file beats a fuzzy match earlier', () => {
    expect(seekSequence(['  a', 'b', 'a'], ['a'], 0, false)).toBe(2);
  });

  it('the search starts at the given position', () => {
    expect(seekSequence(['a', 'b', 'a', 'b'], ['a', 'b'], 1, false)).toBe(2);
    expect(seekSequence(['a', 'b'], ['a'], 1, false)).toBe(-1);
  });

  it('with eof the only candidate ends at the last line, even before the start position', () => {
    expect(seekSequence(['a', 'b', 'a', 'b'], ['a', 'b'], 0, true)).toBe(2);
    expect(seekSequence(['a', 'b', 'c'], ['a', 'b'], 0, true)).toBe(-1);
    expect(seekSequence(['a', 'b'], ['a', 'b'], 2, true)).toBe(0);
  });
});

describe('Rust string primitives', () => {
  it('trim follows Unicode White_Space: U+0085 is stripped, U+FEFF is kept', () => {
    expect(rustTrim('\u0085 x \u3000')).toBe('x');
    expect(rustTrim('\uFEFFx')).toBe('\uFEFFx');
  });

  it('lines splits on LF, drops the CR of CRLF, and keeps a bare final CR', () => {
    expect(rustLines('a\r\nb\n\nc\r')).toEqual(['a', 'b', '', 'c\r']);
    expect(rustLines('a\n')).toEqual(['a']);
    expect(rustLines('')).toEqual([]);
  });
});
