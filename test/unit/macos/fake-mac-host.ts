// A Host over an in-memory tree shaped like macOS: /tmp, /var and /etc are symlinks into
// /private, as on a Mac. Lets Seatbelt planning be tested on Linux without touching the disk.
import type { Host } from '../../../lib/policy/types';

export type FakeNode = { kind: 'dir' } | { kind: 'file'; content?: string } | { kind: 'symlink'; target: string };

function split(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

export interface FakeMacHost extends Host {
  /** Adds or replaces a node (parents are created as directories). */
  add(path: string, node: FakeNode): void;
}

export function fakeMacHost(tree: Record<string, FakeNode> = {}, env: Record<string, string> = {}): FakeMacHost {
  const nodes = new Map<string, FakeNode>([['/', { kind: 'dir' }]]);
  const add = (path: string, node: FakeNode): void => {
    const parts = split(path);
    for (let i = 1; i < parts.length; i++) {
      const p = `/${parts.slice(0, i).join('/')}`;
      if (!nodes.has(p)) nodes.set(p, { kind: 'dir' });
    }
    nodes.set(`/${parts.join('/')}`, node);
  };
  const defaults: Record<string, FakeNode> = {
    '/private/tmp': { kind: 'dir' },
    '/private/var': { kind: 'dir' },
    '/private/etc': { kind: 'dir' },
    '/tmp': { kind: 'symlink', target: 'private/tmp' },
    '/var': { kind: 'symlink', target: 'private/var' },
    '/etc': { kind: 'symlink', target: 'private/etc' },
    '/Users': { kind: 'dir' },
  };
  for (const [p, n] of Object.entries({ ...defaults, ...tree })) add(p, n);

  /** Resolves every component; undefined when some component is missing or a loop is hit. */
  const resolve = (path: string, followLast: boolean, depth = 0): string | undefined => {
    if (depth > 40) return undefined;
    let current: string[] = [];
    const parts = split(path);
    for (let i = 0; i < parts.length; i++) {
      if (parts[i] === '..') {
        current.pop();
        continue;
      }
      const candidate = `/${[...current, parts[i]].join('/')}`;
      const node = nodes.get(candidate);
      if (node === undefined) return undefined;
      const last = i === parts.length - 1;
      if (node.kind === 'symlink' && (!last || followLast)) {
        const base = node.target.startsWith('/') ? node.target : `/${[...current, node.target].join('/')}`;
        const target = resolve(base, true, depth + 1);
        if (target === undefined) return undefined;
        current = split(target);
      } else {
        current.push(parts[i]);
      }
    }
    return `/${current.join('/')}`;
  };

  return {
    add,
    processCwd: () => '/Users/dev',
    homeDir: () => '/Users/dev',
    env: (name) => env[name],
    lstat: (path) => {
      const at = resolve(path, false);
      const node = at === undefined ? undefined : nodes.get(at);
      return node === undefined ? undefined : node.kind;
    },
    stat: (path) => {
      const at = resolve(path, true);
      const node = at === undefined ? undefined : nodes.get(at);
      return node === undefined || node.kind === 'symlink' ? undefined : node.kind;
    },
    realpath: (path) => resolve(path, true),
    readFile: (path) => {
      const at = resolve(path, true);
      const node = at === undefined ? undefined : nodes.get(at);
      return node?.kind === 'file' ? (node.content ?? '') : undefined;
    },
    readdir: () => undefined,
    isEmpty: () => false,
  };
}
