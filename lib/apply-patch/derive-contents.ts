// apply-patch/derive-contents: locating chunks and splicing lines (docs/reference.md#patch-application),
// shared by both line models, and the older reference's LF model (lineEndings 'lf'): split on LF
// only, so a CR of an untouched CRLF line stays in its text and lines from the patch have none.

import { PatchApplyError } from '../errors';
import type { UpdateChunk } from './parse-patch';
import { seekSequence } from './seek-sequence';

export interface Replacement {
  start: number;
  oldLength: number;
  newLines: string[];
  /** The chunk it came from (its line shape decides which new lines are context). */
  chunk: UpdateChunk;
  /** The chunk's index in the patch. */
  order: number;
}

/** A replacement of `oldLength` items at `start` by `items`, for any item type. */
export interface Splice<T> {
  start: number;
  oldLength: number;
  items: readonly T[];
}

function applyError(text: string, path: string, reason: string): PatchApplyError {
  return new PatchApplyError(text, { path: [path], details: { reason, referenceText: text } });
}

/**
 * Locates every chunk; all are found before anything is replaced, as in the reference. In LF
 * mode a pure addition goes before a final empty line; `appendAfterLastLine` (line-ending
 * preserving mode, whose lines have no such element) puts it after the last line.
 */
export function computeReplacements(lines: readonly string[], path: string, chunks: readonly UpdateChunk[], appendAfterLastLine = false): Replacement[] {
  const replacements: Replacement[] = [];
  let lineIndex = 0;
  for (const [order, chunk] of chunks.entries()) {
    if (chunk.changeContext !== null) {
      const at = seekSequence(lines, [chunk.changeContext], lineIndex, false);
      if (at < 0) throw applyError(`Failed to find context '${chunk.changeContext}' in ${path}`, path, 'context_not_found');
      lineIndex = at + 1;
    }
    if (chunk.oldLines.length === 0) {
      // A pure addition always appends (fixture 016): the @@ context does not place it.
      const end = !appendAfterLastLine && lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
      replacements.push({ start: end, oldLength: 0, newLines: chunk.newLines.slice(), chunk, order });
      continue;
    }
    let pattern: readonly string[] = chunk.oldLines;
    let newLines: readonly string[] = chunk.newLines;
    let at = seekSequence(lines, pattern, lineIndex, chunk.isEndOfFile);
    if (at < 0 && pattern[pattern.length - 1] === '') {
      // A trailing blank context line often stands for the file's final newline, which the line
      // list does not contain: retry without it.
      pattern = pattern.slice(0, -1);
      if (newLines[newLines.length - 1] === '') newLines = newLines.slice(0, -1);
      at = seekSequence(lines, pattern, lineIndex, chunk.isEndOfFile);
    }
    if (at < 0) {
      throw applyError(`Failed to find expected lines in ${path}:\n${chunk.oldLines.join('\n')}`, path, 'lines_not_found');
    }
    replacements.push({ start: at, oldLength: pattern.length, newLines: newLines.slice(), chunk, order });
    lineIndex = at + pattern.length;
  }
  // Stable sort, as Rust's sort_by.
  return replacements
    .map((r, i) => [r, i] as const)
    .sort((a, b) => a[0].start - b[0].start || a[1] - b[1])
    .map(([r]) => r);
}

/**
 * Applies sorted replacements. Non-overlapping ones (the normal case) are applied in one forward
 * pass, linear in the file; overlapping ones (possible with an end-of-file chunk) take the
 * reference's back-to-front splicing so the result is the same as the reference's.
 */
export function applyReplacements<T>(lines: readonly T[], replacements: readonly Splice<T>[]): T[] {
  let overlapping = false;
  for (let i = 1; i < replacements.length; i++) {
    const prev = replacements[i - 1];
    if (replacements[i].start < prev.start + prev.oldLength) overlapping = true;
  }
  if (overlapping) {
    const out = lines.slice();
    for (let i = replacements.length - 1; i >= 0; i--) {
      const r = replacements[i];
      const removable = Math.max(0, Math.min(r.oldLength, out.length - r.start));
      out.splice(r.start, removable, ...r.items);
    }
    return out;
  }
  const out: T[] = [];
  let pos = 0;
  for (const r of replacements) {
    for (let i = pos; i < r.start && i < lines.length; i++) out.push(lines[i]);
    for (const item of r.items) out.push(item);
    pos = Math.max(pos, r.start + r.oldLength);
  }
  for (let i = pos; i < lines.length; i++) out.push(lines[i]);
  return out;
}

/** The new text of a file after `chunks`; throws PatchApplyError with the reference's message. */
export function deriveNewContents(original: string, chunks: readonly UpdateChunk[], displayPath: string): string {
  const lines = original.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const replacements = computeReplacements(lines, displayPath, chunks);
  const next = applyReplacements(
    lines,
    replacements.map((r) => ({ start: r.start, oldLength: r.oldLength, items: r.newLines })),
  );
  // The result always ends with exactly one LF after its last line (fixture 014).
  if (next.length === 0 || next[next.length - 1] !== '') next.push('');
  return next.join('\n');
}
