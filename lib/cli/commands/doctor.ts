// cli/commands/doctor: what enforcement this machine offers, what is missing, what each piece
// enables and how to get it. Exit 0 when a filesystem-enforcing backend (the helper's namespaces,
// bubblewrap or Landlock) works, 1 otherwise.
import { release } from 'node:os';

import type { Capabilities } from '../../platform/common/types';
import { abiIntroducing, LANDLOCK_ABI_TABLE } from '../../platform/linux/landlock-abi';
import { bwrapUnavailableReason, namespacesUnavailableReason } from '../../platform/linux/plan';
import { NATIVE_FIX } from '../../native';
import { pruneDeadHostPrep } from '../../spawn/host-prep';
import { probeLaunchHost } from '../../spawn/prepare-launch';
import type { CommandContext } from '../command';
import { unknownOption } from '../suggest';
import { probeWindowsDoctor } from './doctor-windows';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  value: string;
  enables: string;
  /** How to get it when missing; empty when ok. */
  fix: string;
}

export interface DoctorReport {
  platform: string;
  checks: DoctorCheck[];
  backends: { name: 'namespaces' | 'bwrap' | 'landlock' | 'seccomp'; usable: boolean; reason: string }[];
}

function landlockCheck(caps: Capabilities): DoctorCheck {
  const l = caps.landlock;
  const needed = abiIntroducing('TRUNCATE');
  if (l.status !== 'available') {
    return {
      name: 'landlock',
      ok: false,
      value: l.status,
      enables: 'the Landlock backend (no namespaces needed)',
      fix: l.status === 'not-enabled' ? 'add "landlock" to the kernel\'s lsm= boot parameter' : 'use Linux >= 5.13 built with CONFIG_SECURITY_LANDLOCK=y',
    };
  }
  const kernel = l.kernelAbi !== undefined ? ` (kernel reports ${l.kernelAbi}; treated as ${l.abi})` : '';
  const ok = l.abi >= needed;
  const missing = LANDLOCK_ABI_TABLE.filter((e) => e.abi > l.abi).map((e) => `ABI ${e.abi} (Linux ${e.kernel}): ${e.gapIfAbsent}`);
  return {
    name: 'landlock',
    ok,
    value: `ABI ${l.abi}${kernel}`,
    enables: `the Landlock backend (needs ABI ${needed} for TRUNCATE)${missing.length > 0 ? `; missing hardening: ${missing.join('; ')}` : ''}`,
    fix: ok ? '' : `upgrade to Linux >= ${LANDLOCK_ABI_TABLE[needed - 1].kernel} for Landlock ABI ${needed}`,
  };
}

const NOT_CHECKED = 'not checked: the native build is unusable (see "native" above)';

/** The first check: whether the addon and the helper load, and what fixes them when they do not. */
function nativeCheck(caps: Capabilities): DoctorCheck {
  const enables = 'everything that runs a command (the helper applies no_new_privs, seccomp, Landlock, namespaces; the addon probes them)';
  if (caps.nativeBuild !== undefined) return { name: 'native', ok: false, value: `${caps.nativeBuild.reason}: ${caps.nativeBuild.message}`, enables, fix: NATIVE_FIX };
  if (caps.helperPath === null) return { name: 'native', ok: false, value: 'the helper is not built', enables, fix: NATIVE_FIX };
  return { name: 'native', ok: true, value: `helper ${caps.helperPath}`, enables, fix: '' };
}

/**
 * Without a usable native build nothing can be probed: those checks say so, rather than report
 * a kernel without Landlock or seccomp and suggest sysctl settings that would change nothing.
 */
function unprobed(check: DoctorCheck): DoctorCheck {
  return { ...check, ok: false, value: NOT_CHECKED, fix: 'fix "native" first' };
}

/** Builds the report from capabilities (tests pass fixtures; the command probes). */
export function doctorReport(caps: Capabilities, procMount: boolean | null, kernel: string): DoctorReport {
  const report = probedReport(caps, procMount, kernel);
  const native = nativeCheck(caps);
  if (native.ok) return { ...report, checks: [native, ...report.checks] };
  const probed = new Set(['landlock', 'seccomp', 'userns', 'proc']);
  return {
    ...report,
    checks: [native, ...report.checks.map((c) => (probed.has(c.name) ? unprobed(c) : c))],
    backends: report.backends.map((b) => ({ ...b, usable: false, reason: `the native build is unusable: ${NATIVE_FIX}` })),
  };
}

function probedReport(caps: Capabilities, procMount: boolean | null, kernel: string): DoctorReport {
  const bwrapReason = bwrapUnavailableReason(caps);
  const namespacesReason = namespacesUnavailableReason(caps);
  const ns = caps.namespaces;
  const bwrapFeaturesOk = caps.bwrap !== null && caps.bwrap.hasPerms && caps.bwrap.hasAsPid1;
  const landlock = landlockCheck(caps);
  const helperOk = caps.helperPath !== null;
  const checks: DoctorCheck[] = [
    { name: 'kernel', ok: true, value: kernel, enables: 'informational; features are probed, never inferred from the version', fix: '' },
    landlock,
    {
      name: 'seccomp',
      ok: caps.seccomp,
      value: caps.seccomp ? 'filter mode available' : 'unavailable',
      enables: 'network restriction and the base syscall filter (every backend)',
      fix: caps.seccomp ? '' : "use a kernel built with CONFIG_SECCOMP_FILTER, or relax the container runtime's seccomp profile",
    },
    {
      name: 'userns',
      ok: ns.usable,
      value: ns.usable
        ? `the helper builds its own namespaces${ns.procMount ? '' : ' (without a fresh /proc: mounting it is denied here)'}`
        : `${ns.reason ?? 'cannot create user namespaces'}${ns.apparmorRestricted ? ' (AppArmor restricts unprivileged user namespaces: kernel.apparmor_restrict_unprivileged_userns=1)' : ''}`,
      enables: 'the namespaces backend (no bubblewrap needed) and the bubblewrap backend',
      fix: ns.usable
        ? ''
        : ns.apparmorRestricted
          ? 'AppArmor lets only profiled programs use user namespaces: the bwrap backend still works with a bwrap that has a profile (Ubuntu: apt install bubblewrap for /usr/bin/bwrap), or allow them for everyone with sysctl -w kernel.apparmor_restrict_unprivileged_userns=0'
          : 'sysctl -w kernel.unprivileged_userns_clone=1 and user.max_user_namespaces > 0',
    },
    {
      name: 'bwrap',
      // Optional where the helper builds its own namespaces: missing is then not a MISS.
      ok: bwrapFeaturesOk || namespacesReason === null,
      value:
        caps.bwrap === null
          ? `not found on PATH${namespacesReason === null ? ' (not needed: the namespaces backend works)' : ''}`
          : `${caps.bwrap.path} ${caps.bwrap.version} (--argv0 ${caps.bwrap.hasArgv0 ? 'yes' : 'no, not needed'}; --perms ${caps.bwrap.hasPerms ? 'yes' : 'no'}; --as-pid-1 ${caps.bwrap.hasAsPid1 ? 'yes' : 'no'})`,
      enables: 'the bubblewrap backend (optional when the namespaces backend works): every restricted policy, including carve-outs and protected metadata',
      fix:
        bwrapFeaturesOk || namespacesReason === null
          ? ''
          : caps.bwrap === null
            ? 'install bubblewrap (apt-get install bubblewrap / dnf install bubblewrap)'
            : 'upgrade bubblewrap to >= 0.5 (needs --perms and --as-pid-1)',
    },
    {
      name: 'proc',
      ok: procMount !== false,
      value: procMount === null ? 'not checked (no namespace backend usable)' : procMount ? 'fresh /proc can be mounted' : 'mounting /proc is denied here',
      enables: 'a private /proc for the sandbox (hardening; runs continue without it)',
      fix: procMount === false ? 'run outside a container that masks /proc, or accept the inherited /proc' : '',
    },
    {
      name: 'wsl',
      ok: caps.wsl !== 'wsl1',
      value: caps.wsl,
      enables: 'WSL1 cannot sandbox restricted filesystems at all',
      fix: caps.wsl === 'wsl1' ? 'convert the distribution to WSL2 (wsl --set-version <distro> 2)' : '',
    },
  ];
  const helperReason = helperOk ? null : 'codex-sandbox-helper is not built';
  const backends: DoctorReport['backends'] = [
    {
      name: 'namespaces',
      usable: namespacesReason === null && caps.wsl !== 'wsl1',
      reason: namespacesReason ?? (caps.wsl === 'wsl1' ? 'WSL1' : 'ready (every restricted policy; preferred by auto)'),
    },
    { name: 'bwrap', usable: bwrapReason === null && helperOk && caps.wsl !== 'wsl1', reason: bwrapReason ?? helperReason ?? (caps.wsl === 'wsl1' ? 'WSL1' : 'ready') },
    { name: 'landlock', usable: landlock.ok && helperOk, reason: landlock.ok ? (helperReason ?? 'ready (policies without carve-outs inside writable roots)') : landlock.fix },
    {
      name: 'seccomp',
      usable: caps.seccomp && helperOk,
      reason: caps.seccomp ? (helperReason ?? 'ready (unrestricted filesystem with the network enabled)') : 'seccomp unavailable',
    },
  ];
  return { platform: 'linux', checks, backends };
}

/** The text form of a report: one block per check, then one line per backend. */
export function printDoctorReport(report: { checks: DoctorCheck[]; backends: { name: string; usable: boolean; reason: string }[] }, ctx: Pick<CommandContext, 'stdout'>): void {
  for (const c of report.checks) {
    ctx.stdout(`${c.ok ? 'ok  ' : 'MISS'} ${c.name.padEnd(8)} ${c.value}\n       enables: ${c.enables}\n${c.fix ? `       fix: ${c.fix}\n` : ''}`);
  }
  ctx.stdout('backends:\n');
  for (const b of report.backends) ctx.stdout(`  ${b.usable ? 'usable  ' : 'unusable'} ${b.name.padEnd(10)} ${b.reason}\n`);
}

export const DOCTOR_HELP = `usage: codex-sandbox doctor [--json]

Says what enforcement this machine offers (the native build, Landlock, seccomp, user
namespaces, bubblewrap, /proc, WSL), what each enables and how to get what is missing, then
which backends are usable. See docs/doctor.md.

options:
  --json                        one object: {platform, checks, backends, filesystem_enforcement}

exit status: 0 when a backend can enforce a restricted filesystem, 1 otherwise.
`;

export function doctorCommand(argv: string[], ctx: CommandContext): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    ctx.stdout(DOCTOR_HELP);
    return 0;
  }
  for (const arg of argv) {
    if (arg !== '--json') throw unknownOption('doctor', arg, ['--json', '--help']);
  }
  if (process.platform === 'win32') {
    const report = probeWindowsDoctor(ctx.env, ctx.processCwd);
    const usable = report.backends.some((b) => b.usable);
    if (ctx.json) ctx.stdout(`${JSON.stringify({ ...report, filesystem_enforcement: usable })}\n`);
    else printDoctorReport(report, ctx);
    return usable ? 0 : 1;
  }
  if (process.platform !== 'linux') {
    const text = `doctor checks Linux enforcement; this is ${process.platform}, whose backend needs no probing`;
    ctx.stdout(ctx.json ? `${JSON.stringify({ platform: process.platform, checks: [], backends: [], note: text })}\n` : `${text}\n`);
    return 0;
  }
  // Also the clean-up of runs whose parent was SIGKILLed (their empty mask stubs), for a user who
  // runs doctor after seeing stray `.git` or `.codex` entries.
  pruneDeadHostPrep();
  const { capabilities, procMount } = probeLaunchHost();
  const report = doctorReport(capabilities, procMount, release());
  const fsBackend = report.backends.some((b) => b.usable && b.name !== 'seccomp');
  if (ctx.json) {
    ctx.stdout(`${JSON.stringify({ ...report, filesystem_enforcement: fsBackend })}\n`);
  } else {
    printDoctorReport(report, ctx);
    if (capabilities.nativeBuild !== undefined || capabilities.helperPath === null) ctx.stdout(`the native build of codex-sandbox is unusable; to fix it, ${NATIVE_FIX}\n`);
    else if (!fsBackend) ctx.stdout('no backend can enforce a restricted filesystem here: fix one of the MISS lines above\n');
  }
  return fsBackend ? 0 : 1;
}
