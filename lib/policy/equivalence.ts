// policy/equivalence: the semantic signature of a policy after cwd resolution, and the Era C
// "needs direct runtime enforcement" check (docs/reference.md#runtime-equivalence): can this split policy be run by an
// enforcer that only understands the legacy SandboxPolicy, without losing anything?

import { isSandboxError } from '../errors';
import { legacyRuntimeFileSystemPolicy, toLegacySandboxPolicy } from './legacy-bridge';
import { joinPath } from './paths';
import { resolvePolicy } from './resolve';
import type { Host, LegacySandboxPolicy, ResolvedPolicy, SandboxPolicy } from './types';
import { checkLegacySandboxPolicy, checkResolvedPolicy, checkSandboxPolicy } from './typed-schema';

export interface SemanticSignature {
  fullDiskRead: boolean;
  fullDiskWrite: boolean;
  includePlatformDefaults: boolean;
  readableRoots: string[];
  writableRoots: { root: string; readOnlySubpaths: string[] }[];
  unreadableRoots: string[];
  unreadableGlobs: string[];
}

const sorted = (list: readonly string[]): string[] => [...list].sort();

/** The Era C signature: every list sorted, so entry order never matters. */
export function semanticSignature(resolved: ResolvedPolicy): SemanticSignature {
  checkResolvedPolicy(resolved);
  return {
    fullDiskRead: resolved.fullDiskRead,
    fullDiskWrite: resolved.fullDiskWrite,
    includePlatformDefaults: resolved.includePlatformDefaults,
    readableRoots: sorted(resolved.readableRoots),
    writableRoots: resolved.writableRoots
      .map((w) => ({ root: w.root, readOnlySubpaths: sorted(w.readOnlySubpaths) }))
      .sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0)),
    unreadableRoots: sorted(resolved.unreadableRoots),
    unreadableGlobs: sorted(resolved.unreadableGlobs),
  };
}

function sameSignature(a: SemanticSignature, b: SemanticSignature): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** is_semantically_equivalent_to: equal signatures after resolving both at the same cwd. */
export function isSemanticallyEquivalent(a: SandboxPolicy, b: SandboxPolicy, cwd: string, host: Host): boolean {
  checkSandboxPolicy(a);
  checkSandboxPolicy(b);
  return sameSignature(semanticSignature(resolvePolicy(a, { cwd, host })), semanticSignature(resolvePolicy(b, { cwd, host })));
}

/** legacy_sandbox_policies_match_semantics: same network, and equivalent split projections. */
export function legacyPoliciesMatch(a: LegacySandboxPolicy, b: LegacySandboxPolicy, cwd: string, host: Host): boolean {
  checkLegacySandboxPolicy(a);
  checkLegacySandboxPolicy(b);
  const pa = legacyRuntimeFileSystemPolicy(a, cwd, host);
  const pb = legacyRuntimeFileSystemPolicy(b, cwd, host);
  return pa.network === pb.network && isSemanticallyEquivalent(pa, pb, cwd, host);
}

/**
 * True when the split policy cannot be run through its legacy projection: the projection fails,
 * its resolved signature differs, or a protected metadata name of a split writable root is not a
 * read-only subpath of the matching legacy root (Era C).
 */
export function needsDirectRuntimeEnforcement(policy: SandboxPolicy, cwd: string, host: Host): boolean {
  checkSandboxPolicy(policy);
  if (policy.fileSystem.kind !== 'restricted') return false;
  let legacy: LegacySandboxPolicy;
  try {
    legacy = toLegacySandboxPolicy(policy, cwd, host);
  } catch (err) {
    if (isSandboxError(err) && err.code === 'E_UNSUPPORTED_POLICY') return true;
    throw err;
  }
  const split = resolvePolicy(policy, { cwd, host });
  const projected = resolvePolicy(legacyRuntimeFileSystemPolicy(legacy, cwd, host), { cwd, host });
  if (!sameSignature(semanticSignature(split), semanticSignature(projected))) return true;
  for (const root of split.writableRoots) {
    if (root.protectedMetadataNames.length === 0) continue;
    const match = projected.writableRoots.find((w) => w.root === root.root);
    if (match === undefined) return true;
    if (root.protectedMetadataNames.some((name) => !match.readOnlySubpaths.includes(joinPath(root.root, name)))) return true;
  }
  return false;
}
