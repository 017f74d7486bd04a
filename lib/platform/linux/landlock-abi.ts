// platform/linux/landlock-abi: the only place with Landlock ABI numbers and right bits. Pure data
// and pure functions; imported by the planner, the probe and doctor. Imports nothing.
//
// Values are the kernel's (include/uapi/linux/landlock.h); the table of which ABI added what and
// in which kernel is in docs/reference.md#landlock-abis. The helper receives these masks verbatim.

/** Filesystem access rights (LANDLOCK_ACCESS_FS_*), by kernel name without the prefix. */
export const ACCESS_FS = {
  EXECUTE: 1 << 0,
  WRITE_FILE: 1 << 1,
  READ_FILE: 1 << 2,
  READ_DIR: 1 << 3,
  REMOVE_DIR: 1 << 4,
  REMOVE_FILE: 1 << 5,
  MAKE_CHAR: 1 << 6,
  MAKE_DIR: 1 << 7,
  MAKE_REG: 1 << 8,
  MAKE_SOCK: 1 << 9,
  MAKE_FIFO: 1 << 10,
  MAKE_BLOCK: 1 << 11,
  MAKE_SYM: 1 << 12,
  REFER: 1 << 13,
  TRUNCATE: 1 << 14,
  IOCTL_DEV: 1 << 15,
} as const;

export type FsRightName = keyof typeof ACCESS_FS;

/** Network rights (LANDLOCK_ACCESS_NET_*). The package restricts the network with seccomp. */
export const NET_RIGHTS = {
  BIND_TCP: 1 << 0,
  CONNECT_TCP: 1 << 1,
} as const;

export type NetRightName = keyof typeof NET_RIGHTS;

/** IPC scopes (LANDLOCK_SCOPE_*), the `--landlock-scope` mask. */
export const SCOPE = {
  ABSTRACT_UNIX_SOCKET: 1 << 0,
  SIGNAL: 1 << 1,
} as const;

export type ScopeName = keyof typeof SCOPE;

/**
 * landlock_restrict_self() flags (LANDLOCK_RESTRICT_SELF_*), which ABI 7 introduced. They only
 * change audit logging of denials, never what is allowed; no plan sets them, so the helper
 * takes no option for them and always passes 0.
 */
export const RESTRICT_SELF_FLAGS = {
  LOG_SAME_EXEC_OFF: 1 << 0,
  LOG_NEW_EXEC_ON: 1 << 1,
  LOG_SUBDOMAINS_OFF: 1 << 2,
} as const;

export type RestrictSelfFlagName = keyof typeof RESTRICT_SELF_FLAGS;

export interface LandlockAbiEntry {
  abi: number;
  /** The first mainline kernel with this ABI (distribution kernels may backport: use the ABI). */
  kernel: string;
  fsRights: readonly FsRightName[];
  netRights: readonly NetRightName[];
  scopes: readonly ScopeName[];
  restrictSelfFlags: readonly RestrictSelfFlagName[];
  /** What a sandbox loses on a kernel below this ABI. */
  gapIfAbsent: string;
}

/** What each ABI added, in order. Index i holds ABI i + 1. */
export const LANDLOCK_ABI_TABLE: readonly LandlockAbiEntry[] = [
  {
    abi: 1,
    kernel: '5.13',
    fsRights: [
      'EXECUTE',
      'WRITE_FILE',
      'READ_FILE',
      'READ_DIR',
      'REMOVE_DIR',
      'REMOVE_FILE',
      'MAKE_CHAR',
      'MAKE_DIR',
      'MAKE_REG',
      'MAKE_SOCK',
      'MAKE_FIFO',
      'MAKE_BLOCK',
      'MAKE_SYM',
    ],
    netRights: [],
    scopes: [],
    restrictSelfFlags: [],
    gapIfAbsent: 'no Landlock at all',
  },
  {
    abi: 2,
    kernel: '5.19',
    fsRights: ['REFER'],
    netRights: [],
    scopes: [],
    restrictSelfFlags: [],
    gapIfAbsent: 'every rename or link across directories is refused',
  },
  {
    abi: 3,
    kernel: '6.2',
    fsRights: ['TRUNCATE'],
    netRights: [],
    scopes: [],
    restrictSelfFlags: [],
    gapIfAbsent: 'files that may not be written can still be truncated',
  },
  {
    abi: 4,
    kernel: '6.7',
    fsRights: [],
    netRights: ['BIND_TCP', 'CONNECT_TCP'],
    scopes: [],
    restrictSelfFlags: [],
    gapIfAbsent: 'no TCP port control through Landlock',
  },
  {
    abi: 5,
    kernel: '6.10',
    fsRights: ['IOCTL_DEV'],
    netRights: [],
    scopes: [],
    restrictSelfFlags: [],
    gapIfAbsent: 'ioctl on newly opened devices is unrestricted',
  },
  {
    abi: 6,
    kernel: '6.12',
    fsRights: [],
    netRights: [],
    scopes: ['ABSTRACT_UNIX_SOCKET', 'SIGNAL'],
    restrictSelfFlags: [],
    gapIfAbsent: 'abstract Unix sockets and signals to processes outside the sandbox are reachable',
  },
  {
    abi: 7,
    kernel: '6.15',
    fsRights: [],
    netRights: [],
    scopes: [],
    restrictSelfFlags: ['LOG_SAME_EXEC_OFF', 'LOG_NEW_EXEC_ON', 'LOG_SUBDOMAINS_OFF'],
    gapIfAbsent: 'denials are invisible to the audit log',
  },
];

/** The newest ABI this table describes; a newer kernel is treated as this one. */
export const NEWEST_KNOWN_LANDLOCK_ABI = LANDLOCK_ABI_TABLE.length;

function maskOf<T extends string>(bits: Readonly<Record<T, number>>, names: readonly T[]): number {
  let mask = 0;
  for (const name of names) mask |= bits[name];
  return mask;
}

/** Clamps an ABI to the table: below 1 is no Landlock (0), above the table is the newest known. */
function clampAbi(abi: number): number {
  if (!Number.isInteger(abi)) throw new RangeError(`Landlock ABI must be an integer, got ${abi}`);
  if (abi < 1) return 0;
  return Math.min(abi, NEWEST_KNOWN_LANDLOCK_ABI);
}

function entriesUpTo(abi: number): readonly LandlockAbiEntry[] {
  return LANDLOCK_ABI_TABLE.slice(0, clampAbi(abi));
}

/** Every filesystem right the given ABI knows (the handled mask that handles all of them). */
export function fsRightsForAbi(abi: number): number {
  return entriesUpTo(abi).reduce((mask, e) => mask | maskOf(ACCESS_FS, e.fsRights), 0);
}

/** Every scope the given ABI knows. */
export function scopesForAbi(abi: number): number {
  return entriesUpTo(abi).reduce((mask, e) => mask | maskOf(SCOPE, e.scopes), 0);
}

/** Every landlock_restrict_self flag the given ABI knows. */
export function restrictSelfFlagsForAbi(abi: number): number {
  return entriesUpTo(abi).reduce((mask, e) => mask | maskOf(RESTRICT_SELF_FLAGS, e.restrictSelfFlags), 0);
}

/**
 * The ABI that introduced a right, scope or flag, by kernel name without prefix (`TRUNCATE`,
 * `SIGNAL`, `LOG_NEW_EXEC_ON`). An unknown name is a programming error.
 */
export function abiIntroducing(name: string): number {
  for (const e of LANDLOCK_ABI_TABLE) {
    const all: readonly string[] = [...e.fsRights, ...e.scopes, ...e.restrictSelfFlags, ...e.netRights];
    if (all.includes(name)) return e.abi;
  }
  throw new RangeError(`unknown Landlock right, scope or flag: ${name}`);
}

/**
 * The lowest ABI that provides every bit of the given masks: what the planner passes as
 * `--landlock-abi`. A bit no known ABI defines is a programming error.
 */
export function minimumAbiFor(masks: { fs?: number; scopes?: number; restrictSelfFlags?: number }): number {
  const fs = masks.fs ?? 0;
  const scopes = masks.scopes ?? 0;
  const flags = masks.restrictSelfFlags ?? 0;
  for (let abi = 1; abi <= NEWEST_KNOWN_LANDLOCK_ABI; abi += 1) {
    if ((fs & ~fsRightsForAbi(abi)) === 0 && (scopes & ~scopesForAbi(abi)) === 0 && (flags & ~restrictSelfFlagsForAbi(abi)) === 0) {
      return abi;
    }
  }
  throw new RangeError(
    `Landlock masks fs=${formatMask(fs)} scopes=${formatMask(scopes)} flags=${formatMask(flags)} ` + `use bits no ABI up to ${NEWEST_KNOWN_LANDLOCK_ABI} defines`,
  );
}

/** Rights that apply to files as well as directories (the kernel's ACCESS_FILE). */
export const FILE_RIGHTS = ACCESS_FS.EXECUTE | ACCESS_FS.WRITE_FILE | ACCESS_FS.READ_FILE | ACCESS_FS.TRUNCATE | ACCESS_FS.IOCTL_DEV;

/**
 * Rights that only mean something on a directory: READ_DIR, REMOVE_DIR, REMOVE_FILE, MAKE_*,
 * REFER. The kernel refuses them in a rule on a non-directory, so the helper drops them from such
 * a rule (the one trim it performs); `rightsForRuleTarget` models the same trim.
 */
export const DIRECTORY_ONLY_RIGHTS = fsRightsForAbi(NEWEST_KNOWN_LANDLOCK_ABI) & ~FILE_RIGHTS;

/**
 * The rights a path-beneath rule really grants: the helper removes directory-only rights from a
 * rule whose path is not a directory, and skips a rule left with nothing.
 */
export function rightsForRuleTarget(allowed: number, isDirectory: boolean): number {
  return isDirectory ? allowed : allowed & ~DIRECTORY_ONLY_RIGHTS;
}

/** Names of the filesystem rights in a mask, in bit order (for `enforcement.handled`, doctor). */
export function fsRightNames(mask: number): FsRightName[] {
  return (Object.keys(ACCESS_FS) as FsRightName[]).filter((name) => (mask & ACCESS_FS[name]) !== 0);
}

/** Names of the scopes in a mask, in bit order. */
export function scopeNames(mask: number): ScopeName[] {
  return (Object.keys(SCOPE) as ScopeName[]).filter((name) => (mask & SCOPE[name]) !== 0);
}

/** A mask as the helper's argv spells it: `0x` and lower-case hex. */
export function formatMask(mask: number): string {
  if (!Number.isInteger(mask) || mask < 0) throw new RangeError(`Landlock mask must be a non-negative integer, got ${mask}`);
  return `0x${mask.toString(16)}`;
}

/**
 * Turns the kernel's ABI into what planners may rely on: a kernel newer than the table counts as
 * the newest known ABI, and its own number is kept for doctor.
 */
export function effectiveLandlockAbi(kernelAbi: number): { abi: number; kernelAbi?: number } {
  const abi = clampAbi(kernelAbi);
  return kernelAbi > NEWEST_KNOWN_LANDLOCK_ABI ? { abi, kernelAbi } : { abi };
}
