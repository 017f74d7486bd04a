// base-policy: the fixed start of every profile (reference A4, newest: preferences moved out to
// preferences-policy.ts). Closed by default; what follows are the process, sysctl, IPC and PTY
// needs of ordinary command-line tools, in the order the reference gives them.
import { comment, constantSection, globalName, literal, named, regex, requireAll, rule } from './sbpl-build';
import type { SbplItem } from './sbpl-types';

const SYSCTL_NAMES = [
  'hw.activecpu',
  'hw.busfrequency_compat',
  'hw.byteorder',
  'hw.cacheconfig',
  'hw.cachelinesize_compat',
  'hw.cpufamily',
  'hw.cpufrequency_compat',
  'hw.cputype',
  'hw.l1dcachesize_compat',
  'hw.l1icachesize_compat',
  'hw.l2cachesize_compat',
  'hw.l3cachesize_compat',
  'hw.logicalcpu_max',
  'hw.machine',
  'hw.model',
  'hw.memsize',
  'hw.ncpu',
  'hw.nperflevels',
  'hw.packages',
  'hw.pagesize_compat',
  'hw.pagesize',
  'hw.physicalcpu',
  'hw.physicalcpu_max',
  'hw.logicalcpu',
  'hw.cpufrequency',
  'hw.tbfrequency_compat',
  'hw.vectorunit',
  'machdep.cpu.brand_string',
  'kern.argmax',
  'kern.hostname',
  'kern.maxfilesperproc',
  'kern.maxproc',
  'kern.osproductversion',
  'kern.osrelease',
  'kern.ostype',
  'kern.osvariant_status',
  'kern.osversion',
  'kern.secure_kernel',
  'kern.usrstack64',
  'kern.version',
  'sysctl.proc_cputype',
  'vm.loadavg',
  // Python's ProcessPoolExecutor reads it through sysconf(SC_SEM_NSEMS_MAX) (newest reference).
  'kern.sysv.semmns',
];

const SYSCTL_PREFIXES = ['hw.optional.arm.', 'hw.optional.armv8_', 'hw.perflevel', 'kern.proc.pgrp.', 'kern.proc.pid.', 'net.routetable.'];

const TTYS = '^/dev/ttys[0-9]+';

export const basePolicy = constantSection(() => [
    { kind: 'version', value: 1 },
    rule('deny', 'default'),
    comment('child processes inherit this sandbox'),
    rule('allow', 'process-exec'),
    rule('allow', 'process-fork'),
    rule('allow', 'signal', [named('target', { symbol: 'same-sandbox' })]),
    rule('allow', 'process-info*', [named('target', { symbol: 'same-sandbox' })]),
    comment('writes to /dev/null, only while it is the character device'),
    rule('allow', 'file-write-data', [requireAll(literal('/dev/null'), { kind: 'vnode-type', type: 'CHARACTER-DEVICE' })]),
    comment('read-only sysctls that runtimes query at start-up'),
    rule(
      'allow',
      'sysctl-read',
      [
        ...SYSCTL_NAMES.map((n) => named('sysctl-name', n)),
        ...SYSCTL_PREFIXES.map((p) => named('sysctl-name-prefix', p)),
      ],
      'stacked',
    ),
    comment('the JVM writes this sysctl to read it'),
    rule('allow', 'sysctl-write', [named('sysctl-name', 'kern.grade_cputype')]),
    rule('allow', 'iokit-open', [named('iokit-registry-entry-class', 'RootDomainUserClient')]),
    comment('user and group lookups'),
    rule('allow', 'mach-lookup', [globalName('com.apple.system.opendirectoryd.libinfo')]),
    comment('POSIX semaphores for Python multiprocessing (SemLock)'),
    rule('allow', 'ipc-posix-sem'),
    comment('OpenMP (libomp) registers itself in POSIX shared memory'),
    rule(
      'allow',
      ['ipc-posix-shm-read-data', 'ipc-posix-shm-write-create', 'ipc-posix-shm-write-unlink'],
      [named('ipc-posix-name-regex', { regex: '^/__KMP_REGISTERED_LIB_[0-9]+$' })],
      'stacked',
    ),
    rule('allow', 'mach-lookup', [globalName('com.apple.PowerManagement.control')]),
    comment('pseudo-terminals: new ones through the sandbox extension, inherited ones for ioctl'),
    rule('allow', 'pseudo-tty'),
    rule('allow', ['file-read*', 'file-write*', 'file-ioctl'], [literal('/dev/ptmx')]),
    rule('allow', ['file-read*', 'file-write*'], [requireAll(regex(TTYS), named('extension', 'com.apple.sandbox.pty'))]),
    rule('allow', 'file-ioctl', [regex(TTYS)]),
  ]);
