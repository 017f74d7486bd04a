// apply-patch/derive-preserving: an Update hunk's new text in the line-ending preserving mode
// (docs/reference.md#patch-application, `PreserveLineEndings`, opt-in there and here), pure.
//
// Each line keeps its own terminator (LF, CRLF, or none for an unterminated last line); lines
// are matched on their text. Context lines keep their original text and terminator; removed
// lines go; added lines get the file's preferred terminator (the first one in the file, LF when
// there is none); an unterminated last line gains it; pure additions go after the last line.

import type { UpdateChunk } from './parse-patch';
import { chunkShape } from './chunk-shape';
import { applyReplacements, computeReplacements, type Replacement } from './derive-contents';

interface Line {
  text: string;
  terminator: '' | '\n' | '\r\n';
}

function splitKeepingTerminators(content: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  while (start < content.length) {
    const nl = content.indexOf('\n', start);
    if (nl < 0) {
      out.push({ text: content.slice(start), terminator: '' });
      break;
    }
    const crlf = nl > start && content[nl - 1] === '\r';
    out.push({ text: content.slice(start, crlf ? nl - 1 : nl), terminator: crlf ? '\r\n' : '\n' });
    start = nl + 1;
  }
  return out;
}

/**
 * The lines replacing `r`: walks the chunk's shape, keeping the matched original line for each
 * context line and giving added lines the preferred terminator. When the match dropped a
 * trailing empty line (the retry in computeReplacements), the walk stops at the shorter lists.
 */
function replacementLines(r: Replacement, original: readonly Line[], preferred: Line['terminator']): Line[] {
  const out: Line[] = [];
  let oldIndex = 0;
  let newIndex = 0;
  for (const kind of chunkShape(r.chunk)) {
    const hasOld = oldIndex < r.oldLength;
    const hasNew = newIndex < r.newLines.length;
    if (kind === ' ' && hasOld && hasNew) {
      out.push(original[r.start + oldIndex]);
      oldIndex++;
      newIndex++;
    } else if (kind === '-' || (kind === ' ' && hasOld)) {
      if (hasOld) oldIndex++;
    } else if (hasNew) {
      out.push({ text: r.newLines[newIndex], terminator: preferred });
      newIndex++;
    }
  }
  for (; newIndex < r.newLines.length; newIndex++) out.push({ text: r.newLines[newIndex], terminator: preferred });
  return out;
}

/** The new text of a file after `chunks`, keeping each untouched line's terminator. */
export function deriveNewContentsPreserving(original: string, chunks: readonly UpdateChunk[], displayPath: string): string {
  const lines = splitKeepingTerminators(original);
  const preferred = lines.find((l) => l.terminator !== '')?.terminator ?? '\n';
  const replacements = computeReplacements(
    lines.map((l) => l.text),
    displayPath,
    chunks,
    true,
  );
  const next = applyReplacements(
    lines,
    replacements.map((r) => ({ start: r.start, oldLength: r.oldLength, items: replacementLines(r, lines, preferred) })),
  );
  let out = '';
  for (let i = 0; i < next.length; i++) {
    const { text, terminator } = next[i];
    out += text + (terminator === '' ? preferred : terminator);
  }
  return out;
}
