// apply-patch/parse-patch: the apply_patch grammar (docs/reference.md#patch-grammar), pure.
//
// Messages are the reference's exact strings because agents are prompted with them and tools
// match on them; the line number and the bare reason are also kept as structured fields.

import { PatchParseError } from '../errors';
import { recordChunkShape } from './chunk-shape';
import { rustLines, rustTrim, rustTrimEnd } from './rust-text';

export const BEGIN_PATCH_MARKER = '*** Begin Patch';
export const END_PATCH_MARKER = '*** End Patch';
export const ADD_FILE_MARKER = '*** Add File: ';
export const DELETE_FILE_MARKER = '*** Delete File: ';
export const UPDATE_FILE_MARKER = '*** Update File: ';
export const MOVE_TO_MARKER = '*** Move to: ';
export const END_OF_FILE_MARKER = '*** End of File';
const CONTEXT_MARKER = '@@';
const CONTEXT_MARKER_WITH_TEXT = '@@ ';
const HEREDOC_OPENERS = ['<<EOF', "<<'EOF'", '<<"EOF"'];

export interface UpdateChunk {
  /** The single `@@ <text>` line that narrows the search, or null for a bare `@@` or none. */
  changeContext: string | null;
  oldLines: string[];
  newLines: string[];
  /** `*** End of File` followed the chunk: its old lines must end at the file's last line. */
  isEndOfFile: boolean;
}

export type Hunk =
  | { type: 'add'; path: string; contents: string }
  | { type: 'delete'; path: string }
  | { type: 'update'; path: string; movePath: string | null; chunks: UpdateChunk[] };

export interface ParsedPatch {
  hunks: Hunk[];
  /** The accepted lines (heredoc wrapper removed) joined with LF, as the reference keeps them. */
  patch: string;
}

/** `invalid_patch` is an envelope problem; `invalid_hunk` carries the 1-based line it is about. */
export type PatchParseErrorKind = 'invalid_patch' | 'invalid_hunk';

function invalidPatch(reason: string): PatchParseError {
  return new PatchParseError(`Invalid patch: ${reason}`, {
    details: { kind: 'invalid_patch', reason },
  });
}

function invalidHunk(reason: string, lineNumber: number): PatchParseError {
  return new PatchParseError(`Invalid patch hunk on line ${lineNumber}: ${reason}`, {
    details: { kind: 'invalid_hunk', reason, lineNumber },
  });
}

/** The strict envelope check: markers compared per line after trimming (fixture 020). */
function checkBoundaries(lines: readonly string[]): PatchParseError | null {
  const first = lines.length > 0 ? rustTrim(lines[0]) : undefined;
  const last = lines.length > 0 ? rustTrim(lines[lines.length - 1]) : undefined;
  if (first === BEGIN_PATCH_MARKER && last === END_PATCH_MARKER) return null;
  if (first !== undefined && first !== BEGIN_PATCH_MARKER) {
    return invalidPatch("The first line of the patch must be '*** Begin Patch'");
  }
  return invalidPatch("The last line of the patch must be '*** End Patch'");
}

/**
 * Models sometimes hand `<<'EOF' ... EOF` to an exec-style call where no shell strips the
 * heredoc; the reference accepts that wrapper (always, PARSE_IN_STRICT_MODE is false).
 */
function acceptEnvelope(lines: string[]): string[] {
  const strictError = checkBoundaries(lines);
  if (strictError === null) return lines;
  const wrapped = lines.length >= 4 && HEREDOC_OPENERS.includes(lines[0]) && lines[lines.length - 1].endsWith('EOF');
  if (!wrapped) throw strictError;
  const inner = lines.slice(1, -1);
  const innerError = checkBoundaries(inner);
  if (innerError !== null) throw innerError;
  return inner;
}

/** Parses a patch; throws PatchParseError with the reference's message. */
export function parsePatch(text: string): ParsedPatch {
  // The reference turns CRLF into LF before splitting, so `x\r\r\n` is the line `x` (one CR
  // from the CRLF, one from the line split) and `x\r\r\r\n` keeps one CR.
  const lines = acceptEnvelope(rustLines(rustTrim(text.replaceAll('\r\n', '\n'))));
  const hunks: Hunk[] = [];
  const body = lines.slice(1, -1);
  let index = 0;
  // Line numbers are 1-based over the accepted lines; the begin marker is line 1.
  while (index < body.length) {
    if (rustTrim(body[index]) === END_PATCH_MARKER) {
      // An end marker where a hunk could start ends the patch, if only blank lines follow it.
      if (body.slice(index + 1).every((line) => rustTrim(line) === '')) break;
      throw invalidPatch("The last line of the patch must be '*** End Patch'");
    }
    const [hunk, consumed] = parseOneHunk(body, index, index + 2);
    hunks.push(hunk);
    index += consumed;
  }
  return { hunks, patch: lines.join('\n') };
}

/** A line that ends an update hunk: the next hunk's header or the end marker (trailing blanks allowed). */
function endsUpdateHunk(line: string): boolean {
  const t = rustTrimEnd(line);
  return t === END_PATCH_MARKER || t.startsWith(ADD_FILE_MARKER) || t.startsWith(DELETE_FILE_MARKER) || t.startsWith(UPDATE_FILE_MARKER);
}

function parseOneHunk(lines: readonly string[], at: number, lineNumber: number): [Hunk, number] {
  const header = rustTrim(lines[at]);
  if (header.startsWith(ADD_FILE_MARKER)) {
    const path = header.slice(ADD_FILE_MARKER.length);
    let contents = '';
    let consumed = 1;
    for (let i = at + 1; i < lines.length && lines[i].startsWith('+'); i++) {
      contents += `${lines[i].slice(1)}\n`;
      consumed++;
    }
    return [{ type: 'add', path, contents }, consumed];
  }
  if (header.startsWith(DELETE_FILE_MARKER)) {
    return [{ type: 'delete', path: header.slice(DELETE_FILE_MARKER.length) }, 1];
  }
  if (header.startsWith(UPDATE_FILE_MARKER)) return parseUpdateHunk(lines, at, lineNumber, header.slice(UPDATE_FILE_MARKER.length));
  throw invalidHunk(`'${header}' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'`, lineNumber);
}

/**
 * An update hunk. Before its first chunk, `*** End of File` lines are ignored and one
 * `*** Move to: ` line names the destination; the first chunk then starts right there, so a
 * blank line after the header is an empty context line. After a chunk that ends with
 * `*** End of File`, blank lines are skipped; after any other chunk the next line must be a
 * hunk boundary or an `@@` line.
 */
function parseUpdateHunk(lines: readonly string[], at: number, lineNumber: number, path: string): [Hunk, number] {
  let consumed = 1;
  let movePath: string | null = null;
  while (at + consumed < lines.length) {
    const line = rustTrimEnd(lines[at + consumed]);
    if (line === END_OF_FILE_MARKER) {
      consumed++;
    } else if (movePath === null && line.startsWith(MOVE_TO_MARKER)) {
      movePath = line.slice(MOVE_TO_MARKER.length);
      consumed++;
    } else {
      break;
    }
  }
  const chunks: UpdateChunk[] = [];
  while (at + consumed < lines.length && !endsUpdateHunk(lines[at + consumed])) {
    const [chunk, chunkLines] = parseChunk(lines, at + consumed, lineNumber + consumed, chunks.length === 0);
    chunks.push(chunk);
    consumed += chunkLines;
    if (chunk.isEndOfFile) {
      while (at + consumed < lines.length && rustTrim(lines[at + consumed]) === '') consumed++;
    }
  }
  if (chunks.length === 0) throw invalidHunk(`Update file hunk for path '${path}' is empty`, lineNumber);
  return [{ type: 'update', path, movePath, chunks }, consumed];
}

function parseChunk(lines: readonly string[], at: number, lineNumber: number, allowMissingContext: boolean): [UpdateChunk, number] {
  const first = lines[at];
  const marker = rustTrimEnd(first);
  let changeContext: string | null = null;
  let start = 0;
  if (marker === CONTEXT_MARKER) {
    start = 1;
  } else if (marker.startsWith(CONTEXT_MARKER_WITH_TEXT)) {
    changeContext = marker.slice(CONTEXT_MARKER_WITH_TEXT.length);
    start = 1;
  } else if (!allowMissingContext) {
    throw invalidHunk(`Expected update hunk to start with a @@ context marker, got: '${first}'`, lineNumber);
  }
  // Only a chunk with an @@ line can be empty; the error names the line after it.
  const noLines = (): PatchParseError => invalidHunk('Update hunk does not contain any lines', lineNumber + 1);
  if (at + start >= lines.length) throw noLines();
  const chunk: UpdateChunk = { changeContext, oldLines: [], newLines: [], isEndOfFile: false };
  let shape = '';
  let parsed = 0;
  for (let i = at + start; i < lines.length; i++) {
    const line = lines[i];
    // An end marker ends the chunk as the end of the text would.
    if (rustTrimEnd(line) === END_PATCH_MARKER) {
      if (parsed === 0) throw noLines();
      break;
    }
    if (rustTrimEnd(line) === END_OF_FILE_MARKER) {
      if (parsed === 0) throw noLines();
      chunk.isEndOfFile = true;
      parsed++;
      break;
    }
    const kind = line.charAt(0);
    if (line === '') {
      chunk.oldLines.push('');
      chunk.newLines.push('');
      shape += ' ';
    } else if (kind === ' ') {
      chunk.oldLines.push(line.slice(1));
      chunk.newLines.push(line.slice(1));
      shape += ' ';
    } else if (kind === '+') {
      chunk.newLines.push(line.slice(1));
      shape += '+';
    } else if (kind === '-') {
      chunk.oldLines.push(line.slice(1));
      shape += '-';
    } else {
      if (parsed === 0) {
        throw invalidHunk(
          `Unexpected line found in update hunk: '${line}'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)`,
          lineNumber + start,
        );
      }
      // Any other line ends the chunk; the hunk loop looks at it again.
      break;
    }
    parsed++;
  }
  recordChunkShape(chunk, shape);
  return [chunk, parsed + start];
}
