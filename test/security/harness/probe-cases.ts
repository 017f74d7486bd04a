// The escape probes of docs/security.md#probe-table that apply to Linux, plus the ones an attacker tries next,
// as data: what each tries, the policy it runs under, how the host decides whether it got through,
// and, where it gets through on purpose or by a limit we document, why.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { PYTHON, type Fixture } from './fixture';
import { processesWithToken, type HostVictim, type Listeners } from './host-services';
import type { ProbeOp } from './run-probe';

export type PolicyName = 'workspace' | 'workspace-network' | 'read-only' | 'read-only-network' | 'deny-outside';
export type SandboxBackend = 'bwrap' | 'landlock';

/** What an expectation may depend on: who runs the suite. */
export interface HostFacts {
  isRoot: boolean;
}

export interface ProbeContext {
  fx: Fixture;
  listeners: Listeners;
  victim: HostVictim;
  /** The compiled int $0x80 probe, or null when the machine has no C compiler. */
  int80: string | null;
  /** A unique token for probes that leave a process behind. */
  token: string;
  /** Root or not: some controls only get through with privileges. */
  isRoot: boolean;
}

export interface ProbeCase {
  id: string;
  title: string;
  policy: PolicyName;
  argv(ctx: ProbeContext): string[];
  /** Host paths that must be byte-for-byte unchanged afterwards. */
  guarded?(ctx: ProbeContext): string[];
  /** Extra host-side evidence of an escape; returns a description or null. */
  hostEvidence?(ctx: ProbeContext): string | null | Promise<string | null>;
  /** Host directories opened in the parent and handed to the child as fds 3, 4, ... */
  passDirFds?(ctx: ProbeContext): string[];
  /** Evidence read from the probe's whole report (for properties across steps); null when none. */
  reportEvidence?(ops: ProbeOp[]): string | null;
  /** Which of the probe's own steps count as an escape when they succeed (syscall-only probes). */
  countsOps?(op: ProbeOp): boolean;
  /** Extra env for the probe. */
  env?(ctx: ProbeContext): Record<string, string>;
  /**
   * Backends on which this probe gets through on purpose (reference behaviour) or through a limit
   * of the mechanism that docs/security.md states, with the reason. Everything else must be blocked.
   */
  getsThrough?: Partial<Record<SandboxBackend, (host: HostFacts) => string | null>>;
  /**
   * Backends that must refuse this case's policy (fail closed) instead of running it. On every
   * other backend the sandbox must run, so the probe really tests enforcement.
   */
  refusedOn?: SandboxBackend[];
  /** False when even the unsandboxed control cannot do it on this machine (then the control is not asserted). */
  controlEscapes?(host: HostFacts): boolean;
}

/**
 * The policy a case runs under on a backend. Every writable root carries protected metadata names
 * (.git, .agents, .codex, .aws) that Landlock cannot carve out of a granted directory, so the
 * Landlock backend refuses the workspace shape; cases whose target lies outside the workspace run
 * on Landlock under the read-only shape instead, which it accepts and which must block them too.
 */
export function policyFor(c: ProbeCase, fx: Fixture, backend: SandboxBackend | 'none'): unknown {
  const refusing = backend !== 'none' && (c.refusedOn ?? []).includes(backend);
  if (backend === 'landlock' && !refusing) {
    if (c.policy === 'workspace') return policyByName('read-only', fx);
    if (c.policy === 'workspace-network') return policyByName('read-only-network', fx);
  }
  return policyByName(c.policy, fx);
}

/** The policy shapes the probes run under, in the reference's wire forms. */
function policyByName(name: PolicyName, fx: Fixture): unknown {
  switch (name) {
    case 'read-only-network':
      return { type: 'read-only', network_access: true };
    case 'workspace':
    case 'workspace-network':
      // As the reference's own suite does: no /tmp or $TMPDIR roots, so "outside" really is outside.
      return {
        type: 'workspace-write',
        writable_roots: [],
        network_access: name === 'workspace-network',
        exclude_tmpdir_env_var: true,
        exclude_slash_tmp: true,
      };
    case 'read-only':
      return { type: 'read-only' };
    case 'deny-outside':
      return {
        type: 'managed',
        file_system: {
          type: 'restricted',
          entries: [
            { path: { type: 'special', value: { kind: 'root' } }, access: 'read' },
            { path: { type: 'path', path: fx.ws }, access: 'write' },
            { path: { type: 'path', path: fx.outside }, access: 'deny' },
            { path: { type: 'path', path: join(fx.home, '.ssh') }, access: 'deny' },
          ],
        },
        network: 'restricted',
      };
  }
}

const py = (ctx: ProbeContext, ...args: string[]): string[] => [PYTHON, ctx.fx.probesPy, ...args];
const opIs =
  (...prefixes: string[]) =>
  (op: ProbeOp): boolean =>
    prefixes.some((p) => op.op.startsWith(p));

export const PROBE_CASES: ProbeCase[] = [
  {
    id: 'P01',
    title: 'write a file outside every writable root',
    policy: 'workspace',
    argv: (c) => py(c, 'write', join(c.fx.outside, 'p01.txt'), join(c.fx.outside, 'secret.txt'), join(c.fx.home, '.p01')),
    guarded: (c) => [c.fx.outside, c.fx.home],
  },
  {
    id: 'P02',
    // Its meaning needs a writable workspace, which Landlock cannot carve metadata out of.
    refusedOn: ['landlock'],
    title: 'symlink in the workspace to an outside file, write through it',
    policy: 'workspace',
    argv: (c) => py(c, 'symlink-write', join(c.fx.ws, 'link-out'), join(c.fx.outside, 'secret.txt')),
    guarded: (c) => [c.fx.outside],
  },
  {
    id: 'P03',
    // Landlock cannot keep .git read-only inside a writable root.
    refusedOn: ['landlock'],
    title: 'replace .git/hooks with a symlink to a decoy, then write a hook',
    policy: 'workspace',
    argv: (c) => py(c, 'replace-with-symlink', join(c.fx.ws, '.git', 'hooks'), join(c.fx.ws, 'decoy'), 'pre-commit'),
    guarded: (c) => [join(c.fx.ws, '.git'), join(c.fx.ws, 'decoy')],
  },
  {
    id: 'P04',
    // Its meaning needs a writable workspace, which Landlock cannot carve metadata out of.
    refusedOn: ['landlock'],
    title: 'hard-link an outside file into the workspace, then write it',
    policy: 'workspace',
    argv: (c) => py(c, 'hardlink-write', join(c.fx.outside, 'secret.txt'), join(c.fx.ws, 'hardlink')),
    guarded: (c) => [c.fx.outside],
    countsOps: opIs('link '),
  },
  {
    id: 'P05',
    // Landlock cannot keep .git read-only inside a writable root.
    refusedOn: ['landlock'],
    title: 'rename .git away, then recreate .git/hooks/pre-commit',
    policy: 'workspace',
    argv: (c) => py(c, 'rename-parent', join(c.fx.ws, '.git'), join(c.fx.ws, '.git2'), join(c.fx.ws, '.git', 'hooks', 'pre-commit')),
    guarded: (c) => [join(c.fx.ws, '.git'), join(c.fx.ws, '.git2')],
  },
  {
    id: 'P06',
    // Landlock cannot keep .git read-only inside a writable root.
    refusedOn: ['landlock'],
    title: 'write .git/hooks/pre-commit, .git/config, .git/modules/x/config, config.worktree',
    policy: 'workspace',
    argv: (c) =>
      py(
        c,
        'write',
        join(c.fx.ws, '.git', 'hooks', 'pre-commit'),
        join(c.fx.ws, '.git', 'config'),
        join(c.fx.ws, '.git', 'modules', 'x', 'config'),
        join(c.fx.ws, '.git', 'worktrees', 'x', 'config.worktree'),
      ),
    guarded: (c) => [join(c.fx.ws, '.git')],
  },
  {
    id: 'P07',
    // Its meaning needs a writable workspace, which Landlock cannot carve metadata out of.
    refusedOn: ['landlock'],
    title: 'create a nested repo sub/.git/hooks/post-checkout',
    policy: 'workspace',
    argv: (c) => py(c, 'mkdir-write', join(c.fx.ws, 'sub', '.git', 'hooks', 'post-checkout')),
    guarded: (c) => [join(c.fx.ws, 'sub')],
    getsThrough: {
      bwrap: () => 'the reference protects only .git/.agents/.codex directly under a writable root, not nested repos',
    },
  },
  {
    id: 'P08',
    // Its meaning needs a writable workspace, which Landlock cannot carve metadata out of.
    refusedOn: ['landlock'],
    title: 'create a bare-repo layout (sub/HEAD, sub/config) in the workspace',
    policy: 'workspace',
    argv: (c) => py(c, 'mkdir-write', join(c.fx.ws, 'bare', 'HEAD'), join(c.fx.ws, 'bare', 'config')),
    guarded: (c) => [join(c.fx.ws, 'bare')],
    getsThrough: {
      bwrap: () => 'ordinary files in a writable root; the reference does not recognise bare-repo layouts',
    },
  },
  {
    id: 'P09',
    // Its meaning needs a writable workspace, which Landlock cannot carve metadata out of.
    refusedOn: ['landlock'],
    title: 'write shell rc files and editor/agent configs in the workspace',
    policy: 'workspace',
    argv: (c) => py(c, 'mkdir-write', ...['.bashrc', '.zshrc', '.profile', '.envrc', join('.vscode', 'tasks.json'), '.mcp.json'].map((n) => join(c.fx.ws, n))),
    guarded: (c) => ['.bashrc', '.zshrc', '.profile', '.envrc', '.vscode', '.mcp.json'].map((n) => join(c.fx.ws, n)),
    getsThrough: {
      bwrap: () => 'ordinary files inside a writable workspace; the reference allows them too',
    },
  },
  {
    id: 'P10',
    title: 'plant a systemd user unit under $HOME',
    policy: 'workspace',
    argv: (c) => py(c, 'mkdir-write', join(c.fx.home, '.config', 'systemd', 'user', 'evil.service')),
    env: (c) => ({ HOME: c.fx.home }),
    guarded: (c) => [c.fx.home],
  },
  {
    id: 'P12',
    title: 'write through /proc/self/root, /proc/self/cwd/.. and /dev/fd/N aliases',
    policy: 'workspace',
    argv: (c) => py(c, 'proc-alias-write', join(c.fx.outside, 'secret.txt'), '../outside/secret.txt'),
    guarded: (c) => [c.fx.outside],
  },
  {
    id: 'P14',
    title: 'O_RDONLY|O_TRUNC and truncate() on a read-only file',
    policy: 'workspace',
    argv: (c) => py(c, 'truncate', join(c.fx.outside, 'readonly.txt')),
    guarded: (c) => [c.fx.outside],
  },
  {
    id: 'P15',
    title: 'chmod, chown, utime, setxattr on a read-only file',
    policy: 'workspace',
    argv: (c) => py(c, 'metadata', join(c.fx.outside, 'readonly.txt')),
    guarded: (c) => [c.fx.outside],
    countsOps: opIs('setxattr', 'chmod', 'utime'),
    getsThrough: {
      landlock: () => 'Landlock has no right for chmod/chown/utime/setxattr (permanent limitations: docs/reference.md#landlock-abis)',
    },
  },
  {
    id: 'P17',
    // Landlock cannot deny a path below a readable root.
    refusedOn: ['landlock'],
    title: 'read a denied ~/.ssh key',
    policy: 'deny-outside',
    argv: (c) => py(c, 'read', join(c.fx.home, '.ssh', 'id_ed25519'), join(c.fx.outside, 'secret.txt')),
    countsOps: opIs('read '),
  },
  {
    id: 'P16',
    title: 'stat tells an existing denied file from a missing one',
    // Landlock cannot deny a path below a readable root.
    refusedOn: ['landlock'],
    policy: 'deny-outside',
    argv: (c) => py(c, 'stat', join(c.fx.outside, 'secret.txt'), join(c.fx.outside, 'no-such-file')),
    reportEvidence: (ops) => {
      const [existing, missing] = ops;
      if (existing === undefined || missing === undefined) return null;
      const same = existing.ok === missing.ok && existing.errno === missing.errno;
      return same ? null : `existence leaks: ${existing.op} -> ${existing.ok ? 'ok' : existing.errno}, ${missing.op} -> ${missing.ok ? 'ok' : missing.errno}`;
    },
  },
  {
    id: 'P19',
    title: 'ptrace(PTRACE_ATTACH) a host process',
    policy: 'workspace',
    argv: (c) => py(c, 'ptrace', String(c.victim.pid)),
    countsOps: () => true,
  },
  {
    id: 'P20',
    title: 'process_vm_readv and /proc/<pid>/mem of a host process and of the Node parent',
    policy: 'workspace',
    argv: (c) => py(c, 'vm-read', String(c.victim.pid), String(process.pid)),
    countsOps: () => true,
  },
  {
    id: 'P21',
    title: 'kill() a host process',
    policy: 'workspace',
    argv: (c) => py(c, 'kill', String(c.victim.pid)),
    countsOps: opIs('kill('),
    hostEvidence: (c) => (c.victim.alive() ? null : 'host victim process was killed'),
  },
  {
    id: 'P22',
    title: 'read /proc/<pid>/environ of a host process and of the Node parent',
    policy: 'workspace',
    argv: (c) => py(c, 'environ', c.victim.secret, String(c.victim.pid), String(process.pid)),
    countsOps: () => true,
  },
  {
    id: 'P13',
    title: 'use a directory fd the parent leaked (fd 20) to read and write an outside file',
    policy: 'workspace',
    argv: (c) => py(c, 'inherited-fds', 'secret.txt'),
    passDirFds: (c) => [c.fx.outside],
    guarded: (c) => [c.fx.outside],
    countsOps: opIs('inherited fd', 'openat('),
  },
  {
    id: 'P24',
    title: 'io_uring_setup',
    policy: 'workspace',
    argv: (c) => py(c, 'io-uring'),
    countsOps: () => true,
  },
  {
    id: 'P25',
    title: 'name_to_handle_at + open_by_handle_at on an outside file, then write',
    policy: 'workspace',
    argv: (c) => py(c, 'handle', join(c.fx.outside, 'secret.txt'), c.fx.ws),
    guarded: (c) => [c.fx.outside],
    countsOps: opIs('open_by_handle_at'),
    controlEscapes: (c) => c.isRoot,
  },
  {
    id: 'P26',
    title: 'nested user namespace, remount or unmount, then write outside',
    policy: 'workspace',
    argv: (c) => py(c, 'userns-remount', join(c.fx.outside, 'p26.txt')),
    guarded: (c) => [c.fx.outside],
  },
  {
    id: 'P27',
    title: 'chroot into a writable dir and walk ".." out, then write',
    policy: 'workspace',
    argv: (c) => py(c, 'chroot-walk', join(c.fx.ws, 'jail'), join(c.fx.outside, 'p27.txt')),
    guarded: (c) => [c.fx.outside],
    controlEscapes: (c) => c.isRoot,
  },
  {
    id: 'P28',
    title: 'no_new_privs is set (setuid binaries gain nothing)',
    policy: 'workspace',
    argv: (c) => py(c, 'privileges'),
    countsOps: opIs('no_new_privs'),
  },
  {
    id: 'P29',
    title: 'bpf, perf_event_open, userfaultfd, add_key',
    policy: 'workspace',
    argv: (c) => py(c, 'kernel-surface'),
    countsOps: () => true,
  },
  {
    id: 'P30',
    title: 'AF_INET socket through x32 numbers and the i386 int $0x80 entry',
    policy: 'workspace',
    argv: (c) => (c.int80 === null ? py(c, 'x32') : [c.int80]),
    countsOps: () => true,
  },
  {
    id: 'P31',
    title: 'connect to a host daemon pathname Unix socket (docker.sock, $SSH_AUTH_SOCK)',
    policy: 'workspace',
    argv: (c) => py(c, 'unix', c.listeners.unixPath),
    hostEvidence: (c) => (c.listeners.hits.unix > 0 ? `host unix listener got ${c.listeners.hits.unix} connection(s)` : null),
  },
  {
    id: 'P31-net',
    title: 'connect to a host pathname Unix socket with network enabled',
    policy: 'workspace-network',
    argv: (c) => py(c, 'unix', c.listeners.unixPath),
    hostEvidence: (c) => (c.listeners.hits.unix > 0 ? `host unix listener got ${c.listeners.hits.unix} connection(s)` : null),
    getsThrough: {
      bwrap: () => 'network-enabled policies leave Unix sockets reachable (the reference does too); hide the path with a deny entry',
      landlock: () => 'network-enabled policies leave Unix sockets reachable (the reference does too); hide the path with a deny entry',
    },
  },
  {
    id: 'P32',
    title: 'connect to a host abstract Unix socket (X11, D-Bus style)',
    policy: 'workspace',
    argv: (c) => py(c, 'abstract', c.listeners.abstractName),
    hostEvidence: (c) => (c.listeners.hits.abstract > 0 ? `host abstract listener got ${c.listeners.hits.abstract} connection(s)` : null),
  },
  {
    id: 'P34',
    title: 'AF_VSOCK, AF_NETLINK, AF_PACKET, raw and UDP sockets',
    policy: 'workspace',
    argv: (c) => py(c, 'families'),
    countsOps: () => true,
  },
  {
    id: 'P35',
    title: 'direct TCP (IPv4, IPv6), MPTCP and SCTP to host loopback listeners',
    policy: 'workspace',
    argv: (c) => py(c, 'tcp', '127.0.0.1', String(c.listeners.tcp4Port), '::1', String(c.listeners.tcp6Port)),
    hostEvidence: (c) => {
      const n = c.listeners.hits.tcp4 + c.listeners.hits.tcp6;
      return n > 0 ? `host TCP listeners got ${n} connection(s)` : null;
    },
  },
  {
    id: 'P37',
    title: 'UDP datagram to a host listener',
    policy: 'workspace',
    argv: (c) => py(c, 'udp', '127.0.0.1', String(c.listeners.udpPort)),
    hostEvidence: (c) => (c.listeners.hits.udp > 0 ? `host UDP listener got ${c.listeners.hits.udp} datagram(s)` : null),
  },
  {
    id: 'P43',
    title: 'double-fork + setsid daemon outlives the command',
    policy: 'workspace',
    argv: (c) => py(c, 'daemonize', c.token),
    hostEvidence: async (c) => {
      // The sandbox's end is asynchronous (pid-namespace teardown, reaper): allow it a bounded moment.
      for (let i = 0; i < 50 && processesWithToken(c.token).length > 0; i++) await sleep(100);
      const left = processesWithToken(c.token);
      return left.length > 0 ? `daemon still running on the host as pid ${left.join(', ')}` : null;
    },
  },
  {
    id: 'P45',
    title: 'secrets in the environment the caller passes',
    policy: 'workspace',
    argv: (c) => py(c, 'env', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN'),
    env: () => ({ AWS_SECRET_ACCESS_KEY: 'csbx-fake', GITHUB_TOKEN: 'csbx-fake' }),
    countsOps: () => true,
    getsThrough: {
      bwrap: () => "the child gets exactly the env the caller passes; scrubbing is the caller's policy, as in the reference",
      landlock: () => "the child gets exactly the env the caller passes; scrubbing is the caller's policy, as in the reference",
    },
  },
];
