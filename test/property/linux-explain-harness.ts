// Harness of the Linux explain() property: a fresh temporary tree, generated policies in wire
// form, one python script in the sandbox with every probe, and the host-side effect checks.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { nodeHost } from '../../lib/policy/node-host';
import { isSandboxError } from '../../lib/errors';
import { toSandboxPolicy } from '../../lib/platform/plan-sandbox';
import { explain, resolvePolicy } from '../../lib/policy/public-entry';
import { runSandboxed } from '../../lib/spawn/run-sandboxed';
import { caps, minimalEntry, pathEntry, profile, rootEntry, underTest, type WireEntry } from '../enforce/support';
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
mounts = open('/proc/self/mountinfo').read() if len(sys.argv) > 3 else ''
print(json.dumps({'probes': out, 'mountinfo': mounts}))
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

export interface ObservedCase {
  /** Per probe of PROBES: what the sandbox allowed (reads seen inside, writes seen on the host). */
  observed: boolean[];
  /** Per probe: what explain() allows. */
  expected: boolean[];
  /** The sandbox's mount table, normalised (normaliseMountinfo), when asked for. */
  mounts: string[];
}

/**
 * The mount table as the command sees it, comparable across executors and runs: one line per
 * mount still visible (a later mount at or above its mount point hides it), with its mount point
 * (the case's tree written as <root>), whether it is read-only, and its filesystem type.
 */
export function normaliseMountinfo(text: string, root: string): string[] {
  const mounts = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [left, right] = line.split(' - ');
      const fields = left.split(' ');
      const point = fields[4].replace(/\\040/g, ' ');
      return { point, ro: fields[5].split(',').includes('ro'), type: right.split(' ')[0] };
    });
  const within = (path: string, dir: string): boolean => dir === '/' || path === dir || path.startsWith(`${dir}/`);
  const visible = mounts.filter((m, i) => !mounts.slice(i + 1).some((later) => within(m.point, later.point)));
  return visible.map((m) => `${m.point.split(root).join('<root>')} ${m.ro ? 'ro' : 'rw'} ${m.type}`);
}

/** Runs one generated case on exactly `backend`; null when the backend refuses the policy. */
export async function observeCase(backend: 'bwrap' | 'landlock' | 'namespaces', g: GeneratedPolicy, withMounts = false): Promise<ObservedCase | { failed: string } | null> {
  const tmp = makeTempDir('linux-prop');
  try {
    const root = tmp.path;
    makeTree(root);
    let result;
    try {
      const args = [PYTHON, '-c', SCRIPT, root, JSON.stringify(PROBES.map((p) => [p.kind, p.dir])), ...(withMounts ? ['mounts'] : [])];
      result = await runSandboxed(args, { permissionProfile: wirePolicy(root, g), backend, cwd: '/', timeoutMs: 20_000 });
    } catch (err) {
      if (isSandboxError(err) && err.code === 'E_UNSUPPORTED_POLICY') return null;
      throw err;
    }
    if (result.exitCode !== 0) return { failed: `sandbox run failed (${result.exitCode}): ${result.stderr.trim()}` };
    const inside = JSON.parse(result.stdout) as { probes: Record<string, boolean>; mountinfo: string };
    const resolved = resolvePolicy(toSandboxPolicy(wirePolicy(root, g), '/', nodeHost()), { cwd: '/' });
    return {
      observed: PROBES.map((probe, i) => (probe.kind === 'read' || probe.kind === 'list' ? inside.probes[i] : hostEffect(root, probe))),
      expected: PROBES.map((probe) => expected(resolved, root, probe)),
      mounts: withMounts ? normaliseMountinfo(inside.mountinfo, root) : [],
    };
  } finally {
    tmp.remove();
  }
}

/** Each probe where the sandbox and explain() disagree, in words. */
export function mismatchesOf(c: ObservedCase): string[] {
  return PROBES.flatMap((probe, i) =>
    c.observed[i] === c.expected[i] ? [] : [`${probe.kind} ${probe.dir || '.'}: sandbox ${c.observed[i] ? 'allowed' : 'denied'}, explain ${c.expected[i] ? 'allows' : 'denies'}`],
  );
}

/**
 * Runs one generated case on the backend under test for `backend` (a bwrap case may run on the
 * helper's namespaces: test/enforce/support MOUNT_BACKEND); null when it refuses the policy,
 * else the mismatches.
 */
export async function runCase(backend: 'bwrap' | 'landlock' | 'namespaces', g: GeneratedPolicy): Promise<string[] | null> {
  const c = await observeCase(underTest(backend), g);
  if (c === null) return null;
  return 'failed' in c ? [c.failed] : mismatchesOf(c);
}
