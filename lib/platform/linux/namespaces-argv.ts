// platform/linux/namespaces-argv: renders a sandbox's mount operations as the helper's
// --namespaces options (docs/native.md "The namespaces backend"): the same ops bwrap-argv.ts
// renders for bubblewrap, one value each, since the planner binds every host path at its own
// place. Descriptors are bwrap's business: the helper makes empty files itself.
import { UnsupportedPolicyError } from '../../errors';
import type { MountOp } from './mount-ops';

function renderOp(op: MountOp): string[] {
  const perms = 'perms' in op && op.perms !== null ? ['--perms', op.perms] : [];
  if ('src' in op && op.src !== op.dest) {
    throw new UnsupportedPolicyError(`the namespaces backend binds each host path at its own place, and this plan binds ${op.src} at ${op.dest}; use --backend bwrap`, {
      value: op.dest,
      details: { backend: 'namespaces', src: op.src },
    });
  }
  switch (op.op) {
    case 'ro-bind':
    case 'ro-bind-try':
    case 'bind':
    case 'dev':
    case 'proc':
    case 'remount-ro':
      return [`--${op.op}`, op.dest];
    case 'tmpfs':
    case 'dir':
    case 'ro-bind-data':
      return [...perms, `--${op.op}`, op.dest];
    case 'file':
      return ['--file', op.dest];
  }
}

export interface NamespacesArgvInput {
  /** How to invoke the helper. */
  helper: string[];
  /** Every op in execution order (sandboxMountOps). */
  ops: MountOp[];
  /** Set only when canonicalizing the command cwd changed it. */
  chdir: string | null;
  /** The helper's other options, `--` and the command, as bubblewrap's inner stage gets them. */
  inner: string[];
}

export function renderNamespacesArgv(input: NamespacesArgvInput): string[] {
  const argv = [...input.helper, '--namespaces'];
  for (const op of input.ops) argv.push(...renderOp(op));
  if (input.chdir !== null) argv.push('--chdir', input.chdir);
  argv.push(...input.inner);
  return argv;
}
