// arg0/apply-patch-main: the two apply_patch command-line entries with the reference's exact
// output and exit statuses (docs/reference.md#patch-cli, #arg0-dispatch):
//   `apply_patch [PATCH]`                  (argv or stdin; 0 applied, 1 failed, 2 usage)
//   `--codex-run-as-apply-patch PATCH`     (argv; 0 applied, 1 failed or missing PATCH)
// Input and output go through an injected Io so tests run these in-process.

import { applyPatchLocally } from '../apply-patch/apply-local';
import { PRESERVE_LINE_ENDINGS_ENV, type LineEndingMode } from '../apply-patch/compute-changes';
import { utf8ErrorText } from '../apply-patch/rust-text';
import { isSandboxError } from '../errors';
import { CODEX_RUN_AS_APPLY_PATCH } from './run-as-apply-patch-flag';

export interface ApplyPatchIo {
  cwd: string;
  /** 'preserve', the reference's; 'lf' with CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS=0. */
  lineEndings: LineEndingMode;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** All of stdin as bytes. */
  readStdin: () => Promise<Buffer>;
}

/** CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS: the reference binary preserves by default; `0` selects the older LF mode. */
export function lineEndingsFromEnv(env: NodeJS.ProcessEnv): LineEndingMode {
  return env[PRESERVE_LINE_ENDINGS_ENV] === '0' ? 'lf' : 'preserve';
}

/** The one stderr text for a failed patch: the reference's, which may span two lines. */
export function patchFailureText(err: unknown): string {
  if (isSandboxError(err)) {
    const reference = err.details?.referenceText;
    return typeof reference === 'string' ? reference : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

function applyAndReport(patch: string, io: ApplyPatchIo): number {
  try {
    io.stdout(applyPatchLocally(patch, io.cwd, io.lineEndings).summary);
    return 0;
  } catch (err) {
    if (!isSandboxError(err)) throw err;
    io.stderr(`${patchFailureText(err)}\n`);
    return 1;
  }
}

/** Rust's io::Error text when read_to_string meets bytes that are not UTF-8. */
const STDIN_NOT_UTF8 = 'stream did not contain valid UTF-8';

/** All of stdin as text, or the reference's two-line failure (printed, and null returned). */
async function readPatchFromStdin(io: ApplyPatchIo): Promise<string | null> {
  let bytes: Buffer;
  try {
    bytes = await io.readStdin();
  } catch (err) {
    io.stderr(`Error: Failed to read PATCH from stdin.\n${err instanceof Error ? err.message : String(err)}\n`);
    return null;
  }
  if (utf8ErrorText(bytes) !== null) {
    io.stderr(`Error: Failed to read PATCH from stdin.\n${STDIN_NOT_UTF8}\n`);
    return null;
  }
  return bytes.toString('utf8');
}

/** `apply_patch` / `applypatch`: `args` are the arguments after the program name. */
export async function applyPatchMain(args: readonly string[], io: ApplyPatchIo): Promise<number> {
  let patch: string;
  if (args.length > 0) {
    if (args.length > 1) {
      io.stderr('Error: apply_patch accepts exactly one argument.\n');
      return 2;
    }
    patch = args[0];
  } else {
    const read = await readPatchFromStdin(io);
    if (read === null) return 1;
    patch = read;
    if (patch === '') {
      io.stderr("Usage: apply_patch 'PATCH'\n       echo 'PATCH' | apply_patch\n");
      return 2;
    }
  }
  return applyAndReport(patch, io);
}

/**
 * `--codex-run-as-apply-patch PATCH`: `args` are the arguments after the flag; extras ignored.
 * PATCH `-` (which as a patch could only fail to parse) reads the patch from stdin: the sandboxed
 * applyPatch uses it for patches larger than one argument may be.
 */
export async function runAsApplyPatch(args: readonly string[], io: ApplyPatchIo): Promise<number> {
  if (args.length === 0) {
    io.stderr(`Error: ${CODEX_RUN_AS_APPLY_PATCH} requires a UTF-8 PATCH argument.\n`);
    return 1;
  }
  if (args[0] !== '-') return applyAndReport(args[0], io);
  const patch = await readPatchFromStdin(io);
  return patch === null ? 1 : applyAndReport(patch, io);
}
