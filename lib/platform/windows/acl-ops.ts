// platform/windows/acl-ops: the ACEs each backend applies, as ordered typed ops (docs/reference.md#windows-restricted-token, #windows-elevated-backend, #windows-deny-read).
//
// Order matters and is fixed here: deny ACEs are applied (and missing carve-outs created) before
// any grant, so an interrupted setup leaves paths more restricted, never less, and a carve-out
// exists before its writable parent is opened (docs/reference.md#windows-elevated-backend). May import policy and this folder.

import { formatWindowsPath, isWindowsPathWithin, joinWindowsSubpath, windowsPathKey, windowsPathsEqual, type WindowsPath } from '../../policy/windows-paths';
import type { WindowsResolvedPolicy } from '../../policy/resolve-windows';
import type { AceOp, AclOp, CapabilityRoot } from './plan-types';
import { capabilitySid, MASK_ALLOW_WRITE, MASK_DENY_READ, MASK_DENY_WRITE, MASK_GRANT_READ, MASK_NUL_DEVICE } from './security-ids';

/** The metadata directories the legacy projection protects in every writable root (docs/reference.md#protected-metadata). */
export const PROTECTED_METADATA_NAMES = ['.git', '.agents', '.codex'] as const;

/** One capability SID per writable root, keyed by canonical path under a per-home namespace. */
export function capabilityRoots(resolved: WindowsResolvedPolicy, namespace: string): CapabilityRoot[] {
  return resolved.writableRoots.map((r) => ({ root: formatWindowsPath(r.root), sid: capabilitySid(namespace, windowsPathKey(r.root)) }));
}

/** The single SID of read-only mode (the reference's `readonly` entry). */
export function readOnlySid(namespace: string): string {
  return capabilitySid(namespace, 'readonly');
}

interface DenyWriteTarget {
  path: WindowsPath;
  ifMissing: 'skip' | 'create-dir';
  reason: 'read-only-carve-out' | 'protected-metadata';
}

/**
 * What must not be written inside the writable roots: each root's explicit carve-outs (created if
 * missing, so they cannot appear later under a writable parent) and the metadata directories,
 * unless an explicit entry names that exact path (an explicit rule overrides the default, docs/reference.md#effective-roots).
 */
export function denyWriteTargets(resolved: WindowsResolvedPolicy): DenyWriteTarget[] {
  const out: DenyWriteTarget[] = [];
  const push = (t: DenyWriteTarget): void => {
    if (!out.some((o) => windowsPathsEqual(o.path, t.path))) out.push(t);
  };
  for (const root of resolved.writableRoots) {
    for (const sub of root.readOnlySubpaths) push({ path: sub, ifMissing: 'create-dir', reason: 'read-only-carve-out' });
  }
  for (const root of resolved.writableRoots) {
    for (const name of PROTECTED_METADATA_NAMES) {
      const p = joinWindowsSubpath(root.root, name) as WindowsPath;
      if (resolved.entries.some((e) => windowsPathsEqual(e.path, p))) continue;
      push({ path: p, ifMissing: 'skip', reason: 'protected-metadata' });
    }
  }
  return out;
}

/** SIDs of roots overlapping the path in either direction; all of them when none does (docs/reference.md#windows-restricted-token). */
function overlappingSids(path: WindowsPath, roots: CapabilityRoot[], resolved: WindowsResolvedPolicy): string[] {
  const sids = resolved.writableRoots
    .map((r, i) => ({ r, sid: roots[i].sid }))
    .filter(({ r }) => isWindowsPathWithin(path, r.root) || isWindowsPathWithin(r.root, path))
    .map(({ sid }) => sid);
  return sids.length > 0 ? sids : roots.map((r) => r.sid);
}

function denyWriteOps(resolved: WindowsResolvedPolicy, roots: CapabilityRoot[], extraPrincipals: string[]): AceOp[] {
  if (roots.length === 0) return [];
  return denyWriteTargets(resolved).map((t) => ({
    kind: 'ace',
    action: 'deny',
    path: formatWindowsPath(t.path),
    principals: [...overlappingSids(t.path, roots, resolved), ...extraPrincipals],
    mask: MASK_DENY_WRITE,
    ifMissing: t.ifMissing,
    reason: t.reason,
  }));
}

/** The restricted-token backend: deny-write carve-outs, then one allow per root, then NUL. */
export function tokenAclOps(resolved: WindowsResolvedPolicy, roots: CapabilityRoot[], roSid: string | null): AclOp[] {
  const ops: AclOp[] = [...denyWriteOps(resolved, roots, [])];
  for (const r of roots) {
    ops.push({ kind: 'ace', action: 'allow', path: r.root, principals: [r.sid], mask: MASK_ALLOW_WRITE, ifMissing: 'skip', reason: 'writable-root' });
  }
  // The workspace mode also lets the logon SID use NUL, since it is a restricting SID too.
  const nulPrincipals = roots.length > 0 ? [...roots.map((r) => r.sid), '@logon'] : [roSid as string];
  ops.push({ kind: 'nul-device', principals: nulPrincipals, mask: MASK_NUL_DEVICE });
  return ops;
}

export interface ElevatedAclInput {
  resolved: WindowsResolvedPolicy;
  roots: CapabilityRoot[];
  group: string;
  denyReadPaths: string[];
  /** Glob matches: existing paths, so never created. */
  denyReadMatches: string[];
  readRoots: string[];
  profileChildren: { parent: string; exceptNames: string[] } | null;
}

/**
 * The elevated backend, in the setup helper's phase order (docs/reference.md#windows-elevated-backend): deny-read on the sandbox group
 * first (they must hold before the command runs), deny-write carve-outs, write grants to the
 * group and each root's capability SID, then read grants.
 */
export function elevatedAclOps(input: ElevatedAclInput): AclOp[] {
  const { resolved, roots, group } = input;
  const ops: AclOp[] = [];
  for (const path of input.denyReadPaths) {
    ops.push({ kind: 'ace', action: 'deny', path, principals: [group], mask: MASK_DENY_READ, ifMissing: 'create-dir', reason: 'deny-read' });
  }
  for (const path of input.denyReadMatches) {
    ops.push({ kind: 'ace', action: 'deny', path, principals: [group], mask: MASK_DENY_READ, ifMissing: 'skip', reason: 'deny-read' });
  }
  ops.push(...denyWriteOps(resolved, roots, []));
  for (const r of roots) {
    ops.push({ kind: 'ace', action: 'allow', path: r.root, principals: [group, r.sid], mask: MASK_ALLOW_WRITE, ifMissing: 'skip', reason: 'writable-root' });
  }
  for (const path of input.readRoots) {
    ops.push({ kind: 'ace', action: 'allow', path, principals: [group], mask: MASK_GRANT_READ, ifMissing: 'skip', reason: 'read-root' });
  }
  if (input.profileChildren !== null) {
    ops.push({ kind: 'ace-children', action: 'allow', ...input.profileChildren, principals: [group], mask: MASK_GRANT_READ, reason: 'read-root' });
  }
  return ops;
}
