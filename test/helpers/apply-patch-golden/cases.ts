// Random apply_patch cases for the differential comparison with the reference binary (issue #16).
//
// A case is an input tree and one patch text. The patches are built the way agents write them:
// from lines of the files, with the whitespace and punctuation drift models produce (trailing
// spaces, tabs for spaces, typographic dashes and quotes, CR line ends), blank lines between
// chunks, `*** End of File`, several chunks and hunks, moves, adds and deletes, and some broken
// on purpose (bad headers, missing markers, lines that do not match). Only the generator decides
// what is in a case; what the reference does with it is recorded by regenerate.ts.
import fc from 'fast-check';

export interface PatchCase {
  /** Which generator family made it, for reading a failure report. */
  family: string;
  /** Relative path -> file text (written as UTF-8) or bytes. */
  input: Record<string, string | Buffer>;
  patch: string;
}

interface SourceLine {
  text: string;
  eol: '\n' | '\r\n' | '\r' | '';
}

const WORDS = ['alpha', 'beta', 'x', 'value', 'count', 'return', 'if', 'else', 'foo', 'bar', '16', '0', 'name'];
const PUNCTUATED = [
  '} 16',
  '// note \u2014 dash',
  'say \u201chi\u201d and \u2018bye\u2019',
  'a\u00a0b',
  'x = y \u2013 z',
  'x = y - z',
  'say "hi"',
  'caf\u00e9 \u00fcber',
  '\u65e5\u672c\u8a9e',
  'emoji \u{1f600}',
];
const INDENTS = ['', '', '', '  ', '    ', '\t', '\t\t', ' \t'];
const TAILS = ['', '', '', '', ' ', '   ', '\t', ' \t'];

const word = fc.constantFrom(...WORDS);
const lineText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(fc.constantFrom(...INDENTS), fc.array(word, { minLength: 1, maxLength: 4 }), fc.constantFrom(...TAILS)).map(([i, w, t]) => i + w.join(' ') + t),
  },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...INDENTS), fc.constantFrom(...PUNCTUATED), fc.constantFrom(...TAILS)).map(([i, p, t]) => i + p + t) },
  { weight: 2, arbitrary: fc.constantFrom('', '', '  ', '\t', '}', '{', 'end') },
);

/** File lines with LF, CRLF, mixed or some lone-CR ends, optionally no final newline or extra blank lines. */
const sourceFile: fc.Arbitrary<SourceLine[]> = fc
  .tuple(
    fc.array(lineText, { minLength: 0, maxLength: 14 }),
    fc.constantFrom('lf', 'lf', 'lf', 'crlf', 'crlf', 'crlf', 'mixed', 'mixed', 'some-cr'),
    fc.constantFrom('eol', 'eol', 'eol', 'none', 'blank', 'blanks'),
    fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
  )
  .map(([texts, style, ending, coins]) => {
    const all = [...texts];
    if (ending === 'blank') all.push('');
    if (ending === 'blanks') all.push('', '');
    return all.map((text, i): SourceLine => {
      const crlf = style === 'crlf' || (style === 'mixed' && coins[i % coins.length]);
      const cr = style === 'some-cr' && coins[i % coins.length] && coins[(i + 1) % coins.length];
      const last = i === all.length - 1;
      return { text, eol: last && ending === 'none' ? '' : cr ? '\r' : crlf ? '\r\n' : '\n' };
    });
  });

function render(lines: readonly SourceLine[]): string {
  return lines.map((l) => l.text + l.eol).join('');
}

const TO_ASCII: Record<string, string> = { '\u2014': '-', '\u2013': '-', '\u201c': '"', '\u201d': '"', '\u2018': "'", '\u2019': "'", '\u00a0': ' ' };
const TO_TYPOGRAPHIC: Record<string, string> = { '-': '\u2013', '"': '\u201d', "'": '\u2019', ' ': '\u00a0' };

/** How a file line is spelled in the patch: exactly, or with an agent's drift. */
const DRIFTS = [...Array<'exact'>(12).fill('exact'), 'trail', 'untrail', 'indent', 'tabs', 'ascii', 'typographic', 'cr', 'typo'] as const;
type Drift = (typeof DRIFTS)[number];

function drift(text: string, how: Drift): string {
  switch (how) {
    case 'exact':
      return text;
    case 'trail':
      return `${text}   `;
    case 'untrail':
      return text.replace(/[ \t]+$/, '');
    case 'indent':
      return text.replace(/^[ \t]*/, (m) => (m === '' ? '  ' : ''));
    case 'tabs':
      return text.replace(/\t/g, '    ');
    case 'ascii':
      return text.replace(/[\u2014\u2013\u201c\u201d\u2018\u2019\u00a0]/g, (c) => TO_ASCII[c]);
    case 'typographic': {
      const i = text.search(/[-"' ]/);
      return i < 0 ? text : text.slice(0, i) + TO_TYPOGRAPHIC[text[i]] + text.slice(i + 1);
    }
    case 'cr':
      return `${text}\r`;
    case 'typo':
      return `${text}#`;
  }
}

interface ChunkPlan {
  gap: number;
  before: number;
  removed: number;
  added: string[];
  after: number;
  header: 'none' | 'bare' | 'context' | 'context-drift';
  endOfFile: 'auto' | 'never' | 'always';
  blankAsEmpty: boolean;
  drifts: Drift[];
  separator: boolean;
}

const chunkPlan: fc.Arbitrary<ChunkPlan> = fc.record({
  gap: fc.nat({ max: 4 }),
  before: fc.nat({ max: 3 }),
  removed: fc.nat({ max: 3 }),
  added: fc.array(lineText, { maxLength: 3 }),
  after: fc.nat({ max: 3 }),
  header: fc.constantFrom('none', 'bare', 'bare', 'context', 'context-drift'),
  endOfFile: fc.constantFrom('auto', 'auto', 'auto', 'auto', 'never', 'always'),
  blankAsEmpty: fc.boolean(),
  drifts: fc.array(fc.constantFrom(...DRIFTS), { minLength: 8, maxLength: 8 }),
  separator: fc.boolean(),
});

/** The chunk lines (header first) for `plans` over `lines`; chunks go forward through the file. */
function renderChunks(lines: readonly SourceLine[], plans: readonly ChunkPlan[], firstMayOmitHeader: boolean): string[] {
  const out: string[] = [];
  let pos = 0;
  plans.forEach((plan, index) => {
    const start = Math.min(lines.length, pos + plan.gap);
    const ctxStart = Math.max(pos, start - plan.before);
    const removedEnd = Math.min(lines.length, start + plan.removed);
    const afterEnd = Math.min(lines.length, removedEnd + plan.after);
    let k = 0;
    const spell = (text: string): string => {
      const how = plan.drifts[k++ % plan.drifts.length];
      return drift(text, how);
    };
    if (plan.separator && index > 0) out.push('');
    const anchor = ctxStart > 0 ? lines[ctxStart - 1].text : null;
    if (plan.header === 'bare' || (plan.header === 'none' && !(firstMayOmitHeader && index === 0))) out.push('@@');
    else if (plan.header === 'context' && anchor !== null) out.push(`@@ ${anchor}`);
    else if (plan.header === 'context-drift' && anchor !== null) out.push(`@@ ${spell(anchor)}`);
    else if (plan.header !== 'none') out.push('@@');
    const context = (text: string): string => (text === '' && plan.blankAsEmpty ? '' : ` ${spell(text)}`);
    for (let i = ctxStart; i < start; i++) out.push(context(lines[i].text));
    for (let i = start; i < removedEnd; i++) out.push(`-${spell(lines[i].text)}`);
    for (const added of plan.added) out.push(`+${added}`);
    for (let i = removedEnd; i < afterEnd; i++) out.push(context(lines[i].text));
    // A chunk with no lines is a parse error; keep a few, give the rest one added line.
    if (ctxStart === afterEnd && plan.added.length === 0 && plan.gap < 4) out.push(`+${spell('added')}`);
    const reachesEnd = afterEnd === lines.length && afterEnd > ctxStart;
    if (plan.endOfFile === 'always' || (plan.endOfFile === 'auto' && reachesEnd)) out.push('*** End of File');
    pos = afterEnd;
  });
  return out;
}

const PATHS = ['f.txt', 'src/main.rs', 'notes.md', 'dir/sub/b.py'];
/** Not UTF-8: an update fails to read it, a delete or an add over it works. */
const BINARY_PATH = 'data.bin';
const BINARY_BYTES = Buffer.from([0x61, 0x0a, 0xff, 0xfe, 0x0a]);

const HUNK_KINDS = {
  update: 28,
  move: 6,
  add: 6,
  delete: 3,
  'missing-update': 1,
  'missing-delete': 1,
  'dir-update': 1,
  'dir-delete': 1,
  'binary-update': 1,
  'binary-delete': 1,
  'under-file': 1,
} as const;
type HunkKind = keyof typeof HUNK_KINDS;

interface HunkPlan {
  kind: HunkKind;
  file: number;
  target: number;
  chunks: ChunkPlan[];
  added: string[];
}

const hunkPlan: fc.Arbitrary<HunkPlan> = fc.record({
  kind: fc.oneof(...Object.entries(HUNK_KINDS).map(([kind, weight]) => ({ weight, arbitrary: fc.constant(kind as HunkKind) }))),
  file: fc.nat({ max: PATHS.length - 1 }),
  target: fc.nat({ max: PATHS.length }),
  chunks: fc.array(chunkPlan, { minLength: 1, maxLength: 3 }),
  added: fc.array(lineText, { maxLength: 3 }),
});

/**
 * Edits of a rendered patch: breaking ones (a marker dropped, a stray or unprefixed line, a bad
 * header) and quirks the reference accepts in its own way (an end marker followed by blank lines,
 * `*** End of File` before the first chunk, a tab-only line, `@@` with trailing blanks, CR CR LF).
 */
const EDITS = {
  none: 40,
  'drop-end': 1,
  'drop-begin': 1,
  'garbage-line': 1,
  'bad-header': 1,
  'empty-update': 1,
  'stray-eof': 1,
  unprefixed: 2,
  'inner-end': 1,
  'leading-eof': 1,
  'tab-line': 1,
  'padded-at': 1,
  'cr-cr': 1,
  'no-hunks': 1,
} as const;
type Edit = keyof typeof EDITS;

interface PatchPlan {
  files: SourceLine[][];
  fileCount: number;
  binary: boolean;
  hunks: HunkPlan[];
  patchEol: '\n' | '\r\n';
  finalNewline: boolean;
  padMarkers: boolean;
  heredoc: '' | '<<EOF' | "<<'EOF'" | '<<"EOF"';
  edits: Edit[];
  editAt: number;
}

const patchPlan: fc.Arbitrary<PatchPlan> = fc.record({
  files: fc.array(sourceFile, { minLength: PATHS.length, maxLength: PATHS.length }),
  fileCount: fc.integer({ min: 1, max: PATHS.length }),
  binary: fc.boolean(),
  hunks: fc.oneof({ weight: 3, arbitrary: fc.array(hunkPlan, { minLength: 1, maxLength: 1 }) }, { weight: 2, arbitrary: fc.array(hunkPlan, { minLength: 2, maxLength: 3 }) }),
  patchEol: fc.constantFrom('\n' as const, '\n' as const, '\n' as const, '\r\n' as const),
  finalNewline: fc.boolean(),
  padMarkers: fc.boolean(),
  heredoc: fc.constantFrom('' as const, '' as const, '' as const, '' as const, '' as const, '' as const, '' as const, '<<EOF' as const, "<<'EOF'" as const, '<<"EOF"' as const),
  edits: fc.array(fc.oneof(...Object.entries(EDITS).map(([edit, weight]) => ({ weight, arbitrary: fc.constant(edit as Edit) }))), { minLength: 1, maxLength: 2 }),
  editAt: fc.nat({ max: 40 }),
});

function editPatch(lines: string[], how: Edit, at: number): void {
  const inner = Math.max(1, Math.min(lines.length - 2, 1 + (at % Math.max(1, lines.length - 2))));
  switch (how) {
    case 'none':
      return;
    case 'drop-end':
      lines.pop();
      return;
    case 'drop-begin':
      lines.shift();
      return;
    case 'garbage-line':
      lines.splice(inner, 0, 'garbage without prefix');
      return;
    case 'bad-header':
      lines.splice(1, 0, '*** Frobnicate File: f.txt');
      return;
    case 'empty-update':
      lines.splice(1, 0, '*** Update File: f.txt');
      return;
    case 'stray-eof':
      lines.splice(inner, 0, '*** End of File');
      return;
    case 'unprefixed':
      if (lines[inner] !== undefined && /^[ +-]/.test(lines[inner])) lines[inner] = lines[inner].slice(1);
      return;
    case 'inner-end':
      lines.splice(lines.length - 1, 0, '*** End Patch', ...(at % 3 === 0 ? [] : ['', '  '.repeat(at % 2)]));
      return;
    case 'leading-eof': {
      const header = lines.findIndex((l) => l.startsWith('*** Update File: '));
      if (header >= 0) lines.splice(header + 1, 0, '*** End of File');
      return;
    }
    case 'tab-line':
      lines.splice(inner, 0, at % 2 === 0 ? '\t' : '  ');
      return;
    case 'padded-at': {
      const i = lines.findIndex((l) => l === '@@');
      if (i >= 0) lines[i] = at % 2 === 0 ? '@@  ' : '@@\t';
      return;
    }
    case 'cr-cr':
      if (/^[ +-]/.test(lines[inner] ?? '')) lines[inner] = `${lines[inner]}\r`;
      return;
    case 'no-hunks':
      lines.splice(1, lines.length - 2);
      return;
  }
}

function buildCase(plan: PatchPlan): PatchCase {
  const present = PATHS.slice(0, plan.fileCount);
  const input: Record<string, string | Buffer> = {};
  present.forEach((path, i) => (input[path] = render(plan.files[i])));
  if (plan.binary) input[BINARY_PATH] = BINARY_BYTES;
  const lines = ['*** Begin Patch'];
  const families = new Set<string>();
  for (const hunk of plan.hunks) {
    const index = hunk.file % present.length;
    const path = present[index];
    const source = plan.files[index];
    families.add(hunk.kind);
    switch (hunk.kind) {
      case 'add':
        lines.push(`*** Add File: ${hunk.target < PATHS.length ? PATHS[hunk.target] : 'new/added.txt'}`, ...hunk.added.map((l) => `+${l}`));
        break;
      case 'delete':
        lines.push(`*** Delete File: ${path}`);
        break;
      case 'missing-delete':
        lines.push('*** Delete File: missing.txt');
        break;
      case 'missing-update':
        lines.push('*** Update File: missing.txt', '@@', '-x', '+y');
        break;
      case 'dir-update':
        lines.push('*** Update File: dir', '@@', '+y');
        break;
      case 'dir-delete':
        lines.push('*** Delete File: dir');
        break;
      case 'binary-update':
        lines.push(`*** Update File: ${BINARY_PATH}`, '@@', ' a', '+y');
        break;
      case 'binary-delete':
        lines.push(`*** Delete File: ${BINARY_PATH}`);
        break;
      case 'under-file':
        lines.push(`*** Add File: ${path}/child.txt`, '+x');
        break;
      case 'update':
      case 'move': {
        lines.push(`*** Update File: ${path}`);
        if (hunk.kind === 'move') {
          const target = hunk.target < PATHS.length && PATHS[hunk.target] !== path ? PATHS[hunk.target] : 'moved/to.txt';
          lines.push(`*** Move to: ${target}`);
        }
        lines.push(...renderChunks(source, hunk.chunks, true));
        break;
      }
    }
  }
  lines.push('*** End Patch');
  if (plan.padMarkers) {
    lines[0] = `  ${lines[0]}`;
    lines[lines.length - 1] = `${lines[lines.length - 1]} `;
  }
  for (const edit of plan.edits) {
    editPatch(lines, edit, plan.editAt);
    if (edit !== 'none') families.add(edit);
  }
  if (plan.heredoc !== '') {
    lines.unshift(plan.heredoc);
    lines.push('EOF');
    families.add('heredoc');
  }
  if (plan.patchEol === '\r\n') families.add('crlf-patch');
  const patch = lines.join(plan.patchEol) + (plan.finalNewline ? plan.patchEol : '');
  return { family: [...families].sort().join('+'), input, patch };
}

/** The arbitrary of whole cases. */
export const patchCase: fc.Arbitrary<PatchCase> = patchPlan.map(buildCase);

/** `count` cases from `seed`: the same seed always gives the same cases. */
export function sampleCases(seed: number, count: number): PatchCase[] {
  return fc.sample(patchCase, { seed, numRuns: count });
}
