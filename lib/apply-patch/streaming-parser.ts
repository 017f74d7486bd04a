// apply-patch/streaming-parser: parses a patch while it is still being generated, to report
// progress ("editing 3 files...") before the model has finished (docs/reference.md#patch-grammar). Never used to
// apply: applying always takes the complete text through parsePatch. Pure.
//
// Only complete lines are processed (a hunk appears once its header line has ended), CR before
// LF is dropped, and the hunk list never shrinks as more text arrives.

import { PatchParseError } from '../errors';
import {
  ADD_FILE_MARKER,
  BEGIN_PATCH_MARKER,
  DELETE_FILE_MARKER,
  END_OF_FILE_MARKER,
  END_PATCH_MARKER,
  MOVE_TO_MARKER,
  UPDATE_FILE_MARKER,
  type Hunk,
  type UpdateChunk,
} from './parse-patch';
import { rustTrim } from './rust-text';

type State = 'not_started' | 'between_hunks' | 'add' | 'delete' | 'update' | 'ended';

function hunkError(reason: string, lineNumber: number): PatchParseError {
  return new PatchParseError(`Invalid patch hunk on line ${lineNumber}: ${reason}`, { details: { kind: 'invalid_hunk', reason, lineNumber } });
}

function cloneHunk(h: Hunk): Hunk {
  if (h.type !== 'update') return { ...h };
  return { ...h, chunks: h.chunks.map((c) => ({ ...c, oldLines: c.oldLines.slice(), newLines: c.newLines.slice() })) };
}

export class StreamingPatchParser {
  private buffer = '';
  private lineNumber = 0;
  private state: State = 'not_started';
  private readonly hunks: Hunk[] = [];
  /** The update hunk's chunk that lines go to, or null before its first line. */
  private chunk: UpdateChunk | null = null;
  private updateLines = 0;

  /** Feeds more text; returns the hunks so far (null while there are none). */
  pushDelta(text: string): Hunk[] | null {
    this.buffer += text;
    let nl = this.buffer.indexOf('\n');
    while (nl >= 0) {
      const raw = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.processLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
      nl = this.buffer.indexOf('\n');
    }
    return this.snapshot();
  }

  /** Processes a final line without newline, if any; returns the hunks. */
  finish(): Hunk[] | null {
    if (this.buffer !== '') {
      const rest = this.buffer;
      this.buffer = '';
      this.processLine(rest);
    }
    return this.snapshot();
  }

  private snapshot(): Hunk[] | null {
    return this.hunks.length === 0 ? null : this.hunks.map(cloneHunk);
  }

  private current(): Hunk {
    return this.hunks[this.hunks.length - 1];
  }

  private processLine(line: string): void {
    this.lineNumber++;
    if (this.state === 'ended') return;
    if (this.state === 'not_started') {
      if (rustTrim(line) !== BEGIN_PATCH_MARKER) {
        const reason = "The first line of the patch must be '*** Begin Patch'";
        throw new PatchParseError(`Invalid patch: ${reason}`, { details: { kind: 'invalid_patch', reason } });
      }
      this.state = 'between_hunks';
      return;
    }
    if (this.state === 'add' && line.startsWith('+')) {
      const hunk = this.current();
      if (hunk.type === 'add') hunk.contents += `${line.slice(1)}\n`;
      return;
    }
    if (this.state === 'update' && this.updateLine(line)) return;
    const trimmed = rustTrim(line);
    if (trimmed === END_PATCH_MARKER) {
      this.state = 'ended';
      return;
    }
    if (this.startHunk(trimmed)) return;
    if (this.state === 'add') {
      throw hunkError(`Unexpected line found in add file hunk: '${line}'. Every line should start with '+'`, this.lineNumber);
    }
    if (this.state === 'update' && !line.startsWith('*')) {
      throw hunkError(`Unexpected line found in update hunk: '${line}'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)`, this.lineNumber);
    }
    throw hunkError(`'${trimmed}' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'`, this.lineNumber);
  }

  private startHunk(trimmed: string): boolean {
    if (trimmed.startsWith(ADD_FILE_MARKER)) {
      this.hunks.push({ type: 'add', path: trimmed.slice(ADD_FILE_MARKER.length), contents: '' });
      this.state = 'add';
    } else if (trimmed.startsWith(DELETE_FILE_MARKER)) {
      this.hunks.push({ type: 'delete', path: trimmed.slice(DELETE_FILE_MARKER.length) });
      this.state = 'delete';
    } else if (trimmed.startsWith(UPDATE_FILE_MARKER)) {
      this.hunks.push({ type: 'update', path: trimmed.slice(UPDATE_FILE_MARKER.length), movePath: null, chunks: [] });
      this.state = 'update';
      this.chunk = null;
      this.updateLines = 0;
    } else {
      return false;
    }
    return true;
  }

  /** Handles a line of an update hunk; false when it is not one (a header, the end, junk). */
  private updateLine(line: string): boolean {
    const hunk = this.current();
    if (hunk.type !== 'update') return false;
    this.updateLines++;
    if (this.updateLines === 1 && line.startsWith(MOVE_TO_MARKER)) {
      hunk.movePath = line.slice(MOVE_TO_MARKER.length);
      return true;
    }
    if (line === '@@' || line.startsWith('@@ ')) {
      this.chunk = { changeContext: line === '@@' ? null : line.slice(3), oldLines: [], newLines: [], isEndOfFile: false };
      hunk.chunks.push(this.chunk);
      return true;
    }
    if (line === END_OF_FILE_MARKER && this.chunk !== null) {
      this.chunk.isEndOfFile = true;
      return true;
    }
    const marker = line.charAt(0);
    if (line !== '' && marker !== ' ' && marker !== '+' && marker !== '-') return false;
    if (this.chunk === null) {
      // Blank lines before the first chunk are separators, as in parsePatch.
      if (rustTrim(line) === '') return true;
      this.chunk = { changeContext: null, oldLines: [], newLines: [], isEndOfFile: false };
      hunk.chunks.push(this.chunk);
    }
    const text = line.slice(1);
    if (line === '' || marker === ' ') {
      this.chunk.oldLines.push(text);
      this.chunk.newLines.push(text);
    } else if (marker === '+') {
      this.chunk.newLines.push(text);
    } else {
      this.chunk.oldLines.push(text);
    }
    return true;
  }
}

/**
 * Parses a possibly unfinished patch: the begin marker is required, the end marker is not, and
 * an unterminated last line that does not parse yet (a half-written `@@` or header) is ignored.
 */
export function parsePatchStreaming(text: string): Hunk[] {
  const parser = new StreamingPatchParser();
  const cut = text.lastIndexOf('\n');
  // Every terminated line must parse; the unterminated rest may still be being written.
  parser.pushDelta(text.slice(0, cut + 1));
  let hunks: Hunk[];
  try {
    parser.pushDelta(text.slice(cut + 1));
    hunks = parser.finish() ?? [];
  } catch {
    hunks = parser.pushDelta('') ?? [];
  }
  // An update without any chunk yet is not a hunk parsePatch would accept: drop it unless it is
  // all there is.
  const last = hunks[hunks.length - 1];
  if (hunks.length > 1 && last.type === 'update' && last.chunks.length === 0) hunks.pop();
  return hunks;
}
