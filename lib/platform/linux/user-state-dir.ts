// platform/linux/user-state-dir: the per-user directory in the temp dir where launches keep what
// they share across processes: the host mount-target registry (spawn/host-prep.ts) and the
// helper's namespaces probe answer for this boot (probe-cache.ts). Every launcher passes it in
// the plan's hiddenPaths, so no bwrap or namespaces sandbox can see or change what is in it.
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The last path worked out, and the temp dir and euid it was worked out for. */
let last: { tmp: string; uid: number; path: string } | undefined;

/** `<canonical temp dir>/codex-sandbox-mount-targets-<euid>`; not created here. */
export function userStateDir(): string {
  const uid = typeof process.geteuid === 'function' ? process.geteuid() : 0;
  const tmp = tmpdir();
  // Resolving the temp dir's symlinks costs three syscalls per launch; the answer changes only
  // with TMPDIR or the euid (the users of the directory check the directory itself).
  if (last !== undefined && last.tmp === tmp && last.uid === uid) return last.path;
  let base = tmp;
  try {
    base = realpathSync(base);
  } catch {
    // A missing temp dir fails where the directory is used, with a clear message.
  }
  const path = join(base, `codex-sandbox-mount-targets-${uid}`);
  last = { tmp, uid, path };
  return path;
}
