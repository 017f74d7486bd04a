// platform/linux/bwrap-argv: renders a sandbox's mount operations and namespace options to
// bwrap's argv in one place, so ordering is tested on the ops and syntax here
// (docs/architecture.md#the-pipeline).
import type { MountOp } from './mount-ops';

/**
 * The descriptor every `--ro-bind-data` reads from: spawn/ opens /dev/null there. One shared
 * descriptor is enough because reading /dev/null always yields an empty file (docs/reference.md#mount-order).
 */
export const DEV_NULL_FD = 3;

export interface BwrapArgvInput {
  bwrapPath: string;
  /** Every op in execution order (sandboxMountOps). */
  ops: MountOp[];
  network: 'restricted' | 'enabled' | 'proxied';
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
    case 'ro-bind-try':
      return ['--ro-bind-try', op.src, op.dest];
    case 'bind':
      return ['--bind', op.src, op.dest];
    case 'dev':
      return ['--dev', op.dest];
    case 'proc':
      return ['--proc', op.dest];
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
  // --unshare-user is explicit: bwrap skips its automatic user namespace when run as uid 0.
  argv.push('--unshare-user', '--unshare-pid', '--unshare-ipc');
  // bwrap brings lo up in the new namespace; a proxied network's relay listens there.
  if (input.network !== 'enabled') argv.push('--unshare-net');
  for (const op of input.ops) argv.push(...renderOp(op));
  if (input.chdir !== null) argv.push('--chdir', input.chdir);
  // bwrap run by real root keeps every capability inside the user namespace, which would let
  // the command unmount our masks; dropping them all is a no-op for unprivileged callers.
  argv.push('--cap-drop', 'ALL');
  argv.push('--', ...input.inner);
  return argv;
}
