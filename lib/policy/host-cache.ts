// policy/host-cache: memoises a Host for the duration of one resolution, so that 10,000
// entries sharing ancestors cost one lstat per distinct path rather than one per entry.

import type { Host } from './types';

export function cachingHost(host: Host): Host {
  const lstats = new Map<string, ReturnType<Host['lstat']>>();
  const stats = new Map<string, ReturnType<Host['stat']>>();
  const realpaths = new Map<string, string | undefined>();
  const files = new Map<string, string | undefined>();
  const memo = <T>(map: Map<string, T>, key: string, load: (key: string) => T): T => {
    if (map.has(key)) return map.get(key) as T;
    const value = load(key);
    map.set(key, value);
    return value;
  };
  return {
    processCwd: () => host.processCwd(),
    homeDir: () => host.homeDir(),
    env: (name) => host.env(name),
    lstat: (path) => memo(lstats, path, (p) => host.lstat(p)),
    stat: (path) => memo(stats, path, (p) => host.stat(p)),
    realpath: (path) => memo(realpaths, path, (p) => host.realpath(p)),
    readFile: (path) => memo(files, path, (p) => host.readFile(p)),
    readdir: (path) => host.readdir(path),
    isEmpty: (path) => host.isEmpty(path),
  };
}
