// apply_patch throughput for 1, 5 and 10 MB files with one change chunk per 1,000 bytes of
// ~100-byte lines (1,000 / 5,000 / 10,000 chunks). Chunks are located by searching forward from
// the previous match, so time should grow linearly with size. Run with `npm run bench`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';

import { applyPatchLocally } from '../../lib/apply-patch/apply-local';
import { deriveNewContentsPreserving } from '../../lib/apply-patch/derive-preserving';
import { parsePatch } from '../../lib/apply-patch/parse-patch';
import { makeTempDir } from '../helpers/temp';

const LINE_BYTES = 100;
const LINES_PER_CHUNK = 10;

interface Case {
  mb: number;
  original: string;
  forward: string;
  reverse: string;
  chunks: number;
}

function line(i: number, tag: string): string {
  const head = `line ${i} ${tag} `;
  return head + 'x'.repeat(LINE_BYTES - 1 - head.length);
}

function makeCase(mb: number): Case {
  const count = Math.round((mb * 1024 * 1024) / LINE_BYTES);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(line(i, 'old'));
  const forward = ['*** Begin Patch', '*** Update File: big.txt'];
  const reverse = ['*** Begin Patch', '*** Update File: big.txt'];
  let chunks = 0;
  for (let at = 3; at + 3 < count; at += LINES_PER_CHUNK) {
    const ctxBefore = [lines[at - 3], lines[at - 2], lines[at - 1]].map((l) => ` ${l}`);
    const ctxAfter = [lines[at + 1], lines[at + 2]].map((l) => ` ${l}`);
    forward.push('@@', ...ctxBefore, `-${lines[at]}`, `+${line(at, 'new')}`, ...ctxAfter);
    reverse.push('@@', ...ctxBefore, `-${line(at, 'new')}`, `+${lines[at]}`, ...ctxAfter);
    chunks++;
  }
  forward.push('*** End Patch');
  reverse.push('*** End Patch');
  return { mb, original: `${lines.join('\n')}\n`, forward: forward.join('\n'), reverse: reverse.join('\n'), chunks };
}

const cases = [1, 5, 10].map(makeCase);
const dir = makeTempDir('bench');
afterAll(() => dir.remove());

describe('apply_patch: parse + locate + rebuild in memory', () => {
  for (const c of cases) {
    bench(`${c.mb} MB file, ${c.chunks} chunks`, () => {
      const hunk = parsePatch(c.forward).hunks[0];
      if (hunk.type !== 'update') throw new Error('bench patch must be an update');
      deriveNewContentsPreserving(c.original, hunk.chunks, 'big.txt');
    });
  }
});

describe('apply_patch: full apply to disk (verify, temp file, rename), forward then reverse', () => {
  for (const c of cases) {
    const sub = join(dir.path, `${c.mb}mb`);
    bench(
      `${c.mb} MB file, ${c.chunks} chunks, x2 applies`,
      () => {
        applyPatchLocally(c.forward, sub);
        applyPatchLocally(c.reverse, sub);
      },
      {
        setup: () => {
          mkdirSync(sub, { recursive: true });
          writeFileSync(join(sub, 'big.txt'), c.original);
        },
        teardown: () => {
          if (readFileSync(join(sub, 'big.txt'), 'utf8') !== c.original) throw new Error('forward+reverse did not restore the file');
        },
        iterations: 5,
        time: 0,
      },
    );
  }
});
