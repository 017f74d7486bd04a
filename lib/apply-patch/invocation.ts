// apply-patch/invocation: tells whether a command an agent wants to run is an apply_patch call
// (docs/reference.md#patch-invocations), so a runtime can apply the patch itself with the right cwd instead of
// running a shell. Pure: it reads no files.

import { isAbsolute, resolve } from 'node:path';

import { PatchParseError } from '../errors';
import { parseHeredocScript } from './heredoc-script';
import { parsePatch, type Hunk } from './parse-patch';

export type ApplyPatchInvocation =
  | {
      kind: 'apply_patch';
      /** The patch text (any heredoc wrapper removed), to hand to applyPatch. */
      patch: string;
      hunks: Hunk[];
      /** The `cd` argument of `cd DIR && apply_patch <<EOF`, or null. */
      workdir: string | null;
      /** The directory the patch applies in: cwd joined with workdir. */
      cwd: string;
    }
  | { kind: 'not_apply_patch' }
  /** An apply_patch call whose patch does not parse, or a bare patch given as a command. */
  | { kind: 'error'; error: PatchParseError };

const APPLY_PATCH_NAMES = new Set(['apply_patch', 'applypatch']);
const IMPLICIT_MESSAGE = 'patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]';

/** The lowercased file stem of a program path, for `/bin/bash` and `C:\\...\\powershell.exe`. */
function programStem(program: string): string {
  const base = program.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).toLowerCase();
}

/** The script of a `bash -lc SCRIPT`-like argv, or null. Any shell's script is read as bash. */
function shellScript(argv: readonly string[]): string | null {
  const shell = programStem(argv[0] ?? '');
  if (argv.length === 3) {
    const flag = argv[1];
    if (['bash', 'zsh', 'sh'].includes(shell) && (flag === '-lc' || flag === '-c')) return argv[2];
    if (['pwsh', 'powershell'].includes(shell) && flag.toLowerCase() === '-command') return argv[2];
    if (shell === 'cmd' && flag.toLowerCase() === '/c') return argv[2];
    return null;
  }
  if (argv.length === 4 && ['pwsh', 'powershell'].includes(shell)) {
    if (argv[1].toLowerCase() === '-noprofile' && argv[2].toLowerCase() === '-command') return argv[3];
  }
  return null;
}

function parsesAsPatch(text: string): boolean {
  try {
    parsePatch(text);
    return true;
  } catch {
    return false;
  }
}

function parsed(patchText: string, workdir: string | null, cwd: string): ApplyPatchInvocation {
  try {
    const { hunks, patch } = parsePatch(patchText);
    const effective = workdir === null ? cwd : isAbsolute(workdir) ? workdir : resolve(cwd, workdir);
    return { kind: 'apply_patch', patch, hunks, workdir, cwd: effective };
  } catch (err) {
    if (err instanceof PatchParseError) return { kind: 'error', error: err };
    throw err;
  }
}

/**
 * Classifies `argv`: `["apply_patch", PATCH]`, `["bash", "-lc", "apply_patch <<'EOF' ..."]` (and
 * the zsh/sh/pwsh/powershell/cmd spellings), or `cd DIR && apply_patch <<EOF` inside those.
 */
export function maybeParseApplyPatch(argv: readonly string[], cwd: string): ApplyPatchInvocation {
  // A patch sent as the command itself would otherwise run as a shell command and fail oddly.
  const script = shellScript(argv);
  if ((argv.length === 1 && parsesAsPatch(argv[0])) || (script !== null && parsesAsPatch(script))) {
    return { kind: 'error', error: new PatchParseError(IMPLICIT_MESSAGE, { details: { kind: 'implicit_invocation', reason: IMPLICIT_MESSAGE } }) };
  }
  if (argv.length === 2 && APPLY_PATCH_NAMES.has(argv[0])) return parsed(argv[1], null, cwd);
  if (script === null) return { kind: 'not_apply_patch' };
  const heredoc = parseHeredocScript(script);
  if (heredoc === null) return { kind: 'not_apply_patch' };
  return parsed(heredoc.body, heredoc.workdir, cwd);
}
