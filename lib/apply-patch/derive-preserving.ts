// apply-patch/derive-preserving: an Update hunk's new text in the line-ending preserving mode,
// the reference binary's (0.171.0) and the default here, pure.
//
// Each line keeps its own terminator (LF, CRLF, a lone CR, or none for an unterminated last
// line); lines are matched on their text. Context lines keep their original text and terminator;
// removed lines go; added lines get the file's preferred terminator (the first one in the file,
// LF when there is none); an unterminated last line gains it; pure additions go after the last
// line.

import type { UpdateChunk } from './parse-patch';
import { chunkShape } from './chunk-shape';
import { applyReplacements, computeReplacements, type Replacement, type Splice } from './derive-contents';

interface Line {
  text: string;
  terminator: '' | '\n' | '\r\n' | '\r';
}

/** Lines ended by CRLF, LF or a CR not followed by LF: the reference splits on all three. */
function splitKeepingTerminators(content: string): Line[] {
  const out: Line[] = [];
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (let m = re.exec(content); m !== null; m = re.exec(content)) {
    out.push({ text: content.slice(start, m.index), terminator: m[0] as Line['terminator'] });
    start = m.index + m[0].length;
  }
  if (start < content.length) out.push({ text: content.slice(start), terminator: '' });
  return out;
}

/**
 * The edits one located chunk makes: each run of removed and added lines between its context
 * lines is its own splice, so context lines stay as the file has them (their text and their
 * terminator). When the match dropped a trailing empty line (the retry in computeReplacements),
 * lines past the shortened lists are left out.
 */
function chunkSplices(r: Replacement, preferred: Line['terminator']): Array<Splice<Line>> {
  const out: Array<Splice<Line>> = [];
  let oldIndex = 0;
  let newIndex = 0;
  let run: { start: number; oldLength: number; items: Line[] } | null = null;
  const flush = (): void => {
    if (run !== null && (run.oldLength > 0 || run.items.length > 0)) out.push(run);
    run = null;
  };
  for (const kind of chunkShape(r.chunk)) {
    const hasOld = kind !== '+' && oldIndex < r.oldLength;
    const hasNew = kind !== '-' && newIndex < r.newLines.length;
    if (kind === ' ' && hasOld && hasNew) {
      flush();
    } else {
      // A context line whose old side the retry dropped is an added line, and the other way round.
      run ??= { start: r.start + Math.min(oldIndex, r.oldLength), oldLength: 0, items: [] };
      if (hasOld) run.oldLength++;
      if (hasNew) run.items.push({ text: r.newLines[newIndex], terminator: preferred });
    }
    if (kind !== '+') oldIndex++;
    if (kind !== '-') newIndex++;
  }
  flush();
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
  // All splices in chunk order, then stably by position: two insertions at one place (a pure
  // addition and another chunk's lines after its last context line) keep the patch's order.
  const splices = replacements
    .slice()
    .sort((a, b) => a.order - b.order)
    .flatMap((r) => chunkSplices(r, preferred))
    .map((splice, i) => [splice, i] as const)
    .sort((a, b) => a[0].start - b[0].start || a[1] - b[1])
    .map(([splice]) => splice);
  const next = applyReplacements(lines, splices);
  let out = '';
  for (let i = 0; i < next.length; i++) {
    const { text, terminator } = next[i];
    out += text + (terminator === '' ? preferred : terminator);
  }
  return out;
}
