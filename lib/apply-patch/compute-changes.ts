// apply-patch/compute-changes: runs every hunk of a parsed patch against an in-memory view of the
// tree (reads only), so that all failures are found before anything is written.
//
// The reference applies hunks one by one and stops at the first failure, leaving earlier hunks
// applied (fixture 015). Here the same hunk order and the same checks run against an overlay of
// pending results; only a patch whose every hunk succeeds produces a change set to commit.

import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { PatchApplyError } from '../errors';
import { deriveNewContents } from './derive-contents';
import { deriveNewContentsPreserving } from './derive-preserving';
import { INVALID_UTF8_TEXT, osErrorText } from './os-error-text';
import type { Hunk } from './parse-patch';

/** What the patch leaves at one absolute path. */
export type FileChange =
  | { path: string; kind: 'write'; contents: string }
  /** `moveSource`: removed because its content moved, which changes the failure message. */
  | { path: string; kind: 'delete'; moveSource: boolean };

export interface ChangeSet {
  /** One entry per path, in the order the patch first touched it. */
  changes: FileChange[];
  /** Paths as spelled in the patch, for the summary: A, M (move destination), D. */
  added: string[];
  modified: string[];
  deleted: string[];
}

type Pending = { kind: 'file'; contents: string } | { kind: 'absent'; moveSource: boolean };
type DiskKind = 'file' | 'dir' | 'other' | 'missing';

function fail(text: string, path: string, reason: string, cause?: unknown): PatchApplyError {
  return new PatchApplyError(text, { path: [path], cause, details: { reason, referenceText: text } });
}

/** Follows symlinks, as the reference's reads and writes do. */
function diskKind(path: string): DiskKind {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return 'dir';
    return st.isFile() ? 'file' : 'other';
  } catch {
    // Missing, or a dangling symlink: writing through it creates its target, like fs::write.
    return 'missing';
  }
}

function canAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

class Overlay {
  readonly pending = new Map<string, Pending>();

  kind(path: string): DiskKind {
    const p = this.pending.get(path);
    if (p !== undefined) return p.kind === 'file' ? 'file' : 'missing';
    return diskKind(path);
  }

  read(path: string): string {
    const p = this.pending.get(path);
    if (p !== undefined) {
      if (p.kind === 'file') return p.contents;
      throw fail(`Failed to read file to update ${path}: ${osErrorText({ code: 'ENOENT' })}`, path, 'read_failed');
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw fail(`Failed to read file to update ${path}: ${osErrorText(err)}`, path, 'read_failed', err);
    }
    try {
      return utf8.decode(bytes);
    } catch (err) {
      throw fail(`Failed to read file to update ${path}: ${INVALID_UTF8_TEXT}`, path, 'read_failed', err);
    }
  }

  /** The checks fs::write plus create_dir_all would fail on, made without writing. */
  checkWritable(path: string): void {
    const kind = this.kind(path);
    if (kind === 'dir' || kind === 'other') throw fail(`Failed to write file ${path}`, path, 'write_failed');
    if (kind === 'file' && !this.pending.has(path) && !canAccess(path, constants.W_OK)) {
      throw fail(`Failed to write file ${path}`, path, 'write_failed');
    }
    let dir = dirname(path);
    let created = false;
    for (;;) {
      const dirKind = this.kind(dir);
      if (dirKind === 'dir') break;
      if (dirKind !== 'missing') {
        throw fail(`Failed to create parent directories for ${path}`, path, 'create_parent_failed');
      }
      created = true;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    if (kind !== 'file' && !canAccess(dir, constants.W_OK | constants.X_OK)) {
      const text = created ? `Failed to create parent directories for ${path}` : `Failed to write file ${path}`;
      throw fail(text, path, created ? 'create_parent_failed' : 'write_failed');
    }
  }

  /** The checks remove_file would fail on: the path must be a file (not a directory). */
  checkRemovable(path: string, text: string, reason: string): void {
    const kind = this.kind(path);
    if (kind === 'missing' || kind === 'dir') throw fail(text, path, reason);
    if (!this.pending.has(path) && !canAccess(dirname(path), constants.W_OK | constants.X_OK)) throw fail(text, path, reason);
  }

  write(path: string, contents: string): void {
    this.pending.set(path, { kind: 'file', contents });
  }

  remove(path: string, moveSource: boolean): void {
    this.pending.set(path, { kind: 'absent', moveSource });
  }
}

/**
 * How updated files get their line endings: 'lf' is the reference's long-standing mode (split on
 * LF, one final LF); 'preserve' keeps each line's own LF or CRLF (docs/reference.md#patch-application).
 */
export type LineEndingMode = 'lf' | 'preserve';

/** `=1` selects 'preserve' in the apply_patch helper entries, as in the reference's helper. */
export const PRESERVE_LINE_ENDINGS_ENV = 'CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS';

/** Runs every hunk in order against the overlay; throws the first failure, writes nothing. */
export function computeChanges(hunks: readonly Hunk[], cwd: string, lineEndings: LineEndingMode = 'lf'): ChangeSet {
  const derive = lineEndings === 'preserve' ? deriveNewContentsPreserving : deriveNewContents;
  if (hunks.length === 0) throw fail('No files were modified.', cwd, 'empty_patch');
  const overlay = new Overlay();
  const added: string[] = [];
  const modified: string[] = [];
  const deleted: string[] = [];
  for (const hunk of hunks) {
    const path = resolve(cwd, hunk.path);
    if (hunk.type === 'add') {
      overlay.checkWritable(path);
      overlay.write(path, hunk.contents);
      added.push(hunk.path);
    } else if (hunk.type === 'delete') {
      overlay.checkRemovable(path, `Failed to delete file ${path}`, 'delete_failed');
      overlay.remove(path, false);
      deleted.push(hunk.path);
    } else {
      const contents = derive(overlay.read(path), hunk.chunks, path);
      const dest = hunk.movePath === null ? path : resolve(cwd, hunk.movePath);
      overlay.checkWritable(dest);
      // A move onto its own source is an update. The reference writes and then deletes the file
      // (issues #6358, #34210) while reporting success; that loses the file, so it is not copied.
      if (dest !== path) overlay.checkRemovable(path, `Failed to remove original ${path}`, 'remove_original_failed');
      overlay.write(dest, contents);
      if (dest !== path) overlay.remove(path, true);
      modified.push(hunk.movePath ?? hunk.path);
    }
  }
  const changes: FileChange[] = [];
  for (const [path, p] of overlay.pending) {
    if (p.kind === 'file') changes.push({ path, kind: 'write', contents: p.contents });
    else if (diskKind(path) !== 'missing') changes.push({ path, kind: 'delete', moveSource: p.moveSource });
  }
  return { changes, added, modified, deleted };
}
