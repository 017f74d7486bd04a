// apply-patch/commit-changes: writes a verified change set so that a failure leaves the tree as
// it was.
//
// Three phases. (1) Undoable preparation: every file to delete is renamed aside, missing parent
// directories are created, and every new content is written to a temporary file in its target's
// directory. Each step records its undo; any failure undoes them in reverse and nothing is left
// behind. (2) The point of no return: each temporary file is renamed over its target (rename(2)
// within one directory is atomic, so a reader sees the old or the new file, never a torn one).
// (3) The renamed-aside files are unlinked.

import { closeSync, fchmodSync, mkdirSync, openSync, readlinkSync, realpathSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { PatchApplyError } from '../errors';
import type { FileChange } from './compute-changes';

const TEMP_TAG = '.csbx-';
const MAX_HINT_BYTES = 200;

function fail(text: string, path: string, reason: string, cause: unknown): PatchApplyError {
  return new PatchApplyError(text, { path: [path], cause, details: { reason, referenceText: text } });
}

let counter = 0;

/**
 * Unique per process and call, hard to guess across processes. Not node:crypto: loading it costs
 * tens of milliseconds in the apply_patch helper, which runs once per sandboxed patch, and the
 * names need no secrecy (temporary files are opened O_EXCL; the folder's writers can change the
 * files anyway).
 */
function uniqueSuffix(): string {
  counter++;
  return `${process.pid.toString(36)}${counter.toString(36)}${Math.floor(Math.random() * 0x100000000).toString(36)}`;
}

/**
 * A hidden sibling name for a temporary or set-aside file. The original name is kept only as a
 * hint and shortened so that the sibling stays within NAME_MAX (255 bytes) even when the
 * original is a legal 255-byte name.
 */
function sideName(path: string, kind: 'tmp' | 'deleted'): string {
  let hint = basename(path);
  while (Buffer.byteLength(hint, 'utf8') > MAX_HINT_BYTES) hint = hint.slice(0, -1);
  return join(dirname(path), `.${hint}${TEMP_TAG}${uniqueSuffix()}.${kind}`);
}

/** Where a write to `path` lands: through a symlink to its target, as fs::write does. */
function writeTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return resolve(dirname(path), readlinkSync(path));
    } catch {
      return path;
    }
  }
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** Creates missing ancestors of `dir`, outermost first, and returns the ones it created. */
function makeParents(dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      if (statSync(d).isDirectory()) break;
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  const created: string[] = [];
  for (const d of missing) {
    mkdirSync(d);
    created.push(d);
  }
  return created;
}

export function writeTemp(target: string, contents: string): string {
  let mode: number | undefined;
  try {
    mode = statSync(target).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  const temp = sideName(target, 'tmp');
  const fd = openSync(temp, 'wx', 0o666);
  let ok = false;
  try {
    // Keep the permissions of the file being replaced; a new file gets 0666 less the umask, as
    // fs::write gives it.
    if (mode !== undefined) fchmodSync(fd, mode);
    const data = Buffer.from(contents, 'utf8');
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    ok = true;
  } finally {
    closeSync(fd);
    if (!ok) unlinkSync(temp);
  }
  return temp;
}

/** The step that writes a temporary file; replaceable so tests can make one write fail. */
export type TempWriter = (target: string, contents: string) => string;

/** Applies `changes`; on failure before the point of no return the tree is unchanged. */
export function commitChanges(changes: readonly FileChange[], writeTempFile: TempWriter = writeTemp): void {
  const undo: Array<() => void> = [];
  const asides: string[] = [];
  const renames: Array<{ temp: string; target: string }> = [];
  const inPlace: Array<{ target: string; contents: string }> = [];
  try {
    for (const change of changes) {
      if (change.kind !== 'delete') continue;
      const aside = sideName(change.path, 'deleted');
      try {
        renameSync(change.path, aside);
      } catch (err) {
        if (change.moveSource) throw fail(`Failed to remove original ${change.path}`, change.path, 'remove_original_failed', err);
        throw fail(`Failed to delete file ${change.path}`, change.path, 'delete_failed', err);
      }
      undo.push(() => renameSync(aside, change.path));
      asides.push(aside);
    }
    for (const change of changes) {
      if (change.kind !== 'write') continue;
      const target = writeTarget(change.path);
      let created: string[];
      try {
        created = makeParents(dirname(target));
      } catch (err) {
        throw fail(`Failed to create parent directories for ${change.path}`, change.path, 'create_parent_failed', err);
      }
      for (const d of created) undo.push(() => rmdirSync(d));
      try {
        const temp = writeTempFile(target, change.contents);
        undo.push(() => unlinkSync(temp));
        renames.push({ temp, target });
      } catch (err) {
        const code = errnoOf(err);
        // A writable file in a directory the writer may not create entries in (a policy that
        // grants one file, or a read-only directory): fall back to rewriting the file in place.
        // That is not atomic, but it is what the reference always does.
        if ((code === 'EACCES' || code === 'EPERM' || code === 'EROFS') && isFile(target)) {
          inPlace.push({ target, contents: change.contents });
          continue;
        }
        throw fail(`Failed to write file ${change.path}`, change.path, 'write_failed', err);
      }
    }
  } catch (err) {
    for (let i = undo.length - 1; i >= 0; i--) {
      try {
        undo[i]();
      } catch {
        // Best effort: keep undoing the rest.
      }
    }
    throw err;
  }
  // Point of no return.
  for (let i = 0; i < renames.length; i++) {
    const { temp, target } = renames[i];
    try {
      renameSync(temp, target);
    } catch (err) {
      for (const rest of renames.slice(i)) unlinkQuietly(rest.temp);
      for (const aside of asides) unlinkQuietly(aside);
      throw fail(`Failed to write file ${target}`, target, 'write_failed', err);
    }
  }
  for (const { target, contents } of inPlace) {
    try {
      writeFileSync(target, contents);
    } catch (err) {
      throw fail(`Failed to write file ${target}`, target, 'write_failed', err);
    }
  }
  for (const aside of asides) unlinkQuietly(aside);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Best effort: the change itself is already in place.
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
