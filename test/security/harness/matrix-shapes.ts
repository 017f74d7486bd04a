// The policy shapes of the fail-closed matrix, over one small tree, and the accesses probed in
// each: every shape the issue lists (full read, restricted read, writable roots, read-only and deny
// carve-outs, reopened children, protected names, network on/off).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { PROBES_SRC } from './fixture';

export const BACKEND_CHOICES = ['auto', 'namespaces', 'bwrap', 'landlock', 'seccomp'] as const;
export type BackendChoiceName = (typeof BACKEND_CHOICES)[number];

export interface MatrixTree {
  root: string;
  ws: string;
  probesPy: string;
}

const FILES = [
  'ws/file.txt',
  'ws/ro/file.txt',
  'ws/secret/file.txt',
  'ws/blocked/x.txt',
  'ws/blocked/allowed/y.txt',
  'ws/.git/config',
  'outside/file.txt',
  'extra/file.txt',
  'readable/file.txt',
];

/** Builds the tree under `root` (which must exist and be empty). */
export function buildMatrixTree(root: string): MatrixTree {
  for (const f of FILES) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), 'original\n');
  }
  mkdirSync(join(root, 'bin'));
  const probesPy = join(root, 'bin', 'probes.py');
  copyFileSync(join(PROBES_SRC, 'probes.py'), probesPy);
  return { root, ws: join(root, 'ws'), probesPy };
}

/** The accesses probed in every cell: r:/w: paths relative to the tree root. */
export const ACCESSES = [
  'r:ws/file.txt',
  'w:ws/file.txt',
  'w:ws/new.txt',
  'r:ws/ro/file.txt',
  'w:ws/ro/file.txt',
  'r:ws/secret/file.txt',
  'w:ws/secret/file.txt',
  'r:ws/blocked/x.txt',
  'w:ws/blocked/allowed/y.txt',
  'r:ws/blocked/allowed/y.txt',
  'w:ws/.git/config',
  'r:outside/file.txt',
  'w:outside/file.txt',
  'w:extra/file.txt',
  'r:readable/file.txt',
];

const special = (kind: string): unknown => ({ type: 'special', value: { kind } });
const path = (p: string): unknown => ({ type: 'path', path: p });
const managed = (entries: [unknown, string][], network: 'restricted' | 'enabled' = 'restricted'): unknown => ({
  type: 'managed',
  file_system: { type: 'restricted', entries: entries.map(([p, access]) => ({ path: p, access })) },
  network,
});

export const SHAPES: Record<string, (t: MatrixTree) => unknown> = {
  'full read, network off': () => ({ type: 'read-only' }),
  'restricted read': (t) =>
    managed([
      [special('minimal'), 'read'],
      [path(join(t.root, 'bin')), 'read'],
      [path(join(t.root, 'readable')), 'read'],
      [path(t.ws), 'read'],
    ]),
  'writable root (no metadata)': (t) =>
    managed([
      [special('root'), 'read'],
      [path(join(t.root, 'extra')), 'write'],
    ]),
  'workspace with protected .git': () => ({ type: 'workspace-write', network_access: false, exclude_tmpdir_env_var: true, exclude_slash_tmp: true }),
  'read-only carve-out': (t) =>
    managed([
      [special('root'), 'read'],
      [path(t.ws), 'write'],
      [path(join(t.ws, 'ro')), 'read'],
    ]),
  'deny carve-out': (t) =>
    managed([
      [special('root'), 'read'],
      [path(t.ws), 'write'],
      [path(join(t.ws, 'secret')), 'deny'],
    ]),
  'reopened child': (t) =>
    managed([
      [special('root'), 'read'],
      [path(t.ws), 'write'],
      [path(join(t.ws, 'blocked')), 'deny'],
      [path(join(t.ws, 'blocked', 'allowed')), 'write'],
    ]),
  'workspace, network on': () => ({ type: 'workspace-write', network_access: true, exclude_tmpdir_env_var: true, exclude_slash_tmp: true }),
  'full write, network off': () => ({ type: 'managed', file_system: { type: 'unrestricted' }, network: 'restricted' }),
  // The one shape seccomp alone still runs (issue #20: with the network off it is refused).
  'full write, network on': () => ({ type: 'managed', file_system: { type: 'unrestricted' }, network: 'enabled' }),
};
