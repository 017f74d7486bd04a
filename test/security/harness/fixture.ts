// The host-side world one probe runs against: a workspace (the command's cwd and only writable
// root), an outside directory and a fake home that must stay untouched, and the probe programs.
// Everything lives in one fresh temporary directory owned by the test (test/helpers/temp.ts).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { makeTempDir } from '../../helpers/temp';

export const PROBES_SRC = resolve(__dirname, '../probes');

/** Always the system interpreter: a pyenv shim under /root is neither visible nor readable for CI's unprivileged user. */
export const PYTHON = '/usr/bin/python3';

export interface Fixture {
  root: string;
  ws: string;
  outside: string;
  home: string;
  bin: string;
  probesPy: string;
  remove(): void;
}

/** Builds the tree. `.git` is a plain directory layout (no git binary needed) with the files probe P06 (docs/security.md#probe-table) targets. */
export function makeFixture(label = 'sec'): Fixture {
  const dir = makeTempDir(label);
  const root = dir.path;
  const ws = join(root, 'ws');
  const outside = join(root, 'outside');
  const home = join(root, 'home');
  const bin = join(root, 'bin');
  for (const d of [
    ws,
    join(ws, '.git', 'hooks'),
    join(ws, '.git', 'modules', 'x'),
    join(ws, '.git', 'worktrees', 'x'),
    join(ws, 'decoy'),
    join(ws, 'jail'),
    outside,
    join(home, '.ssh'),
    bin,
  ]) {
    mkdirSync(d, { recursive: true });
  }
  writeFileSync(join(ws, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(ws, '.git', 'config'), '[core]\n\trepositoryformatversion = 0\n');
  writeFileSync(join(ws, '.git', 'hooks', 'README.sample'), 'original\n');
  writeFileSync(join(ws, '.git', 'modules', 'x', 'config'), 'original\n');
  writeFileSync(join(ws, '.git', 'worktrees', 'x', 'config.worktree'), 'original\n');
  writeFileSync(join(ws, 'notes.txt'), 'original\n');
  writeFileSync(join(outside, 'secret.txt'), 'original-secret\n');
  writeFileSync(join(outside, 'readonly.txt'), 'original\n');
  chmodSync(join(outside, 'readonly.txt'), 0o644);
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'PRIVATE KEY\n');
  const probesPy = join(bin, 'probes.py');
  copyFileSync(join(PROBES_SRC, 'probes.py'), probesPy);
  return { root, ws, outside, home, bin, probesPy, remove: dir.remove };
}

/** Compiles the int $0x80 probe with the machine's cc into the fixture; null when there is no cc. */
export function buildInt80Probe(fx: Fixture): string | null {
  const out = join(fx.bin, 'int80-socket');
  try {
    execFileSync('cc', ['-O1', '-o', out, join(PROBES_SRC, 'int80-socket.c')], { stdio: 'pipe' });
  } catch {
    return null;
  }
  return out;
}

export interface EntrySnapshot {
  kind: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  mtimeMs: number;
  content?: string;
  target?: string;
}

/** Everything under `path` (recursively), keyed by absolute path, with contents of regular files. */
export function snapshot(path: string): Map<string, EntrySnapshot> {
  const out = new Map<string, EntrySnapshot>();
  const walk = (p: string): void => {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return;
    }
    const base = { mode: st.mode, mtimeMs: st.mtimeMs };
    if (st.isSymbolicLink()) out.set(p, { kind: 'symlink', ...base, target: readlinkSync(p) });
    else if (st.isFile()) out.set(p, { kind: 'file', ...base, content: readFileSync(p, 'latin1') });
    else if (st.isDirectory()) {
      out.set(p, { kind: 'dir', mode: st.mode, mtimeMs: 0 });
      for (const name of readdirSync(p)) walk(join(p, name));
    } else out.set(p, { kind: 'other', ...base });
  };
  walk(path);
  return out;
}

/** Paths that appeared, vanished or changed between two snapshots (directory mtimes ignored). */
export function changedPaths(before: Map<string, EntrySnapshot>, after: Map<string, EntrySnapshot>): string[] {
  const changed = new Set<string>();
  for (const [p, b] of before) {
    const a = after.get(p);
    if (a === undefined || JSON.stringify(a) !== JSON.stringify(b)) changed.add(p);
  }
  for (const p of after.keys()) if (!before.has(p)) changed.add(p);
  return [...changed].sort();
}
