// invocation.rs cases of docs/reference.md#conformance-cases: which argv shapes are apply_patch calls, and their cwd.
import { describe, expect, it } from 'vitest';

import { maybeParseApplyPatch } from '../../../lib/apply-patch/invocation';

const PATCH = '*** Begin Patch\n*** Add File: foo\n+hi\n*** End Patch';
const HUNKS = [{ type: 'add', path: 'foo', contents: 'hi\n' }];
const heredoc = (prefix = '', name = 'apply_patch', delim = "'PATCH'", end = 'PATCH'): string => `${prefix}${name} <<${delim}\n${PATCH}\n${end}\n`;

function kindOf(argv: string[]): string {
  return maybeParseApplyPatch(argv, '/work').kind;
}

describe('maybeParseApplyPatch', () => {
  it('a single argument that is a patch is an implicit invocation error', () => {
    const r = maybeParseApplyPatch([PATCH], '/work');
    expect(r.kind === 'error' && r.error.message).toBe('patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]');
  });

  it('a bash script that is itself a patch is an implicit invocation error', () => {
    const r = maybeParseApplyPatch(['bash', '-lc', PATCH], '/work');
    expect(r.kind === 'error' && r.error.code).toBe('E_PATCH_PARSE');
  });

  for (const name of ['apply_patch', 'applypatch']) {
    it(`["${name}", PATCH] is a literal invocation in the given cwd`, () => {
      expect(maybeParseApplyPatch([name, PATCH], '/work')).toEqual({ kind: 'apply_patch', patch: PATCH, hunks: HUNKS, workdir: null, cwd: '/work' });
    });
  }

  it('a literal invocation with a bad patch is a patch parse error', () => {
    const r = maybeParseApplyPatch(['apply_patch', 'not a patch'], '/work');
    expect(r.kind === 'error' && r.error.message).toBe("Invalid patch: The first line of the patch must be '*** Begin Patch'");
  });

  it('bash -lc with a heredoc is an invocation; the body loses its trailing newlines', () => {
    expect(maybeParseApplyPatch(['bash', '-lc', heredoc()], '/work')).toEqual({ kind: 'apply_patch', patch: PATCH, hunks: HUNKS, workdir: null, cwd: '/work' });
  });

  it('a non-login shell (-c), applypatch, /bin/zsh and /bin/sh are accepted', () => {
    expect(kindOf(['bash', '-c', heredoc()])).toBe('apply_patch');
    expect(kindOf(['bash', '-lc', heredoc('', 'applypatch')])).toBe('apply_patch');
    expect(kindOf(['/bin/zsh', '-lc', heredoc()])).toBe('apply_patch');
    expect(kindOf(['/bin/sh', '-c', heredoc()])).toBe('apply_patch');
  });

  it('powershell -Command, powershell -NoProfile -Command, pwsh and cmd /c are accepted', () => {
    expect(kindOf(['powershell.exe', '-Command', heredoc()])).toBe('apply_patch');
    expect(kindOf(['powershell.exe', '-NoProfile', '-Command', heredoc()])).toBe('apply_patch');
    expect(kindOf(['pwsh', '-command', heredoc()])).toBe('apply_patch');
    expect(maybeParseApplyPatch(['cmd.exe', '/c', heredoc('cd foo && ')], '/work')).toMatchObject({ kind: 'apply_patch', workdir: 'foo', cwd: '/work/foo' });
  });

  it('unknown shells, wrong flags and the 4-element form for bash are not apply_patch', () => {
    expect(kindOf(['fish', '-c', heredoc()])).toBe('not_apply_patch');
    expect(kindOf(['bash', '-x', heredoc()])).toBe('not_apply_patch');
    expect(kindOf(['bash', '-NoProfile', '-c', heredoc()])).toBe('not_apply_patch');
  });

  it('any delimiter word and quoting are accepted', () => {
    expect(kindOf(['bash', '-lc', heredoc('', 'apply_patch', 'EOF', 'EOF')])).toBe('apply_patch');
    expect(kindOf(['bash', '-lc', heredoc('', 'apply_patch', '"END_OF_PATCH"', 'END_OF_PATCH')])).toBe('apply_patch');
  });

  it('cd foo && apply_patch gives workdir foo and cwd joined with it', () => {
    expect(maybeParseApplyPatch(['bash', '-lc', heredoc('cd foo && ')], '/work')).toEqual({
      kind: 'apply_patch',
      patch: PATCH,
      hunks: HUNKS,
      workdir: 'foo',
      cwd: '/work/foo',
    });
  });

  it('an absolute cd replaces the cwd', () => {
    expect(maybeParseApplyPatch(['bash', '-lc', heredoc('cd /elsewhere && ')], '/work')).toMatchObject({ cwd: '/elsewhere' });
  });

  it('cd \'foo bar\' and cd "foo bar" give workdir foo bar', () => {
    expect(maybeParseApplyPatch(['bash', '-lc', heredoc("cd 'foo bar' && ")], '/work')).toMatchObject({ workdir: 'foo bar' });
    expect(maybeParseApplyPatch(['bash', '-lc', heredoc('cd "foo bar" && ')], '/work')).toMatchObject({ workdir: 'foo bar' });
  });

  const ignored: Array<[string, string]> = [
    ['cd with a semicolon', heredoc('cd foo; ')],
    ['cd or apply_patch', heredoc('cd foo || ')],
    ['cd piped into apply_patch', heredoc('cd foo | ')],
    ['echo && apply_patch', heredoc('echo foo && ')],
    ['apply_patch with an argument', heredoc('', 'apply_patch foo')],
    ['two cds', heredoc('cd foo && cd bar && ')],
    ['cd with two arguments', heredoc('cd foo bar && ')],
    ['text after the heredoc start', `apply_patch <<'PATCH' && echo done\n${PATCH}\nPATCH\n`],
    ['cd && apply_patch with a command after the heredoc start', `cd foo && apply_patch <<'PATCH' && echo done\n${PATCH}\nPATCH\n`],
    ['a statement after the heredoc', `${heredoc()}echo done\n`],
    ['echo then cd && apply_patch', `echo x; ${heredoc('cd foo && ')}`],
    ['a preceding statement on its own line', `echo x\n${heredoc()}`],
    ['a heredoc without its terminator', `apply_patch <<'PATCH'\n${PATCH}\n`],
    ['a cd argument with an expansion', heredoc('cd "$HOME" && ')],
  ];
  for (const [what, script] of ignored) {
    it(`${what} is not apply_patch`, () => {
      expect(kindOf(['bash', '-lc', script])).toBe('not_apply_patch');
    });
  }

  it('a heredoc whose body is not a patch is a patch parse error', () => {
    const r = maybeParseApplyPatch(['bash', '-lc', "apply_patch <<'EOF'\nhello\nEOF\n"], '/work');
    expect(r.kind).toBe('error');
  });

  it('the heredoc body may hold a heredoc-wrapped patch, which the lenient parser unwraps', () => {
    const inner = `<<'EOF'\n${PATCH}\nEOF`;
    expect(maybeParseApplyPatch(['apply_patch', inner], '/work')).toMatchObject({ kind: 'apply_patch', patch: PATCH });
  });

  it('a move destination is relative to the effective cwd when applied', () => {
    const patch = '*** Begin Patch\n*** Update File: old.txt\n*** Move to: renamed.txt\n@@\n-a\n+b\n*** End Patch';
    const r = maybeParseApplyPatch(['bash', '-lc', `cd alt && apply_patch <<'EOF'\n${patch}\nEOF\n`], '/work');
    expect(r).toMatchObject({ kind: 'apply_patch', cwd: '/work/alt', hunks: [{ movePath: 'renamed.txt' }] });
  });
});
