// Property tests for apply_patch: (1) a patch built from generated files and edits reproduces the
// edited files exactly; (2) a malformed or failing patch gives a typed error and leaves the tree
// byte-for-byte untouched, with no temporary file behind.
//
// numRuns from CSBX_PROPERTY_RUNS (default 200); the seed is printed and can be replayed with
// CSBX_PROPERTY_SEED.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { applyPatchLocally } from '../../lib/apply-patch/apply-local';
import { isSandboxError } from '../../lib/errors';
import { withTempDir } from '../helpers/temp';
import { propertySettings } from '../helpers/property-settings';

const { numRuns: NUM_RUNS, seed: SEED } = propertySettings('apply-patch property');

function params(name: string): fc.Parameters<unknown> {
  console.log(`[apply-patch property] ${name}: seed=${SEED} numRuns=${NUM_RUNS}`);
  return { seed: SEED, numRuns: NUM_RUNS };
}

// Line text: no LF or CR, never empty, and made unique per file by a numbered prefix so that
// every chunk's old lines occur exactly once (the patch format has no line numbers).
const lineText = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\t', '-', '+', '*', '@', 'é', '✅', '\u2013', '"'), maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, ''));

interface Edit {
  /** Index in the original of the first removed line (or the insertion point). */
  at: number;
  remove: number;
  insert: string[];
}

interface FileCase {
  lines: string[];
  finalNewline: boolean;
  edits: Edit[];
  context: number;
}

const fileCase: fc.Arbitrary<FileCase> = fc
  .record({
    texts: fc.array(lineText, { minLength: 1, maxLength: 30 }),
    finalNewline: fc.boolean(),
    rawEdits: fc.array(fc.record({ at: fc.nat(), remove: fc.nat({ max: 3 }), insert: fc.array(lineText, { maxLength: 3 }) }), { minLength: 1, maxLength: 4 }),
    context: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ texts, finalNewline, rawEdits, context }) => {
    const lines = texts.map((t, i) => `${i}:${t}`);
    // Sort and keep edits apart: each chunk needs at least one original line between it and the
    // next, and removals stay inside the file.
    const edits: Edit[] = [];
    let next = 0;
    for (const e of [...rawEdits].sort((a, b) => (a.at % lines.length) - (b.at % lines.length))) {
      const at = Math.max(e.at % lines.length, next);
      if (at >= lines.length) break;
      const remove = Math.min(e.remove, lines.length - at);
      if (remove === 0 && e.insert.length === 0) continue;
      // Inserted lines get a marker so none is empty (an empty last line is not representable).
      edits.push({ at, remove, insert: e.insert.map((t) => `+${t}`) });
      next = at + remove + 1;
    }
    return { lines, finalNewline, edits, context };
  })
  .filter((c) => c.edits.length > 0);

/** The chunk text for one file's edits: @@, context, -old, +new, context. */
function chunksFor(c: FileCase): string[] {
  const out: string[] = [];
  let consumed = 0;
  c.edits.forEach((e, i) => {
    const nextAt = i + 1 < c.edits.length ? c.edits[i + 1].at : c.lines.length;
    let before = Math.min(c.context, e.at - consumed);
    let after = Math.min(c.context, nextAt - (e.at + e.remove));
    // A chunk without old lines would be a pure addition, which appends at the end of the file.
    if (e.remove === 0 && before === 0 && after === 0) {
      if (e.at - consumed > 0) before = 1;
      else after = 1;
    }
    out.push('@@');
    for (let k = e.at - before; k < e.at; k++) out.push(` ${c.lines[k]}`);
    for (let k = e.at; k < e.at + e.remove; k++) out.push(`-${c.lines[k]}`);
    for (const line of e.insert) out.push(`+${line}`);
    for (let k = e.at + e.remove; k < e.at + e.remove + after; k++) out.push(` ${c.lines[k]}`);
    consumed = e.at + e.remove + after;
  });
  return out;
}

/** The file the edits describe, in the reference's line model (always one final LF). */
function expectedText(c: FileCase): string {
  const out: string[] = [];
  let pos = 0;
  for (const e of c.edits) {
    out.push(...c.lines.slice(pos, e.at), ...e.insert);
    pos = e.at + e.remove;
  }
  out.push(...c.lines.slice(pos));
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

function originalText(c: FileCase): string {
  return c.lines.join('\n') + (c.finalNewline ? '\n' : '');
}

function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const key = rel === '' ? name : `${rel}/${name}`;
      if (statSync(full).isDirectory()) {
        out[`${key}/`] = '';
        walk(full, key);
      } else out[key] = readFileSync(full, 'latin1');
    }
  };
  walk(root, '');
  return out;
}

const treeCase: fc.Arbitrary<TreeCase> = fc.record({
  updates: fc.array(fileCase, { minLength: 1, maxLength: 3 }),
  moveFirst: fc.boolean(),
  adds: fc.array(fc.array(lineText, { maxLength: 4 }), { maxLength: 2 }),
  deleteOne: fc.boolean(),
});

function writeTree(dir: string, updates: FileCase[], deleteOne: boolean): void {
  updates.forEach((c, i) => {
    const path = join(dir, `src/f${i}.txt`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, originalText(c));
  });
  if (deleteOne) writeFileSync(join(dir, 'obsolete.txt'), 'bye\n');
}

interface TreeCase {
  updates: FileCase[];
  moveFirst: boolean;
  adds: string[][];
  deleteOne: boolean;
}

function buildPatch(t: TreeCase): string {
  const lines = ['*** Begin Patch'];
  t.updates.forEach((c, i) => {
    lines.push(`*** Update File: src/f${i}.txt`);
    if (i === 0 && t.moveFirst) lines.push('*** Move to: moved/deeper/f0.txt');
    lines.push(...chunksFor(c));
  });
  t.adds.forEach((content, i) => {
    lines.push(`*** Add File: new/a${i}.txt`, ...content.map((l) => `+${l}`));
  });
  if (t.deleteOne) lines.push('*** Delete File: obsolete.txt');
  lines.push('*** End Patch');
  return lines.join('\n');
}

describe('apply_patch properties', () => {
  it('a patch built from generated edits reproduces the edited files exactly', async () => {
    await fc.assert(
      fc.asyncProperty(treeCase, async (t) => {
        await withTempDir((dir) => {
          writeTree(dir, t.updates, t.deleteOne);
          applyPatchLocally(buildPatch(t), dir);
          const want: Record<string, string> = {};
          t.updates.forEach((c, i) => {
            const name = i === 0 && t.moveFirst ? 'moved/deeper/f0.txt' : `src/f${i}.txt`;
            want[name] = Buffer.from(expectedText(c), 'utf8').toString('latin1');
          });
          t.adds.forEach((content, i) => {
            want[`new/a${i}.txt`] = Buffer.from(content.map((l) => `${l}\n`).join(''), 'utf8').toString('latin1');
          });
          const got = snapshot(dir);
          for (const key of Object.keys(got)) if (key.endsWith('/')) delete got[key];
          expect(got).toEqual(want);
        }, 'prop');
      }),
      params('round trip'),
    );
  });

  it('line-ending preserving mode: a CRLF file stays CRLF after any generated edits', async () => {
    await fc.assert(
      fc.asyncProperty(fileCase, async (c) => {
        await withTempDir((dir) => {
          const original = c.lines.join('\r\n') + (c.finalNewline ? '\r\n' : '');
          writeFileSync(join(dir, 'f.txt'), original);
          const patch = ['*** Begin Patch', '*** Update File: f.txt', ...chunksFor(c), '*** End Patch'].join('\n');
          applyPatchLocally(patch, dir, 'preserve');
          // The preferred terminator is the file's first one: LF only for a one-line file
          // without any terminator.
          const eol = c.lines.length > 1 || c.finalNewline ? '\r\n' : '\n';
          const want = expectedText(c).replace(/\n/g, eol);
          expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe(want);
        }, 'prop');
      }),
      params('preserve CRLF'),
    );
  });

  const corruption = fc.oneof(
    // A failing hunk inserted anywhere: every earlier hunk would have applied in the reference.
    fc.record({ kind: fc.constant('failing-hunk' as const), at: fc.nat(), which: fc.integer({ min: 0, max: 3 }) }),
    // A random line inserted anywhere in the body.
    fc.record({ kind: fc.constant('junk-line' as const), at: fc.nat(), text: fc.string({ maxLength: 20 }) }),
    // Random text in place of the patch.
    fc.record({ kind: fc.constant('random' as const), text: fc.string({ maxLength: 200 }) }),
    // The patch cut short.
    fc.record({ kind: fc.constant('truncated' as const), keep: fc.nat() }),
  );

  const FAILING_HUNKS = [
    ['*** Update File: does/not/exist.txt', '@@', '-a', '+b'],
    ['*** Delete File: does-not-exist.txt'],
    ['*** Update File: src/f0.txt', '@@', '-this line is not in the file', '+x'],
    ['*** Delete File: src'],
  ];

  it('a malformed or failing patch is a typed error and leaves the tree untouched', async () => {
    await fc.assert(
      fc.asyncProperty(treeCase, corruption, async (t, bad) => {
        await withTempDir((dir) => {
          writeTree(dir, t.updates, t.deleteOne);
          const before = snapshot(dir);
          const lines = buildPatch(t).split('\n');
          let text: string;
          if (bad.kind === 'failing-hunk') {
            // Hunks start at lines beginning with "*** " (after the begin marker).
            const starts = lines.map((l, i) => (i > 0 && /^\*\*\* (Add|Delete|Update) File: /.test(l) ? i : -1)).filter((i) => i > 0);
            starts.push(lines.length - 1);
            const at = starts[bad.at % starts.length];
            text = [...lines.slice(0, at), ...FAILING_HUNKS[bad.which], ...lines.slice(at)].join('\n');
          } else if (bad.kind === 'junk-line') {
            const at = 1 + (bad.at % (lines.length - 1));
            text = [...lines.slice(0, at), `?${bad.text.replace(/[\r\n]/g, '')}`, ...lines.slice(at)].join('\n');
          } else if (bad.kind === 'random') {
            text = bad.text;
          } else {
            text = lines.slice(0, bad.keep % (lines.length - 1)).join('\n');
          }
          let error: unknown = null;
          try {
            applyPatchLocally(text, dir);
          } catch (err) {
            error = err;
          }
          // Random text may happen to be a valid patch only if it has the markers: it has not.
          expect(isSandboxError(error), String(error)).toBe(true);
          expect(['E_PATCH_PARSE', 'E_PATCH_APPLY']).toContain((error as { code: string }).code);
          expect(snapshot(dir)).toEqual(before);
        }, 'prop');
      }),
      params('failure leaves tree untouched'),
    );
  });
});
