// apply-patch/apply-local: parse, verify every hunk, then commit atomically, in this process and
// with this process's rights. The sandboxed mode runs exactly this in a sandboxed child.

import { commitChanges } from './commit-changes';
import { computeChanges, type LineEndingMode } from './compute-changes';
import { parsePatch } from './parse-patch';

export interface ApplyPatchResult {
  /** Paths as spelled in the patch, in patch order. Moves list their destination as modified. */
  added: string[];
  modified: string[];
  deleted: string[];
  /** The reference's stdout text: `Success. Updated the following files:` and A/M/D lines. */
  summary: string;
}

/** The reference's success text (docs/reference.md#patch-application): all A, then M, then D lines, each group in patch order. */
export function formatSummary(result: Pick<ApplyPatchResult, 'added' | 'modified' | 'deleted'>): string {
  let out = 'Success. Updated the following files:\n';
  for (const path of result.added) out += `A ${path}\n`;
  for (const path of result.modified) out += `M ${path}\n`;
  for (const path of result.deleted) out += `D ${path}\n`;
  return out;
}

/** Applies `text` under `cwd`; throws PatchParseError or PatchApplyError and then changed nothing. */
export function applyPatchLocally(text: string, cwd: string, lineEndings: LineEndingMode = 'lf'): ApplyPatchResult {
  const { hunks } = parsePatch(text);
  const set = computeChanges(hunks, cwd, lineEndings);
  commitChanges(set.changes);
  const result = { added: set.added, modified: set.modified, deleted: set.deleted };
  return { ...result, summary: formatSummary(result) };
}
