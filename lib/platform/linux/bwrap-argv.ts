// platform/linux/bwrap-argv: step two of bubblewrap planning. Renders typed mount operations and
// namespace options to bwrap's argv in one place, so ordering is tested on the ops and syntax
// here (docs/architecture.md#the-pipeline).
import type { MountOp } from './mount-ops';

/**
 * The descriptor every `--ro-bind-data` reads from: spawn/ opens /dev/null there. One shared
 * descriptor is enough because reading /dev/null always yields an empty file (docs/reference.md#mount-order).
 */
export const DEV_NULL_FD = 3;

/** What bubblewrap's --proc means to cover read-only (bubblewrap.c, cover_proc_dirs). */
const PROC_READ_ONLY = ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus'];

export interface BwrapArgvInput {
  bwrapPath: string;
  ops: MountOp[];
  tmpfsRoot: boolean;
  network: 'restricted' | 'enabled';
  mountProc: boolean;
  /** Set only when canonicalizing the command cwd changed it (docs/reference.md#bwrap-argv, #mount-order). */
  chdir: string | null;
  /** The command bwrap runs inside the namespaces (our helper, then the user command). */
  inner: string[];
}

function renderOp(op: MountOp): string[] {
  const perms = 'perms' in op && op.perms !== null ? ['--perms', op.perms] : [];
  switch (op.op) {
    case 'ro-bind':
      return ['--ro-bind', op.src, op.dest];
    case 'bind':
      return ['--bind', op.src, op.dest];
    case 'dev':
      return ['--dev', op.dest];
    case 'tmpfs':
      return [...perms, '--tmpfs', op.dest];
    case 'dir':
      return [...perms, '--dir', op.dest];
    case 'file':
      return ['--file', String(op.fd), op.dest];
    case 'remount-ro':
      return ['--remount-ro', op.dest];
    case 'ro-bind-data':
      return [...perms, '--ro-bind-data', String(DEV_NULL_FD), op.dest];
  }
}

/** The descriptors the rendered argv reads from; spawn/ opens /dev/null on each. */
export function devNullFds(ops: readonly MountOp[]): number[] {
  const fds = ops.flatMap((op) => (op.op === 'file' ? [op.fd] : []));
  if (ops.some((op) => op.op === 'ro-bind-data')) fds.unshift(DEV_NULL_FD);
  return fds;
}

export function renderBwrapArgv(input: BwrapArgvInput): string[] {
  // --new-session: setsid, so the command cannot inject keystrokes into our terminal with
  // TIOCSTI. --die-with-parent: killing bwrap (or its parent) ends the whole sandbox.
  // --as-pid-1: the inner stage (our helper, run with --reaper) is PID 1 instead of a bwrap
  // process that would stay unfiltered and writable through /proc/1/mem (docs/reference.md#inner-stage).
  const argv = [input.bwrapPath, '--new-session', '--die-with-parent', '--as-pid-1'];
  for (const op of input.ops) argv.push(...renderOp(op));
  // --unshare-user is explicit: bwrap skips its automatic user namespace when run as uid 0.
  argv.push('--unshare-user', '--unshare-pid', '--unshare-ipc');
  if (input.network === 'restricted') argv.push('--unshare-net');
  if (input.mountProc) argv.push('--proc', '/proc');
  // bwrap's own cover of /proc/sys skips it when the directory itself is not writable (it never
  // is), but uid 0 mapped to the host's root owns the sysctl files under it, so root could open
  // /proc/sys/kernel/core_pattern for writing (issue #20). Whenever the sandbox has a /proc, the
  // list bubblewrap meant to cover is bound read-only (recursively: binfmt_misc too).
  if (input.mountProc || input.ops.some((op) => (op.op === 'bind' || op.op === 'ro-bind') && op.dest === '/')) {
    for (const path of PROC_READ_ONLY) argv.push('--ro-bind-try', path, path);
  }
  // Last, after /proc's mount point exists in it: remounting earlier would make it impossible to
  // create later mount points.
  if (input.tmpfsRoot) argv.push('--remount-ro', '/');
  if (input.chdir !== null) argv.push('--chdir', input.chdir);
  // bwrap run by real root keeps every capability inside the user namespace, which would let
  // the command unmount our masks; dropping them all is a no-op for unprivileged callers.
  argv.push('--cap-drop', 'ALL');
  argv.push('--', ...input.inner);
  return argv;
}
