// platform/windows/gate: which policy shapes each Windows backend can enforce (docs/reference.md#windows-resolution-and-gate,
// docs/reference.md#sandbox-selection), and the backend `auto` picks.
//
// Every refusal is an E_UNSUPPORTED_POLICY whose message starts with the reference's exact
// string, followed in parentheses by the entry at fault and the next step. Nothing is ever
// weakened: a shape a backend cannot express is refused, even when that backend was forced.
// May import policy, errors and this folder.

import { isSandboxError, UnsupportedPolicyError } from '../../errors';
import { isProxiedNetwork } from '../../policy/network-predicates';
import type { SandboxPolicy } from '../../policy/types';
import { formatWindowsPath, isWindowsPathWithin, type WindowsPath } from '../../policy/windows-paths';
import { sameWindowsPathSet, type WindowsResolvedPolicy } from '../../policy/resolve-windows';

export type WindowsBackend = 'windows-token' | 'windows-elevated';

const REFUSING = 'refusing to run unsandboxed';

function refuse(reference: string, hint: string, details: Record<string, unknown>): never {
  throw new UnsupportedPolicyError(`${reference} (${hint})`, { details: { ...details, referenceMessage: reference } });
}

function debugKind(policy: SandboxPolicy): string {
  switch (policy.fileSystem.kind) {
    case 'restricted':
      return 'Restricted';
    case 'unrestricted':
      return 'Unrestricted';
    case 'external-sandbox':
      return 'ExternalSandbox';
  }
}

// The reference names the PermissionProfile variant the policy arrives as: an external sandbox is
// External, an unrestricted file system with network is Disabled (no sandbox), anything else is
// Managed (docs/reference.md#policy-wire-forms).
function profileName(policy: SandboxPolicy): string {
  if (policy.fileSystem.kind === 'external-sandbox') return 'External';
  if (policy.fileSystem.kind === 'unrestricted' && policy.network === 'enabled') return 'Disabled';
  return 'Managed';
}

// Era B named the legacy projection instead of the profile (docs/reference.md#sandbox-selection, test
// windows_restricted_token_rejects_network_only_restrictions); kept in details for callers that
// match the older wording.
function legacyDebug(policy: SandboxPolicy): string {
  const net = policy.network === 'enabled' ? 'Enabled' : 'Restricted';
  if (policy.fileSystem.kind === 'external-sandbox') return `ExternalSandbox { network_access: ${net} }`;
  return policy.network === 'enabled' ? 'DangerFullAccess' : 'ExternalSandbox { network_access: Restricted }';
}

/**
 * Refuses policies no Windows backend enforces: disabled or external profiles, an unrestricted
 * file system (including a network-only restriction), and full-disk write. Both backends would
 * have to run the command with nothing on the file system restricted (docs/reference.md#windows-resolution-and-gate).
 */
export function checkWindowsEnforceable(policy: SandboxPolicy, resolved: WindowsResolvedPolicy | null): void {
  if (policy.fileSystem.kind !== 'restricted' || resolved?.fullDiskWrite === true) {
    const reference = `windows sandbox backend cannot enforce file_system=${debugKind(policy)}, network=${policy.network === 'enabled' ? 'Enabled' : 'Restricted'}, permission_profile=${profileName(policy)}; ${REFUSING}`;
    refuse(
      reference,
      resolved?.fullDiskWrite === true
        ? 'a :root write entry grants full-disk writes; narrow it to the directories the command needs'
        : 'the Windows backends restrict the file system and cannot apply a network-only or external policy; use a restricted file-system policy',
      {
        rule: 'not-enforceable',
        fileSystem: policy.fileSystem.kind,
        network: policy.network,
        legacyMessage: `windows sandbox backend cannot enforce file_system=${debugKind(policy)}, network=${policy.network === 'enabled' ? 'Enabled' : 'Restricted'}, legacy_policy=${legacyDebug(policy)}; ${REFUSING}`,
      },
    );
  }
}

/**
 * The refusals that need no resolved paths: a proxied network, and a policy that does not
 * restrict the file system. They run before resolution (planSandbox, then again in planWindows),
 * so such a policy is refused the same way whatever its paths and cwd.
 */
export function checkWindowsPolicyShape(policy: SandboxPolicy, backend: string): void {
  if (isProxiedNetwork(policy.network)) {
    // Neither Windows backend can force every connection through the proxy: the token's network block is advisory and the offline account's firewall blocks all or nothing.
    throw new UnsupportedPolicyError(
      `a proxied network (domain allow/deny rules) cannot be enforced by backend "${backend}" on Windows: neither the restricted token nor the offline sandbox account can force every connection through the network proxy; use --network or --no-network instead`,
      { value: backend, details: { backend, network: 'proxied' } },
    );
  }
  if (policy.fileSystem.kind !== 'restricted') checkWindowsEnforceable(policy, null);
}

function reopenedDescendant(resolved: WindowsResolvedPolicy): { root: WindowsPath; under: WindowsPath } | null {
  for (const outer of resolved.writableRoots) {
    for (const sub of outer.readOnlySubpaths) {
      for (const inner of resolved.writableRoots) {
        if (inner !== outer && isWindowsPathWithin(inner.root, sub)) return { root: inner.root, under: sub };
      }
    }
  }
  return null;
}

/** The unelevated restricted-token backend's checks, in the reference's order ([C] docs/reference.md#sandbox-selection). */
export function checkTokenBackend(resolved: WindowsResolvedPolicy): void {
  const backend = 'windows-token';
  if (!resolved.rootReadable) {
    refuse(
      `windows unelevated restricted-token sandbox cannot enforce split filesystem read restrictions directly; ${REFUSING}`,
      `${formatWindowsPath(resolved.volumeRoot)} is not readable under this policy and the restricted token only restricts writes; add :root = read or use the elevated backend`,
      { backend, rule: 'read-restrictions' },
    );
  }
  if (resolved.denyReadPaths.length > 0 || resolved.denyReadGlobs.length > 0) {
    const first = resolved.denyReadPaths[0] !== undefined ? formatWindowsPath(resolved.denyReadPaths[0]) : resolved.denyReadGlobs[0];
    refuse(
      `windows unelevated restricted-token sandbox cannot enforce deny-read restrictions directly; ${REFUSING}`,
      `deny entry ${first}; use the elevated backend, which applies deny-read ACEs`,
      { backend, rule: 'deny-read', paths: resolved.denyReadPaths.map(formatWindowsPath), globs: resolved.denyReadGlobs },
    );
  }
  const split = resolved.writableRoots.map((r) => r.root);
  if (resolved.legacyWritableRoots === null || !sameWindowsPathSet(split, resolved.legacyWritableRoots)) {
    refuse(
      `windows unelevated restricted-token sandbox cannot enforce split writable root sets directly; ${REFUSING}`,
      `writable roots [${split.map(formatWindowsPath).join(', ')}] are not the workspace-write layout (cwd, TEMP/TMP, listed roots); make the cwd writable or use the elevated backend`,
      { backend, rule: 'split-writable-roots', roots: split.map(formatWindowsPath) },
    );
  }
  checkReopen(resolved, `windows unelevated restricted-token sandbox cannot reopen writable descendants under read-only carveouts directly; ${REFUSING}`, backend);
}

function checkReopen(resolved: WindowsResolvedPolicy, reference: string, backend: WindowsBackend): void {
  const hit = reopenedDescendant(resolved);
  if (hit !== null) {
    // A deny-write ACE on the carve-out is inherited by everything below it and deny ACEs beat
    // the nested root's allow, so the reopened root could not be written: refuse instead.
    refuse(reference, `writable ${formatWindowsPath(hit.root)} lies under read-only ${formatWindowsPath(hit.under)}; make the carve-out and the nested root disjoint`, {
      backend,
      rule: 'reopened-descendant',
      root: formatWindowsPath(hit.root),
      under: formatWindowsPath(hit.under),
    });
  }
}

/**
 * The elevated backend's checks: `:root` must stay readable, because the sandbox user can always
 * read what Users, Authenticated Users and Everyone can, so narrower reads cannot be exact (docs/reference.md#windows-read-roots
 * nuance; the newest reference rejects them); reopened descendants are refused as above.
 */
export function checkElevatedBackend(resolved: WindowsResolvedPolicy): void {
  const backend = 'windows-elevated';
  if (!resolved.rootReadable) {
    refuse(
      'elevated Windows sandbox requires effective `:root` read access',
      `${formatWindowsPath(resolved.volumeRoot)} is not readable under this policy, but the sandbox account can read everything Users can; add :root = read and deny the secrets instead`,
      { backend, rule: 'root-read-required' },
    );
  }
  checkReopen(resolved, `windows elevated sandbox cannot reopen writable descendants under read-only carveouts directly; ${REFUSING}`, backend);
}

/**
 * The restricted token only sets proxy variables when the network is restricted (docs/reference.md#windows-restricted-token): nothing
 * at OS level blocks traffic. That is weaker than the policy, so it is refused unless the caller
 * accepts the advisory block in so many words.
 */
export function checkTokenNetwork(policy: SandboxPolicy, acceptAdvisoryNetworkBlock: boolean): void {
  if (policy.network === 'restricted' && !acceptAdvisoryNetworkBlock) {
    throw new UnsupportedPolicyError(
      'windows unelevated restricted-token sandbox cannot enforce a restricted network: it only points proxy variables at a dead port; use the elevated backend, allow network access, or pass acceptAdvisoryNetworkBlock to accept the environment-only block',
      { details: { backend: 'windows-token', rule: 'network-restricted' } },
    );
  }
}

/**
 * `auto`: the restricted token when it enforces the policy exactly (it needs no setup and runs as
 * the real user), otherwise the elevated backend. A forced backend is checked, never swapped.
 */
export function chooseWindowsBackend(
  policy: SandboxPolicy,
  resolved: WindowsResolvedPolicy,
  requested: 'auto' | WindowsBackend,
  acceptAdvisoryNetworkBlock: boolean,
): WindowsBackend {
  checkWindowsEnforceable(policy, resolved);
  if (requested === 'windows-token') {
    checkTokenBackend(resolved);
    checkTokenNetwork(policy, acceptAdvisoryNetworkBlock);
    return requested;
  }
  if (requested === 'windows-elevated') {
    checkElevatedBackend(resolved);
    return requested;
  }
  try {
    checkTokenBackend(resolved);
    checkTokenNetwork(policy, acceptAdvisoryNetworkBlock);
    return 'windows-token';
  } catch (tokenRefusal) {
    if (!isSandboxError(tokenRefusal)) throw tokenRefusal;
    // The elevated backend enforces a superset of the token's shapes, so when it refuses too its
    // reason is the one that blocks the policy on Windows at all.
    checkElevatedBackend(resolved);
    return 'windows-elevated';
  }
}
