// arg0/pid-lock: the `.lock` file that marks an alias folder as in use.
//
// The reference holds a flock(2) on it for the process lifetime; the kernel drops that lock when
// the process dies. Node has no flock, so the lock file records its owner instead: the pid and,
// on Linux, the process start time from /proc/<pid>/stat. A lock is stale when that pid no longer
// exists (process.kill(pid, 0) fails with ESRCH) or now belongs to a process started at another
// time (pid reuse). Anything uncertain (EPERM: a live process of another user; unreadable file)
// counts as held, so the janitor errs on the side of keeping a folder.

import { readFileSync, writeFileSync } from 'node:fs';

function startTimeOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may contain spaces, so count from ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? '';
  } catch {
    return '';
  }
}

/** Creates the lock file for this process; fails if it exists. */
export function createPidLock(path: string, pid: number = process.pid): void {
  writeFileSync(path, `${pid} ${startTimeOf(pid)}\n`, { flag: 'wx', mode: 0o600 });
}

export type LockState = 'missing' | 'held' | 'stale';

export function lockState(path: string): LockState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'held';
  }
  const [pidText, recordedStart = ''] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return 'held';
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH' ? 'stale' : 'held';
  }
  if (recordedStart !== '') {
    const now = startTimeOf(pid);
    if (now !== '' && now !== recordedStart) return 'stale';
  }
  return 'held';
}
