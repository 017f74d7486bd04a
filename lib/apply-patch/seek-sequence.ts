// apply-patch/seek-sequence: where a chunk's lines sit in a file (docs/reference.md#patch-application), pure.
//
// Four passes, each over every candidate position, from strict to lenient, so an exact match
// later in the file wins over a fuzzy match earlier. Candidates start at `start` (the position
// after the previous chunk), which keeps a patch with N chunks linear in the file size.

import { rustTrim, rustTrimEnd } from './rust-text';

const PUNCTUATION: Record<string, string> = {};
for (const ch of '\u2010\u2011\u2012\u2013\u2014\u2015\u2212') PUNCTUATION[ch] = '-';
for (const ch of '\u2018\u2019\u201A\u201B') PUNCTUATION[ch] = "'";
for (const ch of '\u201C\u201D\u201E\u201F') PUNCTUATION[ch] = '"';
for (const ch of '\u00A0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000') PUNCTUATION[ch] = ' ';
const PUNCTUATION_RE = new RegExp(`[${Object.keys(PUNCTUATION).join('')}]`, 'g');

/** Fully trimmed, typographic dashes, quotes and spaces mapped to ASCII (the 4th pass). */
export function normalisePunctuation(line: string): string {
  return rustTrim(line).replace(PUNCTUATION_RE, (ch) => PUNCTUATION[ch]);
}

const PASSES: ReadonlyArray<(line: string) => string> = [(line) => line, rustTrimEnd, rustTrim, normalisePunctuation];

/**
 * First index where `pattern` matches `lines`, or -1. With `eof` the only candidate is the one
 * that ends at the last line, and only when it is not before `start`: an end-anchored chunk
 * cannot reach back over the previous chunk (the reference fails such a patch).
 */
export function seekSequence(lines: readonly string[], pattern: readonly string[], start: number, eof: boolean): number {
  if (pattern.length === 0) return start;
  if (pattern.length > lines.length) return -1;
  const last = lines.length - pattern.length;
  const first = eof ? Math.max(last, start) : start;
  for (const pass of PASSES) {
    const wanted = pattern.map(pass);
    for (let i = first; i <= last; i++) {
      let j = 0;
      while (j < wanted.length && pass(lines[i + j]) === wanted[j]) j++;
      if (j === wanted.length) return i;
    }
  }
  return -1;
}
