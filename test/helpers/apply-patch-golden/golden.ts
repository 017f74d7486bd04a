// Golden apply_patch outcomes (issue #16): what the reference binary did with a generated case,
// how a case is run (by the reference or by this package) in a fresh directory, and how an
// outcome is compared with the recorded one.
//
// Trees are maps from relative path to bytes, directories as `path/` -> null. In JSON a file is
// its text when the bytes are UTF-8, else {base64}, so the goldens stay readable and exact.
// The absolute run directory in messages is written as <cwd>.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { runAsApplyPatch } from '../../../lib/arg0/apply-patch-main';
import { runPatchEntry, type EntryOutcome } from '../apply-patch-entry';
import { makeTempDir } from '../temp';
import type { PatchCase } from './cases';

export type Tree = Map<string, Buffer | null>;
export type EncodedBytes = string | { base64: string };
export type EncodedTree = Record<string, EncodedBytes | null>;

export interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
  tree: Tree;
}

export interface Golden {
  id: string;
  family: string;
  /** Files only: their directories are implied. */
  input: EncodedTree;
  patch: string;
  reference: { status: number; stdout: string; stderr: string; tree: EncodedTree };
}

export interface GoldenFile {
  /** What made the goldens: the reference's `codex --version`, the seed and the count. */
  reference: string;
  seed: number;
  goldens: Golden[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function encodeBytes(bytes: Buffer): EncodedBytes {
  try {
    return utf8.decode(bytes);
  } catch {
    return { base64: bytes.toString('base64') };
  }
}

function decodeBytes(value: EncodedBytes): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.base64, 'base64');
}

export function encodeTree(tree: Tree): EncodedTree {
  const out: EncodedTree = {};
  for (const [path, bytes] of [...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[path] = bytes === null ? null : encodeBytes(bytes);
  }
  return out;
}

export function decodeTree(tree: EncodedTree): Tree {
  return new Map(Object.entries(tree).map(([path, value]) => [path, value === null ? null : decodeBytes(value)]));
}

export function caseTree(c: PatchCase): Tree {
  return new Map(Object.entries(c.input).map(([path, data]) => [path, typeof data === 'string' ? Buffer.from(data, 'utf8') : data]));
}

function writeTree(root: string, tree: Tree): void {
  for (const [path, bytes] of tree) {
    if (bytes === null) {
      mkdirSync(join(root, path), { recursive: true });
      continue;
    }
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
}

export function readTree(root: string): Tree {
  const out: Tree = new Map();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const key = rel === '' ? name : `${rel}/${name}`;
      if (statSync(full).isDirectory()) {
        out.set(`${key}/`, null);
        walk(full, key);
      } else {
        out.set(key, readFileSync(full));
      }
    }
  };
  walk(root, '');
  return out;
}

/** The input tree as readTree would see it: with the directories the files imply. */
export function withDirectories(files: Tree): Tree {
  const out: Tree = new Map(files);
  for (const path of files.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) out.set(`${parts.slice(0, i).join('/')}/`, null);
  }
  return out;
}

function hideCwd(text: string, cwd: string): string {
  return text.split(cwd).join('<cwd>');
}

/** Runs `run` in a fresh directory holding `input`; returns its outcome and removes the directory. */
async function inFreshDir(input: Tree, run: (cwd: string) => Promise<EntryOutcome> | EntryOutcome): Promise<Outcome> {
  const dir = makeTempDir('golden');
  try {
    writeTree(dir.path, input);
    const { status, stdout, stderr } = await run(dir.path);
    return { status, stdout: hideCwd(stdout, dir.path), stderr: hideCwd(stderr, dir.path), tree: readTree(dir.path) };
  } finally {
    dir.remove();
  }
}

/** The reference binary as `codex --codex-run-as-apply-patch PATCH`, CODEX_HOME set to `home`. */
export function runReference(binary: string, home: string, input: Tree, patch: string): Promise<Outcome> {
  return inFreshDir(input, (cwd) => {
    const r = spawnSync(binary, ['--codex-run-as-apply-patch', patch], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CODEX_HOME: home },
      encoding: 'utf8',
    });
    if (r.error !== undefined) throw r.error;
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  });
}

/** This package's same entry, in this process. */
export function runOurs(input: Tree, patch: string): Promise<Outcome> {
  return inFreshDir(input, (cwd) => runPatchEntry(runAsApplyPatch, patch, cwd));
}

export function makeGolden(id: string, c: PatchCase, reference: Outcome): Golden {
  return {
    id,
    family: c.family,
    input: encodeTree(caseTree(c)),
    patch: c.patch,
    reference: { status: reference.status, stdout: reference.stdout, stderr: reference.stderr, tree: encodeTree(reference.tree) },
  };
}

export type Mismatch = 'tree' | 'status' | 'stdout' | 'stderr';

/** The tree this package must leave: the reference's on success, else the untouched input. */
export function expectedTree(golden: Golden): EncodedTree {
  return golden.reference.status === 0 ? golden.reference.tree : encodeTree(withDirectories(decodeTree(golden.input)));
}

/**
 * How `ours` differs from the golden. Where the reference succeeded the trees must be equal;
 * where it failed, ours must be the untouched input (the reference may have applied earlier
 * hunks: this package applies all or nothing).
 */
export function mismatches(golden: Golden, ours: Outcome): Mismatch[] {
  const out: Mismatch[] = [];
  if (JSON.stringify(encodeTree(ours.tree)) !== JSON.stringify(expectedTree(golden))) out.push('tree');
  if (ours.status !== golden.reference.status) out.push('status');
  if (ours.stdout !== golden.reference.stdout) out.push('stdout');
  if (ours.stderr !== golden.reference.stderr) out.push('stderr');
  return out;
}

export function readGoldenFile(path: string): GoldenFile {
  return JSON.parse(readFileSync(path, 'utf8')) as GoldenFile;
}
