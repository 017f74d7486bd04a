// Harness of the Linux explain() property: a fresh temporary tree, generated policies in wire
// form, one python script in the sandbox with every probe, and the host-side effect checks.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { isSandboxError } from '../../lib/errors';
import { toSandboxPolicy } from '../../lib/platform/plan-sandbox';
import { explain } from '../../lib/policy/explain';
import { resolvePolicy } from '../../lib/policy/resolve';
import { runSandboxed } from '../../lib/spawn/run-sandboxed';
import { caps, minimalEntry, pathEntry, profile, rootEntry, type WireEntry } from '../enforce/support';
import { makeTempDir } from '../helpers/temp';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Directories of the generated tree, relative to its root ('' is the root itself). */
export const TREE_DIRS = ['', 'a', 'a/b', 'a/b/c', 'd', 'd/e'];
export const ENTRY_PATHS = [...TREE_DIRS, 'a/r.txt', 'd/e/r.txt'];

type Probe = { kind: 'read' | 'list' | 'write' | 'create' | 'mkdir' | 'delete' | 'rename'; dir: string };
const PROBE_KINDS: Probe['kind'][] = ['read', 'list', 'write', 'create', 'mkdir', 'delete', 'rename'];
const PROBES: Probe[] = TREE_DIRS.flatMap((dir) => PROBE_KINDS.map((kind) => ({ kind, dir })));

export interface GeneratedPolicy {
  fullRead: boolean;
  entries: { rel: string; access: 'read' | 'write' | 'none' }[];
}

function makeTree(root: string): void {
  for (const dir of TREE_DIRS) {
    mkdirSync(join(root, dir), { recursive: true });
    for (const name of ['r.txt', 'x.txt', 'm.txt']) writeFileSync(join(root, dir, name), 'orig');
  }
}

export function wirePolicy(root: string, g: GeneratedPolicy): Record<string, unknown> {
  const base: WireEntry[] = g.fullRead ? [rootEntry('read')] : [minimalEntry(), pathEntry(dirname(caps?.helperPath ?? '/'), 'read')];
  return profile([...base, ...g.entries.map((e) => pathEntry(join(root, e.rel), e.access))]);
}

const SCRIPT = `
import json, os, sys
root = sys.argv[1]
out = {}
for i, (kind, d) in enumerate(json.loads(sys.argv[2])):
    p = os.path.join(root, d) if d else root
    try:
        if kind == 'read':
            ok = open(os.path.join(p, 'r.txt')).read() == 'orig'
        elif kind == 'list':
            ok = 'r.txt' in os.listdir(p)
        elif kind == 'write':
            with open(os.path.join(p, 'r.txt'), 'a') as f: f.write('+')
            ok = True
        elif kind == 'create':
            with open(os.path.join(p, 'new.txt'), 'w') as f: f.write('n')
            ok = True
        elif kind == 'mkdir':
            os.mkdir(os.path.join(p, 'newdir')); ok = True
        elif kind == 'delete':
            os.unlink(os.path.join(p, 'x.txt')); ok = True
        else:
            os.rename(os.path.join(p, 'm.txt'), os.path.join(p, 'm2.txt')); ok = True
    except OSError:
        ok = False
    out[i] = ok
print(json.dumps(out))
`;

/** Host-side effect of each mutating probe (reads are observed inside the sandbox). */
function hostEffect(root: string, probe: Probe): boolean {
  const p = join(root, probe.dir);
  switch (probe.kind) {
    case 'write':
      return readFileSync(join(p, 'r.txt'), 'utf8').endsWith('+');
    case 'create':
      return existsSync(join(p, 'new.txt'));
    case 'mkdir':
      return existsSync(join(p, 'newdir')) && statSync(join(p, 'newdir')).isDirectory();
    case 'delete':
      return !existsSync(join(p, 'x.txt'));
    case 'rename':
      return existsSync(join(p, 'm2.txt')) && !existsSync(join(p, 'm.txt'));
    default:
      throw new Error(`not a mutating probe: ${probe.kind}`);
  }
}

type Explained = Parameters<typeof explain>[0];

function expected(resolved: Explained, root: string, probe: Probe): boolean {
  const p = join(root, probe.dir);
  const w = (path: string): boolean => explain(resolved, path, 'write').allowed;
  switch (probe.kind) {
    case 'read':
      return explain(resolved, join(p, 'r.txt'), 'read').allowed;
    case 'list':
      return explain(resolved, p, 'read').allowed;
    case 'write':
      return w(join(p, 'r.txt'));
    case 'create':
      return w(join(p, 'new.txt'));
    case 'mkdir':
      return w(join(p, 'newdir'));
    case 'delete':
      return w(join(p, 'x.txt')) && w(p);
    case 'rename':
      return w(join(p, 'm.txt')) && w(join(p, 'm2.txt')) && w(p);
  }
}

/** Runs one generated case; returns null when the backend refuses the policy, else mismatches. */
export async function runCase(backend: 'bwrap' | 'landlock', g: GeneratedPolicy): Promise<string[] | null> {
  const tmp = makeTempDir('linux-prop');
  try {
    const root = tmp.path;
    makeTree(root);
    let result;
    try {
      result = await runSandboxed([PYTHON, '-c', SCRIPT, root, JSON.stringify(PROBES.map((p) => [p.kind, p.dir]))], {
        permissionProfile: wirePolicy(root, g),
        backend,
        cwd: '/',
        timeoutMs: 20_000,
      });
    } catch (err) {
      if (isSandboxError(err) && err.code === 'E_UNSUPPORTED_POLICY') return null;
      throw err;
    }
    if (result.exitCode !== 0) return [`sandbox run failed (${result.exitCode}): ${result.stderr.trim()}`];
    const inside = JSON.parse(result.stdout) as Record<string, boolean>;
    const resolved = resolvePolicy(toSandboxPolicy(wirePolicy(root, g), '/'), { cwd: '/' });
    const mismatches: string[] = [];
    PROBES.forEach((probe, i) => {
      const observed = probe.kind === 'read' || probe.kind === 'list' ? inside[i] : hostEffect(root, probe);
      const want = expected(resolved, root, probe);
      if (observed !== want) mismatches.push(`${probe.kind} ${probe.dir || '.'}: sandbox ${observed ? 'allowed' : 'denied'}, explain ${want ? 'allows' : 'denies'}`);
    });
    return mismatches;
  } finally {
    tmp.remove();
  }
}

