// platform/linux/probe-cache: the helper's namespaces probe (`--probe namespaces`: a fork, an
// unshare and three mounts) answered once per boot instead of once per process. Each launch of
// the drop-in or the CLI is a new process, and that probe was a quarter of its start-up
// (docs/benchmarks.md#start-up).
//
// The answer is kept in the per-user state directory (user-state-dir.ts), which every sandbox is
// denied, under a key of everything the answer depends on: the boot, the helper binary, the
// caller's ids and namespaces, its seccomp, capability and AppArmor state, and the sysctls that
// gate user namespaces. A key that misses something can only do what the real machine state can:
// an entry that says "usable" where namespaces are not makes the launch fail (the helper reports
// the failed call, exit 125), and one that says "unusable" sends the planner to another backend
// that enforces the same policy, or to a refusal. No entry can make a launch weaker.
import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { readPrivateFile, replaceFile } from './private-file';
import { userStateDir } from './user-state-dir';

/** What the probe run answered: its exit status and its output (the first line says why). */
export interface NamespacesProbeRun {
  status: number | null;
  output: string;
}

/** The entry's name in the state directory, beside the mount-target registry's markers. */
export const NAMESPACES_PROBE_FILE = 'namespaces-probe.json';
/** The helper prints one line; more is not an answer of ours. */
const MAX_OUTPUT = 4096;

/** Sysctls that decide whether an unprivileged user may make the namespaces the helper makes. */
const SYSCTLS = [
  '/proc/sys/kernel/unprivileged_userns_clone',
  '/proc/sys/kernel/apparmor_restrict_unprivileged_userns',
  '/proc/sys/user/max_user_namespaces',
  '/proc/sys/user/max_mnt_namespaces',
  '/proc/sys/user/max_pid_namespaces',
  '/proc/sys/user/max_net_namespaces',
  '/proc/sys/user/max_ipc_namespaces',
];

/** The lines of /proc/self/status the helper inherits and unshare(2) or mount(2) may depend on. */
const STATUS_FIELDS = /^(?:Uid|Gid|Cap(?:Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp|Seccomp_filters):.*$/gm;

function readOr(path: string, missing: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return missing;
  }
}

function linkOr(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '-';
  }
}

/**
 * Everything the probe's answer depends on, as one string; undefined (no caching) without a boot
 * id, since an entry could then outlive the boot it describes, and under a seccomp filter: two
 * filters may refuse different calls, and nothing tells them apart (their programs cannot be read
 * without CAP_SYS_ADMIN), so a filtered process (a container, a sandbox) probes every time.
 */
export function namespacesProbeKey(helper: string, status: string = readOr('/proc/self/status', '')): string | undefined {
  const boot = readOr('/proc/sys/kernel/random/boot_id', '');
  if (boot === '') return undefined;
  if (!/^Seccomp:\s*0$/m.test(status)) return undefined;
  let helperId: string;
  try {
    const st = statSync(helper, { bigint: true });
    helperId = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return undefined;
  }
  return JSON.stringify([
    boot,
    helper,
    helperId,
    (status.match(STATUS_FIELDS) ?? []).join('\n'),
    linkOr('/proc/self/ns/user'),
    linkOr('/proc/self/ns/mnt'),
    linkOr('/proc/self/ns/pid'),
    readOr('/proc/self/attr/current', '-'),
    ...SYSCTLS.map((path) => readOr(path, '-')),
  ]);
}

function euid(): number {
  return typeof process.geteuid === 'function' ? process.geteuid() : 0;
}

function readEntry(file: string, key: string): NamespacesProbeRun | undefined {
  const data = readPrivateFile(file, euid(), 2 * MAX_OUTPUT + key.length + 256);
  if (data === undefined) return undefined;
  try {
    const entry = JSON.parse(data.toString('utf8')) as unknown;
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { key: entryKey, status, output } = entry as Record<string, unknown>;
    if (entryKey !== key || !Number.isInteger(status) || typeof output !== 'string' || output.length > MAX_OUTPUT) return undefined;
    return { status: status as number, output };
  } catch {
    return undefined;
  }
}

/** Best effort: a directory that is missing, foreign or shared means no cache, never an error. */
function writeEntry(dir: string, key: string, run: NamespacesProbeRun): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // It exists (checked next) or cannot be made (then nothing is cached).
  }
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory() || st.uid !== euid() || (st.mode & 0o022) !== 0) return;
  } catch {
    return;
  }
  replaceFile(join(dir, NAMESPACES_PROBE_FILE), JSON.stringify({ key, status: run.status, output: run.output }), 0o600);
}

/**
 * The probe's answer for `helper`: from this boot's entry when its key matches, otherwise from
 * `probe()`, which is then kept for the next process. `fresh` probes in any case (doctor, and
 * anyone who suspects a stale entry) and replaces the entry. A run that did not start (status
 * null) is not kept.
 */
export function namespacesProbeOnce(helper: string, probe: () => NamespacesProbeRun, opts: { fresh?: boolean; dir?: string } = {}): NamespacesProbeRun {
  const key = namespacesProbeKey(helper);
  if (key === undefined) return probe();
  const dir = opts.dir ?? userStateDir();
  if (opts.fresh !== true) {
    const cached = readEntry(join(dir, NAMESPACES_PROBE_FILE), key);
    if (cached !== undefined) return cached;
  }
  const run = probe();
  if (run.status !== null && run.output.length <= MAX_OUTPUT) writeEntry(dir, key, run);
  return run;
}
