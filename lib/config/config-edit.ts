// config/config-edit: the edits a sandbox user makes to their user config.toml (docs/reference.md#config-edits):
// sandbox_mode, default_permissions, writable roots, and single `[permissions]` entries. Edits go
// through toml-edit (comments and order survive) and are written atomically (temp file + rename)
// to the final target of a symlinked config.toml. Writing is injectable like reading.
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import * as nodePath from 'node:path';
import { ConfigParseError, UsageError } from '../errors';
import { SANDBOX_MODES, type SandboxMode } from './config-schema';
import { getPath } from './merge';
import { isProfilePathKey } from './permissions-schema';
import { nodeConfigReader, type ConfigReader } from './reader';
import { removeTomlValue, setTomlValue } from './toml-edit';
import { parseTomlText } from './toml-source';

export type ConfigEdit =
  | { kind: 'set-sandbox-mode'; mode: SandboxMode }
  | { kind: 'set-default-permissions'; profile: string }
  | { kind: 'add-writable-root'; path: string }
  | { kind: 'remove-writable-root'; path: string }
  /** `subpath` addresses a scoped entry, e.g. path ":workspace_roots", subpath "docs". */
  | { kind: 'set-permission-entry'; profile: string; path: string; subpath?: string; access: 'read' | 'write' | 'deny' }
  | { kind: 'remove-permission-entry'; profile: string; path: string; subpath?: string };

export interface ConfigWriter {
  /** Replaces `path` with `text` so a reader sees either the old or the new file, never a mix. */
  writeFileAtomic(path: string, text: string): void;
}

export function nodeConfigWriter(): ConfigWriter {
  return {
    writeFileAtomic(path, text) {
      const tmp = nodePath.join(nodePath.dirname(path), `.${nodePath.basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
      let mode = 0o600;
      try {
        mode = statSync(path).mode & 0o777;
      } catch {
        // A new file: private to its owner, as the reference creates it.
      }
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        fchmodSync(fd, mode);
        writeSync(fd, text);
        fsyncSync(fd);
      } catch (err) {
        closeSync(fd);
        unlinkSync(tmp);
        throw err;
      }
      closeSync(fd);
      try {
        renameSync(tmp, path);
      } catch (err) {
        unlinkSync(tmp);
        throw err;
      }
    },
  };
}

function checkEdit(edit: ConfigEdit): void {
  const bad = (message: string, value: unknown): never => {
    throw new UsageError(message, { value });
  };
  switch (edit.kind) {
    case 'set-sandbox-mode':
      if (!SANDBOX_MODES.includes(edit.mode)) bad(`invalid sandbox_mode ${JSON.stringify(edit.mode)}; use ${SANDBOX_MODES.join(', ')}`, edit.mode);
      return;
    case 'set-default-permissions':
      if (edit.profile === '') bad('default_permissions needs a profile name, e.g. ":workspace" or "dev"', edit.profile);
      return;
    case 'add-writable-root':
    case 'remove-writable-root':
      if (!isProfilePathKey(edit.path)) bad(`writable root ${JSON.stringify(edit.path)} must be absolute or start with ~/`, edit.path);
      return;
    case 'set-permission-entry':
    case 'remove-permission-entry':
      if (edit.profile === '' || edit.profile.startsWith(':')) {
        bad(`permissions profile ${JSON.stringify(edit.profile)} cannot be edited; built-in profiles start with ":"`, edit.profile);
      }
      if (!edit.path.startsWith(':') && !isProfilePathKey(edit.path)) {
        bad(`filesystem path \`${edit.path}\` must be absolute, use \`~/...\`, or start with \`:\``, edit.path);
      }
      if (edit.kind === 'set-permission-entry' && !['read', 'write', 'deny'].includes(edit.access)) {
        bad(`invalid filesystem access ${JSON.stringify(edit.access)}; use read, write or deny`, edit.access);
      }
  }
}

function entryPath(edit: { profile: string; path: string; subpath?: string }): string[] {
  const base = ['permissions', edit.profile, 'filesystem', edit.path];
  return edit.subpath === undefined ? base : [...base, edit.subpath];
}

/** Applies edits to config text in order; `changed` is false when the text is the same. */
export function applyConfigEdits(text: string, edits: readonly ConfigEdit[], file: string): { text: string; changed: boolean } {
  let out = text;
  for (const edit of edits) {
    checkEdit(edit);
    switch (edit.kind) {
      case 'set-sandbox-mode':
        out = setTomlValue(out, ['sandbox_mode'], edit.mode, file);
        break;
      case 'set-default-permissions':
        out = setTomlValue(out, ['default_permissions'], edit.profile, file);
        break;
      case 'add-writable-root':
      case 'remove-writable-root': {
        const key = ['sandbox_workspace_write', 'writable_roots'];
        const current = getPath(parseTomlText(out, file), key);
        if (current !== undefined && !(Array.isArray(current) && current.every((r) => typeof r === 'string'))) {
          throw new ConfigParseError(`sandbox_workspace_write.writable_roots in ${file} is not an array of strings; fix it by hand`, {
            source: { file, key: key.join('.') },
          });
        }
        const roots = (current ?? []) as string[];
        const next = edit.kind === 'add-writable-root' ? (roots.includes(edit.path) ? roots : [...roots, edit.path]) : roots.filter((r) => r !== edit.path);
        if (next.length !== roots.length) out = setTomlValue(out, key, next, file);
        break;
      }
      case 'set-permission-entry':
        out = setTomlValue(out, entryPath(edit), edit.access, file);
        break;
      case 'remove-permission-entry':
        out = removeTomlValue(out, entryPath(edit), file).text;
        break;
    }
  }
  return { text: out, changed: out !== text };
}

export interface EditConfigFileOptions {
  /** The config.toml to edit (normally `$CODEX_HOME/config.toml`). */
  file: string;
  edits: ConfigEdit[];
  reader?: ConfigReader;
  writer?: ConfigWriter;
}

/**
 * Edits a config file in place. A missing file starts empty; a symlinked one is written through
 * to its target (a symlink cycle, which has no target, is replaced by a regular file). Nothing is
 * written when the edits change nothing.
 */
export function editConfigFile(opts: EditConfigFileOptions): { file: string; changed: boolean } {
  const reader = opts.reader ?? nodeConfigReader();
  const writer = opts.writer ?? nodeConfigWriter();
  const target = reader.realpath(opts.file) ?? opts.file;
  let text: string | undefined;
  try {
    text = reader.readFile(target);
  } catch (err) {
    // Already a typed error that names the file (invalid UTF-8, reader.ts).
    if (err instanceof ConfigParseError) throw err;
    // A symlink cycle has no target: the reference replaces it with a regular file.
    if ((err as NodeJS.ErrnoException).code !== 'ELOOP') {
      throw new ConfigParseError(`Failed to read config file ${target}: ${(err as Error).message}; check the file's permissions`, {
        source: { file: target },
        cause: err,
      });
    }
  }
  const result = applyConfigEdits(text ?? '', opts.edits, target);
  if (!result.changed) return { file: target, changed: false };
  try {
    writer.writeFileAtomic(target, result.text);
  } catch (err) {
    throw new ConfigParseError(`failed to persist config.toml at ${target}: ${(err as Error).message}`, { source: { file: target }, cause: err });
  }
  return { file: target, changed: true };
}
