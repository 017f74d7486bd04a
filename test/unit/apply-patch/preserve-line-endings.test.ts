// The line-ending preserving mode (docs/reference.md#patch-application, tool.rs CRLF cases): the
// default, as in the reference binary since 0.16x; the older LF mode stays selectable with
// lineEndings: 'lf' or CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS=0 for the helper entries.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { applyPatch } from '../../../lib/apply-patch/apply-patch';
import { arg0Dispatch } from '../../../lib/arg0/arg0-dispatch';
import { withTempDir } from '../../helpers/temp';

const wrap = (...lines: string[]): string => ['*** Begin Patch', '*** Update File: f.txt', ...lines, '*** End Patch'].join('\n');

async function preserve(original: string, ...chunk: string[]): Promise<string> {
  return withTempDir(async (dir) => {
    writeFileSync(join(dir, 'f.txt'), original);
    await applyPatch(wrap(...chunk), { cwd: dir, policy: 'danger-full-access', lineEndings: 'preserve' });
    return readFileSync(join(dir, 'f.txt'), 'utf8');
  });
}

describe('applyPatch lineEndings: preserve (the default)', () => {
  it('a CRLF file stays CRLF, added blank and new lines included', async () => {
    expect(await preserve('one\r\ntwo\r\nthree\r\n', '@@', '-one', '+uno', ' two', '+', '+between', ' three')).toBe('uno\r\ntwo\r\n\r\nbetween\r\nthree\r\n');
  });

  it('a context line keeps its own terminator', async () => {
    expect(await preserve('same\r\nsame\n', '@@', '-same', ' same')).toBe('same\n');
  });

  it('mixed endings: untouched lines keep theirs, a replaced line gets the first one in the file', async () => {
    expect(await preserve('one\r\ntwo\nthree\r\nfour\n', '@@', ' two', '-three', '+THREE', ' four')).toBe('one\r\ntwo\nTHREE\r\nfour\n');
  });

  it('an unterminated last line gains the preferred terminator', async () => {
    expect(await preserve('one\r\ntwo', '@@', '-one', '+ONE')).toBe('ONE\r\ntwo\r\n');
  });

  it('reordering lines in an LF file', async () => {
    expect(await preserve('a\nb\n', '@@', '-a', '-b', '+b', '+b', '+a')).toBe('b\nb\na\n');
  });

  it('a pure addition goes after the last line, even a blank one', async () => {
    expect(await preserve('a\r\n\r\n', '@@', '+z')).toBe('a\r\n\r\nz\r\n');
  });

  it('is the default', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(join(dir, 'f.txt'), 'one\r\ntwo\r\n');
      await applyPatch(wrap('@@', '-one', '+uno'), { cwd: dir, policy: 'danger-full-access' });
      expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe('uno\r\ntwo\r\n');
    });
  });

  it("lineEndings: 'lf' (the older reference's mode) leaves CR on untouched lines only", async () => {
    await withTempDir(async (dir) => {
      writeFileSync(join(dir, 'f.txt'), 'one\r\ntwo\r\n');
      await applyPatch(wrap('@@', '-one', '+uno'), { cwd: dir, policy: 'danger-full-access', lineEndings: 'lf' });
      expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe('uno\ntwo\r\n');
    });
  });

  for (const [value, expected] of [
    [undefined, 'uno\r\ntwo\r\n'],
    ['1', 'uno\r\ntwo\r\n'],
    ['0', 'uno\ntwo\r\n'],
  ] as const) {
    it(`the helper entry with CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS=${value ?? '(unset)'} writes ${JSON.stringify(expected)}`, async () => {
      await withTempDir(async (dir) => {
        writeFileSync(join(dir, 'f.txt'), 'one\r\ntwo\r\n');
        const outcome = arg0Dispatch(['node', 'x', '--codex-run-as-apply-patch', wrap('@@', '-one', '+uno')], {
          cwd: dir,
          env: value === undefined ? {} : { CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS: value },
          stdout: () => undefined,
          stderr: () => undefined,
          setExitCode: () => undefined,
          prepareEnvironment: false,
        });
        expect(outcome.dispatched && (await outcome.exitCode)).toBe(0);
        expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe(expected);
      });
    });
  }
});

describe('lineEndings: preserve, lone CR', () => {
  it('a CR not followed by LF ends a line, as in the reference binary', async () => {
    expect(await preserve('a\rb\n', '-a', '+c')).toBe('c\rb\n');
    expect(await preserve('x\r\r\n', '-x', '+c')).toBe('c\r\r\n');
    await withTempDir(async (dir) => {
      writeFileSync(join(dir, 'f.txt'), 'a\rb\n');
      await expect(applyPatch(wrap('-a\rb', '+c'), { cwd: dir, policy: 'danger-full-access' })).rejects.toMatchObject({ code: 'E_PATCH_APPLY' });
    });
  });
});
