// platform/linux/landlock-plan: the Landlock backend's rules (step one) and their rendering to
// helper flags (step two). Landlock only adds access, so it represents a policy exactly only when
// no path inside a granted tree is narrowed again: no read-only or deny carve-outs inside
// writable roots, no protected metadata names, no denies inside readable roots (docs/platforms/linux.md#the-landlock-backend).
import { UnsupportedPolicyError } from '../../errors';
import { explain } from '../../policy/explain';
import { PLATFORM_DEFAULT_READ_ROOTS_LINUX } from '../../policy/platform-defaults';
import type { ResolvedPolicy } from '../../policy/types';
import type { Host } from '../../policy/types';
import { ACCESS_FS, abiIntroducing, formatMask, fsRightNames, fsRightsForAbi, rightsForRuleTarget, scopesForAbi } from './landlock-abi';
import { byDepth, within } from './path-order';

export interface LandlockRule {
  path: string;
  /** Exact allowed-access mask passed to the kernel. */
  access: number;
  /** Names of the rights in `access`, for plan output and tests. */
  rights: string[];
}

export interface LandlockPlanData {
  landlockAbi: number;
  /** handled_access_fs of the ruleset. */
  handledAccessFs: number;
  /** LANDLOCK_SCOPE_* bits, 0 when the ABI has none. */
  scope: number;
  landlockRules: LandlockRule[];
  requiredRights: string[];
  handledRights: string[];
  skippedHardening: string[];
  /** The helper flags that render this plan (before `--network`). */
  helperArgs: string[];
}

const READ_RIGHTS = ['EXECUTE', 'READ_FILE', 'READ_DIR'] as const;

/** Why Landlock cannot represent this policy exactly, or null when it can. */
export function landlockRefusalReason(resolved: ResolvedPolicy, abi: number, _host: Host): string | null {
  for (const root of resolved.writableRoots) {
    // A missing root's carve-outs count too: the command may be able to create the root, and
    // then its protected names would be ordinary writable paths under Landlock.
    if (root.readOnlySubpaths.length > 0) {
      return `writable root ${root.root} has read-only carve-outs (${root.readOnlySubpaths.join(', ')}), and Landlock cannot narrow access below a granted directory; use --backend namespaces or bwrap (or auto)`;
    }
    if (root.protectedMetadataNames.length > 0) {
      return `writable root ${root.root} protects metadata names (${root.protectedMetadataNames.join(', ')}), and Landlock cannot narrow access below a granted directory; use --backend namespaces or bwrap (or auto)`;
    }
  }
  if (resolved.unreadableGlobs.length > 0) {
    return `deny-read globs (${resolved.unreadableGlobs.join(', ')}) need masking, which Landlock cannot do; use --backend namespaces or bwrap (or auto)`;
  }
  const granted = [...resolved.readableRoots, ...resolved.writableRoots.map((w) => w.root)];
  for (const deny of resolved.unreadableRoots) {
    const inside = resolved.fullDiskRead ? '/' : granted.find((g) => within(deny, g));
    if (inside !== undefined) {
      return `deny entry ${deny} lies inside granted path ${inside}, and Landlock cannot narrow access below a granted directory; use --backend namespaces or bwrap (or auto)`;
    }
  }
  const needed = abiIntroducing('TRUNCATE');
  if (abi < needed) {
    return `this kernel's Landlock ABI ${abi} lacks TRUNCATE (ABI ${needed}), so read-only files could still be truncated; upgrade the kernel (Linux >= 6.2) or use --backend namespaces or bwrap`;
  }
  return null;
}

/**
 * Landlock attaches a rule to the directory a path resolves to, so a rule on `/w/link -> /secret`
 * also grants `/secret` under its own name, which explain() (and bubblewrap, which mounts the
 * target at the link's path only) would deny. Such a grant is exact only when the policy grants
 * the target the same access; a deny inside the target is already refused as a carve-out inside
 * a granted path.
 */
function symlinkedGrantReason(resolved: ResolvedPolicy, grants: ReadonlyMap<string, number>, host: Host): string | null {
  for (const [path, mask] of grants) {
    const target = host.realpath(path);
    if (target === undefined || target === path) continue;
    const wanted: ('read' | 'write')[] = [];
    if ((mask & ACCESS_FS.READ_FILE) !== 0) wanted.push('read');
    if ((mask & ACCESS_FS.WRITE_FILE) !== 0) wanted.push('write');
    const ungranted = wanted.find((access) => !explain(resolved, target, access, { host: null }).allowed);
    if (ungranted === undefined) continue;
    return `${path} resolves to ${target} through a symlink, so a Landlock rule would also grant ${ungranted} on ${target} itself, which the policy does not; name ${target} in the policy instead of the link, or use --backend namespaces or bwrap (or auto)`;
  }
  return null;
}

/** Builds the rules for a policy Landlock can represent; refuses with the reason otherwise. */
export function planLandlockRules(resolved: ResolvedPolicy, abi: number, host: Host): LandlockPlanData {
  const reason = landlockRefusalReason(resolved, abi, host);
  if (reason !== null) throw new UnsupportedPolicyError(`the Landlock backend cannot represent this policy: ${reason}`, { details: { backend: 'landlock', abi } });

  const all = fsRightsForAbi(abi);
  const read = READ_RIGHTS.reduce((mask, name) => mask | ACCESS_FS[name], 0);
  // required: explain() depends on them. REFER: without it every cross-directory rename or link
  // fails even inside writable roots (ABI 1 forbids reparenting). TRUNCATE: without it a
  // read-only file can be truncated. IOCTL_DEV and scopes only add restriction explain() does not
  // model, so they are hardening.
  const requiredRights: string[] = ['EXECUTE', 'READ_FILE', 'READ_DIR', 'WRITE_FILE', 'TRUNCATE'];
  if (resolved.writableRoots.length > 0) requiredRights.push('REFER');
  for (const right of requiredRights) {
    const needed = abiIntroducing(right);
    if (abi < needed) {
      throw new UnsupportedPolicyError(
        `the Landlock backend needs right ${right} (Landlock ABI ${needed}) but this kernel offers ABI ${abi}; upgrade the kernel or use --backend namespaces or bwrap`,
        { details: { right, abi, neededAbi: needed } },
      );
    }
  }
  const skippedHardening: string[] = [];
  if (abi < abiIntroducing('IOCTL_DEV')) skippedHardening.push(`IOCTL_DEV (Landlock ABI ${abiIntroducing('IOCTL_DEV')})`);
  const scope = scopesForAbi(abi);
  if (scope === 0) skippedHardening.push(`scopes ABSTRACT_UNIX_SOCKET, SIGNAL (Landlock ABI ${abiIntroducing('SIGNAL')})`);

  const grants = new Map<string, number>();
  const grant = (path: string, mask: number): void => {
    if (host.stat(path) === undefined) return;
    grants.set(path, (grants.get(path) ?? 0) | mask);
  };
  if (resolved.fullDiskRead) grant('/', read);
  else {
    for (const root of resolved.readableRoots) grant(root, read);
    if (resolved.includePlatformDefaults) for (const root of PLATFORM_DEFAULT_READ_ROOTS_LINUX) grant(root, read);
  }
  for (const root of resolved.writableRoots) grant(root.root, all);
  // An unrestricted filesystem forced onto Landlock: everything is writable, as explain() says;
  // without this grant the ruleset would handle every right and allow only reads (G7 in
  // docs/security.md), narrower than the policy. Scopes still apply.
  if (resolved.fullDiskWrite) grant('/', all);
  // Commands routinely redirect to /dev/null; the bwrap backend's --dev gives the same.
  grant('/dev/null', read | ACCESS_FS.WRITE_FILE | (all & ACCESS_FS.TRUNCATE));
  const aliasReason = symlinkedGrantReason(resolved, grants, host);
  if (aliasReason !== null) {
    throw new UnsupportedPolicyError(`the Landlock backend cannot represent this policy: ${aliasReason}`, { details: { backend: 'landlock', abi } });
  }

  const landlockRules: LandlockRule[] = [];
  for (const path of [...grants.keys()].sort(byDepth)) {
    // The kernel rejects directory-only rights on a file: the one trimming STYLE allows.
    const access = rightsForRuleTarget(grants.get(path) ?? 0, host.stat(path) === 'dir');
    if (access === 0) continue;
    landlockRules.push({ path, access, rights: fsRightNames(access) });
  }

  const helperArgs = ['--landlock-abi', String(abi), '--landlock-fs-handled', formatMask(all)];
  for (const rule of landlockRules) helperArgs.push('--landlock-rule', `${formatMask(rule.access)}:${rule.path}`);
  if (scope !== 0) helperArgs.push('--landlock-scope', formatMask(scope));
  return {
    landlockAbi: abi,
    handledAccessFs: all,
    scope,
    landlockRules,
    requiredRights,
    handledRights: fsRightNames(all),
    skippedHardening,
    helperArgs,
  };
}
