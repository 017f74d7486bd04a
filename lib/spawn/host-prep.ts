// spawn/host-prep: mount targets bwrap creates on the host (empty files and directories that
// mask protected or denied paths which do not exist yet) are removed after the run, but only
// when this run created them and they are still empty, so a real path is never deleted
// (reference linux-sandbox.md §8.2).
import { lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';

import type { HostPrepTarget } from '../platform/common/types';

/** Targets of runs still in progress in this process, and how many runs use each. */
const active = new Map<string, { kind: HostPrepTarget['kind']; users: number }>();
let exitHookInstalled = false;

function removeIfEmptyStub(target: HostPrepTarget): void {
  try {
    const st = lstatSync(target.path);
    if (target.kind === 'dir' && st.isDirectory() && readdirSync(target.path).length === 0) rmdirSync(target.path);
    else if (target.kind === 'file' && st.isFile() && st.size === 0) unlinkSync(target.path);
  } catch {
    // Already gone, or replaced by something that is not ours: leave it.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // If Node exits while a sandbox still runs (the sandbox dies with it: --die-with-parent), the
  // stubs would otherwise stay behind.
  process.on('exit', () => {
    for (const [path, { kind }] of [...active].sort((a, b) => b[0].length - a[0].length)) removeIfEmptyStub({ path, kind });
  });
}

/**
 * Records which targets already exist, and returns the clean-up to call once the sandbox has
 * exited. Calling it more than once is harmless.
 */
export function trackHostPrep(targets: readonly HostPrepTarget[]): () => void {
  const ours: HostPrepTarget[] = [];
  for (const target of targets) {
    let exists = true;
    try {
      lstatSync(target.path);
    } catch {
      exists = false;
    }
    // An existing target belongs to the user or to a concurrent run of this process.
    if (!exists || active.has(target.path)) ours.push(target);
  }
  if (ours.length === 0) return () => undefined;
  installExitHook();
  for (const t of ours) active.set(t.path, { kind: t.kind, users: (active.get(t.path)?.users ?? 0) + 1 });
  let done = false;
  return () => {
    if (done) return;
    done = true;
    // Deepest first, so a stub directory is empty by the time its turn comes.
    for (const t of [...ours].sort((a, b) => b.path.length - a.path.length)) {
      const users = (active.get(t.path)?.users ?? 1) - 1;
      if (users > 0) {
        active.set(t.path, { kind: t.kind, users });
        continue;
      }
      active.delete(t.path);
      removeIfEmptyStub(t);
    }
  };
}
