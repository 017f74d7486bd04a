// apply-patch/read-text-file: reads a file to update as the reference does: it must be a regular
// file (after symlinks) and UTF-8, and a failure carries the reference's cause text, the part after
// `Failed to read file to update <path>: `.

import { readFileSync, statSync } from 'node:fs';

import { osErrorText } from './os-error-text';
import { utf8ErrorText } from './rust-text';

export type TextRead = { ok: true; text: string } | { ok: false; cause: string; error?: unknown };

export function readTextFile(path: string): TextRead {
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) return { ok: false, cause: `path \`${path}\` is not a file` };
    bytes = readFileSync(path);
  } catch (error) {
    return { ok: false, cause: osErrorText(error), error };
  }
  const invalid = utf8ErrorText(bytes);
  return invalid === null ? { ok: true, text: bytes.toString('utf8') } : { ok: false, cause: invalid };
}
