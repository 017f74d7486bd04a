// Property tests of the comment-preserving config editor and the -c value parser: every edit of a
// generated document keeps all bytes it does not own, and the parsed result is exactly the old
// document with that one change (toml-edit refuses anything else, so no error may occur).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCliOverride } from '../../lib/config/overrides';
import { removeTomlValue, renderKey, renderValue, setTomlValue, type TomlEditValue } from '../../lib/config/toml-edit';
import { parseTomlText } from '../../lib/config/toml-source';
import { propertySettings } from '../helpers/property-settings';

const { numRuns, seed } = propertySettings('config editor properties', { defaultRuns: 100, ciRuns: 200 });

const key = fc.oneof(fc.constantFrom('sandbox_mode', 'writable_roots', 'a', 'b-c', 'x_1'), fc.constantFrom(':root', '/opt/x', '~/.ssh', 'with space', 'dot.ted'));
const value: fc.Arbitrary<TomlEditValue> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
);
const tableName = fc.constantFrom('permissions', 'dev', 'filesystem', 't', 'sandbox_workspace_write');
const comment = fc.option(fc.constantFrom('# note', '#', '# "quoted" = [x]', '# [not.a.table]'), { nil: undefined });

interface GenDoc {
  root: [string, TomlEditValue, string | undefined][];
  tables: { name: string[]; pairs: [string, TomlEditValue, string | undefined][] }[];
}

const pairs = fc.uniqueArray(fc.tuple(key, value, comment), { selector: (p) => p[0], maxLength: 4 });
const doc: fc.Arbitrary<GenDoc> = fc.record({
  root: pairs,
  tables: fc.uniqueArray(fc.record({ name: fc.array(tableName, { minLength: 1, maxLength: 3 }), pairs }), { selector: (t) => t.name.join('.'), maxLength: 3 }),
});

function render(d: GenDoc): string {
  const line = ([k, v, c]: [string, TomlEditValue, string | undefined]) => `${renderKey(k)} = ${renderValue(v)}${c === undefined ? '' : `  ${c}`}`;
  const out = ['# generated', ...d.root.map(line)];
  for (const t of d.tables) out.push('', `# table ${t.name.join('.')}`, `[${t.name.map(renderKey).join('.')}]`, ...t.pairs.map(line));
  return `${out.join('\n')}\n`;
}

/** True when `sub` is a subsequence of `full`. */
function subsequence(sub: string[], full: string[]): boolean {
  let i = 0;
  for (const l of full) if (i < sub.length && sub[i] === l) i++;
  return i === sub.length;
}

function validDoc(text: string): boolean {
  try {
    parseTomlText(text, 'gen.toml');
    return true;
  } catch {
    return false;
  }
}

describe(`config editor properties (seed ${seed}, ${numRuns} runs)`, () => {
  it('setting any key keeps every line it does not own, and the document changes by exactly that key', () => {
    fc.assert(
      fc.property(doc, fc.array(fc.oneof(key, tableName), { minLength: 1, maxLength: 4 }), value, (d, path, v) => {
        const text = render(d);
        fc.pre(validDoc(text));
        let out: string;
        try {
          out = setTomlValue(text, path, v, 'gen.toml');
        } catch (err) {
          // Setting through a scalar or onto a table is refused, never written wrongly.
          expect((err as Error).message).toMatch(/is not a table|it is a table/);
          return;
        }
        const owned = new RegExp(
          `^${path
            .map(renderKey)
            .at(-1)!
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} = `,
        );
        const kept = text.split('\n').filter((l) => !owned.test(l));
        expect(subsequence(kept, out.split('\n'))).toBe(true);
        let cur: unknown = parseTomlText(out, 'gen.toml');
        for (const p of path) cur = (cur as Record<string, unknown>)[p];
        expect(cur).toEqual(v);
      }),
      { numRuns, seed },
    );
  });

  it('removing an existing key deletes only its line', () => {
    fc.assert(
      fc.property(doc, fc.nat(), (d, pick) => {
        const text = render(d);
        fc.pre(validDoc(text));
        const all = [...d.root.map((p) => [p[0]]), ...d.tables.flatMap((t) => t.pairs.map((p) => [...t.name, p[0]]))];
        fc.pre(all.length > 0);
        const path = all[pick % all.length];
        const { text: out, changed } = removeTomlValue(text, path, 'gen.toml');
        expect(changed).toBe(true);
        const removed = text.split('\n').filter((l) => !out.split('\n').includes(l));
        expect(removed.length).toBeLessThanOrEqual(1);
        expect(subsequence(out.split('\n'), text.split('\n'))).toBe(true);
      }),
      { numRuns, seed },
    );
  });

  it('-c key=<TOML literal> gives back the value; a non-TOML word is a string', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(parseCliOverride(`k=${renderValue(v)}`).value).toEqual(v);
      }),
      { numRuns, seed },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z-]{0,10}$/), (word) => {
        fc.pre(!['true', 'false', 'inf', 'nan'].includes(word));
        expect(parseCliOverride(`k=${word}`).value).toBe(word);
      }),
      { numRuns, seed },
    );
  });
});
