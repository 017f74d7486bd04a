// Runs an apply_patch command-line entry (apply-patch-main.ts) in this process with PATCH as its
// argument, as the reference's runners do, capturing what it prints.
import type { ApplyPatchIo } from '../../lib/arg0/apply-patch-main';

export interface EntryOutcome {
  status: number;
  stdout: string;
  stderr: string;
}

export async function runPatchEntry(entry: (args: readonly string[], io: ApplyPatchIo) => Promise<number>, patch: string, cwd: string): Promise<EntryOutcome> {
  let stdout = '';
  let stderr = '';
  const status = await entry([patch], {
    cwd,
    // The entries' default when CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS is unset: the reference binary's line model.
    lineEndings: 'preserve',
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => Promise.reject(new Error('stdin must not be read when PATCH is an argument')),
  });
  return { status, stdout, stderr };
}
