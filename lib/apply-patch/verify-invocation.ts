// apply-patch/verify-invocation: maybeParseApplyPatchVerified (docs/reference.md#patch-invocations): recognizes an
// apply_patch call like maybeParseApplyPatch, then works out, without writing anything, what each
// hunk would do: the added content, the deleted file's content, or an update's new content and
// unified diff. A host shows this for approval before it applies the patch.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { PatchApplyError, type PatchParseError } from '../errors';
import { deriveNewContents } from './derive-contents';
import { maybeParseApplyPatch } from './invocation';
import { INVALID_UTF8_TEXT, osErrorText } from './os-error-text';
import { unifiedDiff } from './unified-diff';

export type VerifiedFileChange =
  | { type: 'add'; path: string; content: string }
  | { type: 'delete'; path: string; content: string }
  | { type: 'update'; path: string; movePath: string | null; unifiedDiff: string; newContent: string };

export type VerifiedApplyPatch =
  | { kind: 'apply_patch'; patch: string; cwd: string; changes: VerifiedFileChange[] }
  | { kind: 'not_apply_patch' }
  | { kind: 'error'; error: PatchParseError | PatchApplyError };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readText(path: string, context: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const text = `${context} ${path}: ${osErrorText(err)}`;
    throw new PatchApplyError(text, { path: [path], cause: err, details: { reason: 'read_failed', referenceText: text } });
  }
  try {
    return utf8.decode(bytes);
  } catch (err) {
    const text = `${context} ${path}: ${INVALID_UTF8_TEXT}`;
    throw new PatchApplyError(text, { path: [path], cause: err, details: { reason: 'read_failed', referenceText: text } });
  }
}

/** Every change an apply_patch call in `argv` would make under `cwd`, with absolute paths. */
export function maybeParseApplyPatchVerified(argv: readonly string[], cwd: string): VerifiedApplyPatch {
  const found = maybeParseApplyPatch(argv, cwd);
  if (found.kind !== 'apply_patch') return found;
  const changes: VerifiedFileChange[] = [];
  try {
    for (const hunk of found.hunks) {
      const path = resolve(found.cwd, hunk.path);
      if (hunk.type === 'add') {
        changes.push({ type: 'add', path, content: hunk.contents });
      } else if (hunk.type === 'delete') {
        changes.push({ type: 'delete', path, content: readText(path, 'Failed to read') });
      } else {
        const original = readText(path, 'Failed to read file to update');
        const newContent = deriveNewContents(original, hunk.chunks, path);
        changes.push({
          type: 'update',
          path,
          movePath: hunk.movePath === null ? null : resolve(found.cwd, hunk.movePath),
          unifiedDiff: unifiedDiff(original, newContent),
          newContent,
        });
      }
    }
  } catch (err) {
    if (err instanceof PatchApplyError) return { kind: 'error', error: err };
    throw err;
  }
  return { kind: 'apply_patch', patch: found.patch, cwd: found.cwd, changes };
}
