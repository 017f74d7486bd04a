// arg0/path-aliases: a per-process folder of `apply_patch`, `applypatch` (and on Linux
// `codex-linux-sandbox`) commands, put first on PATH so commands an agent runs find this
// package's implementations (docs/reference.md#arg0-dispatch).
//
// Security: the folder lives under $CODEX_HOME/tmp/arg0 (mode 0700), never under the shared
// system temp folder where another local user could plant a program of the same name ahead of
// them on PATH; each process gets its own folder, marked by a pid lock so the janitor removes
// only folders of dead processes.
//
// The reference links its own executable. Here the executable is node, so each alias is a
// /bin/sh shim that runs this node on a hidden symlink named like the alias; the dispatcher reads
// that name from process.argv[1]. Windows gets `.bat` files that pass the patch as an argument,
// as the reference's do.

import { chmodSync, mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, isAbsolute, delimiter as pathDelimiter } from 'node:path';

import { UsageError } from '../errors';
import { createPidLock, lockState } from './pid-lock';

export const ALIAS_ROOT = join('tmp', 'arg0');
const LOCK_FILE = '.lock';
const ENTRY_DIR = '.entry';

export interface PathAliasOptions {
  codexHome: string;
  /** The shared temp folder aliases must never be under (os.tmpdir()). */
  systemTempDir: string;
  /** The node binary the shims run. */
  execPath: string;
  /** The script that dispatches on its own name (this package's bin/codex-sandbox.js). */
  entryScript: string;
  platform: NodeJS.Platform;
  /** For janitor warnings. */
  warn: (text: string) => void;
}

export interface PathAliases {
  dir: string;
  /** Removes the folder; safe to call twice. */
  release: () => void;
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isUnder(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The alias names for a platform, as the reference creates them (minus the execve wrapper). */
export function aliasNames(platform: NodeJS.Platform): string[] {
  if (platform === 'win32') return ['apply_patch', 'applypatch'];
  return platform === 'linux' ? ['apply_patch', 'applypatch', 'codex-linux-sandbox'] : ['apply_patch', 'applypatch'];
}

/** The text of a Unix shim that runs `entry` (a symlink named like the alias) with `execPath`. */
export function unixShim(execPath: string, entry: string): string {
  return `#!/bin/sh\nexec ${shellQuote(execPath)} ${shellQuote(entry)} "$@"\n`;
}

/** The text of a Windows `.bat` alias; it passes its arguments after the apply-patch flag. */
export function windowsShim(execPath: string, entryScript: string): string {
  return `@echo off\r\n"${execPath}" "${entryScript}" --codex-run-as-apply-patch %*\r\n`;
}

/** Removes folders whose lock belongs to a dead process; keeps any it is unsure about. */
export function cleanStaleAliasDirs(root: string, warn: (text: string) => void): string[] {
  const removed: string[] = [];
  try {
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(root, entry.name);
      if (lockState(join(dir, LOCK_FILE)) !== 'stale') continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  } catch (err) {
    warn(`WARNING: failed to clean up stale arg0 temp dirs: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  return removed;
}

/** Creates this process's alias folder; throws a UsageError when that would be unsafe. */
export function createPathAliases(opts: PathAliasOptions): PathAliases {
  const home = canonical(opts.codexHome);
  const temp = canonical(opts.systemTempDir);
  if (isUnder(home, temp)) {
    throw new UsageError(`Refusing to create helper binaries under temporary dir ${JSON.stringify(temp)} (codex_home: ${JSON.stringify(home)})`, {
      source: { flag: 'CODEX_HOME' },
      value: home,
    });
  }
  const root = join(home, ALIAS_ROOT);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  if (opts.platform !== 'win32') chmodSync(root, 0o700);
  cleanStaleAliasDirs(root, opts.warn);
  // Loaded here, not at the top: the apply_patch helper modes never create aliases.
  const { randomBytes } = require('node:crypto') as typeof import('node:crypto');
  const dir = join(root, `codex-arg0${randomBytes(8).toString('hex')}`);
  mkdirSync(dir, { mode: 0o700 });
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    createPidLock(join(dir, LOCK_FILE));
    if (opts.platform === 'win32') {
      for (const name of aliasNames(opts.platform)) writeFileSync(join(dir, `${name}.bat`), windowsShim(opts.execPath, opts.entryScript));
    } else {
      mkdirSync(join(dir, ENTRY_DIR));
      for (const name of aliasNames(opts.platform)) {
        const entry = join(dir, ENTRY_DIR, name);
        symlinkSync(opts.entryScript, entry);
        writeFileSync(join(dir, name), unixShim(opts.execPath, entry), { mode: 0o755 });
      }
    }
  } catch (err) {
    release();
    throw err;
  }
  return { dir, release };
}

/** PATH with `dir` first; no trailing separator when PATH was unset. */
export function prependToPath(dir: string, path: string | undefined, delimiter: string = pathDelimiter): string {
  return path === undefined || path === '' ? dir : `${dir}${delimiter}${path}`;
}
