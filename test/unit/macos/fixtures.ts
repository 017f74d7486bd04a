// Hand-built ResolvedPolicy fixtures for Seatbelt planner tests: the planner reads only the
// effective-root fields, so each reference case can be stated exactly.
import type { ResolvedPolicy, WritableRoot } from '../../../lib/policy/types';
import { planMacos, type PlanMacosOptions, type SeatbeltPlan } from '../../../lib/platform/macos/plan-macos';
import { fakeMacHost } from './fake-mac-host';

export function resolvedFixture(fields: Partial<ResolvedPolicy> & { network?: ResolvedPolicy['policy']['network'] } = {}): ResolvedPolicy {
  const { network, ...rest } = fields;
  return {
    cwd: '/Users/dev/w',
    policy: { fileSystem: { kind: 'restricted', entries: [] }, network: network ?? 'restricted' },
    entries: [],
    fullDiskRead: false,
    fullDiskWrite: false,
    includePlatformDefaults: false,
    readableRoots: [],
    writableRoots: [],
    unreadableRoots: [],
    unreadableGlobs: [],
    warnings: [],
    ...rest,
  };
}

export const ALL_NAMES = ['.git', '.agents', '.codex', '.aws'];

export function root(path: string, readOnlySubpaths: string[] = [], protectedMetadataNames: string[] = ALL_NAMES): WritableRoot {
  return { root: path, readOnlySubpaths, protectedMetadataNames };
}

export function plan(resolved: ResolvedPolicy, opts: Partial<PlanMacosOptions> = {}): SeatbeltPlan {
  return planMacos(resolved, { command: ['/bin/echo', 'hi'], host: fakeMacHost(), permissionProfile: { type: 'disabled' }, ...opts });
}

export function paramsWithPrefix(p: SeatbeltPlan, prefix: string): [string, string][] {
  return p.params.filter(([k]) => k.startsWith(prefix));
}
