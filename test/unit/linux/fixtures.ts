// Fixtures for Linux planner tests: resolved policies built directly (the planner's input
// contract) and capability sets. Enforcement tests never use these.
import type { Capabilities } from '../../../lib/platform/common/types';
import type { ResolvedPolicy, WritableRoot } from '../../../lib/policy/types';

export interface ResolvedShape {
  cwd?: string;
  fullDiskRead?: boolean;
  fullDiskWrite?: boolean;
  includePlatformDefaults?: boolean;
  readableRoots?: string[];
  writableRoots?: (string | (Partial<WritableRoot> & { root: string }))[];
  unreadableRoots?: string[];
  unreadableGlobs?: string[];
  globScanMaxDepth?: number;
  network?: ResolvedPolicy['policy']['network'];
  kind?: 'restricted' | 'unrestricted' | 'external-sandbox';
}

export function resolvedFixture(shape: ResolvedShape): ResolvedPolicy {
  const kind = shape.kind ?? 'restricted';
  const fileSystem = kind === 'restricted' ? { kind, entries: [] } : { kind };
  const out: ResolvedPolicy = {
    cwd: shape.cwd ?? '/',
    policy: { fileSystem: fileSystem as ResolvedPolicy['policy']['fileSystem'], network: shape.network ?? 'restricted' },
    entries: [],
    fullDiskRead: shape.fullDiskRead ?? kind !== 'restricted',
    fullDiskWrite: shape.fullDiskWrite ?? kind !== 'restricted',
    includePlatformDefaults: shape.includePlatformDefaults ?? false,
    readableRoots: shape.readableRoots ?? [],
    writableRoots: (shape.writableRoots ?? []).map((w) =>
      typeof w === 'string' ? { root: w, readOnlySubpaths: [], protectedMetadataNames: [] } : { readOnlySubpaths: [], protectedMetadataNames: [], ...w },
    ),
    unreadableRoots: shape.unreadableRoots ?? [],
    unreadableGlobs: shape.unreadableGlobs ?? [],
    warnings: [],
  };
  if (shape.globScanMaxDepth !== undefined) out.globScanMaxDepth = shape.globScanMaxDepth;
  return out;
}

/** A machine where the helper cannot make its own namespaces (bubblewrap may still work). */
export const NO_NAMESPACES: Capabilities['namespaces'] = {
  usable: false,
  procMount: false,
  reason: 'unshare CLONE_NEWUSER: Operation not permitted (errno 1)',
  apparmorRestricted: false,
};

export function capsFixture(over: Partial<Capabilities> = {}): Capabilities {
  return {
    landlock: { status: 'available', abi: 7 },
    seccomp: true,
    userns: true,
    namespaces: { usable: true, procMount: true, reason: null, apparmorRestricted: false },
    bwrap: { path: '/usr/bin/bwrap', version: '0.8.0', hasArgv0: false, hasPerms: true, hasAsPid1: true },
    wsl: 'none',
    helperPath: '/opt/csbx/codex-sandbox-helper',
    ...over,
  };
}
