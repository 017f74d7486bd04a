// spawn/proc-preflight: some container runtimes forbid mounting a fresh procfs even inside a
// new PID namespace. As the reference does (docs/reference.md#proc-check), a tiny bwrap run finds out
// once per process; when /proc cannot be mounted the real runs omit `--proc /proc` (the PID
// namespace is still created). This narrows nothing the policy grants and is reported as skipped
// hardening in the plan's enforcement.
import { existsSync } from 'node:fs';

const cache = new Map<string, boolean>();

/** The reference's test: all three parts must appear in bwrap's stderr. */
export function isProcMountFailure(stderr: string): boolean {
  return (
    stderr.includes("Can't mount proc") &&
    stderr.includes('/newroot/proc') &&
    (stderr.includes('Invalid argument') || stderr.includes('Operation not permitted') || stderr.includes('Permission denied'))
  );
}

function trueBinary(): string {
  for (const candidate of ['/usr/bin/true', '/bin/true']) if (existsSync(candidate)) return candidate;
  return 'true';
}

/** True when bwrap can mount /proc here; probed once per bwrap path and cached. */
export function probeProcMount(bwrapPath: string): boolean {
  const cached = cache.get(bwrapPath);
  if (cached !== undefined) return cached;
  // Required here, not imported: only a bubblewrap launch gets here (docs/benchmarks.md#start-up).
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const result = spawnSync(
    bwrapPath,
    ['--new-session', '--die-with-parent', '--ro-bind', '/', '/', '--dev', '/dev', '--unshare-user', '--unshare-pid', '--proc', '/proc', '--cap-drop', 'ALL', '--', trueBinary()],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024, timeout: 10_000 },
  );
  const works = !isProcMountFailure(result.stderr ?? '');
  cache.set(bwrapPath, works);
  return works;
}
