// policy/policy-transforms: widening a policy by extra grants and choosing whether a platform
// sandbox is needed at all (docs/reference.md#effective-roots, #sandbox-selection), as pure functions over typed policies.

import { PolicyInvalidError } from '../errors';
import { buildAccessIndex, canWrite, resolveAccess } from './access-index';
import { hasFullDiskRead, hasFullDiskWrite } from './policy-predicates';
import { resolveAgainstBase } from './paths';
import { resolveCwd, resolveEntries } from './resolve-entries';
import { isOpenNetwork, isProxiedNetwork } from './network-predicates';
import type { FileSystemEntry, Host, NetworkPolicy, SandboxPolicy } from './types';
import { checkSandboxPolicy } from './typed-schema';

function withAdditionalRoots(policy: SandboxPolicy, cwd: string, roots: readonly string[], access: 'read' | 'write', host: Host): SandboxPolicy {
  const fs = policy.fileSystem;
  if (fs.kind !== 'restricted') return policy;
  if (access === 'read' ? hasFullDiskRead(fs) : hasFullDiskWrite(fs)) return policy;
  const base = resolveCwd(cwd, host);
  const entries = [...fs.entries];
  for (const root of roots) {
    const path = resolveAgainstBase(root, base, host.homeDir());
    const { entries: resolved } = resolveEntries(entries, { cwd: base, host, workspaceRoots: [base], warnings: [] });
    const index = buildAccessIndex(resolved);
    const already = access === 'read' ? resolveAccess(index, path) !== 'deny' : canWrite(index, path);
    if (!already) entries.push({ path: { type: 'path', path }, access });
  }
  return { ...policy, fileSystem: { ...fs, entries } };
}

/** with_additional_readable_roots: appends `root:read` for each root not already readable. */
export function withAdditionalReadableRoots(policy: SandboxPolicy, cwd: string, roots: readonly string[], host: Host): SandboxPolicy {
  checkSandboxPolicy(policy);
  return withAdditionalRoots(policy, cwd, roots, 'read', host);
}

/** with_additional_writable_roots: appends `root:write` for each root not already writable. */
export function withAdditionalWritableRoots(policy: SandboxPolicy, cwd: string, roots: readonly string[], host: Host): SandboxPolicy {
  checkSandboxPolicy(policy);
  return withAdditionalRoots(policy, cwd, roots, 'write', host);
}

export interface AdditionalPermissions {
  entries?: FileSystemEntry[];
  network?: NetworkPolicy;
}

/**
 * Per-command extra grants (policy_transforms): entries are appended to a restricted policy and
 * ignored for unrestricted or external ones; the network is enabled if either side enables it.
 * Glob grants must be deny, since a read or write glob cannot be enforced.
 */
export function withAdditionalPermissions(policy: SandboxPolicy, extra: AdditionalPermissions): SandboxPolicy {
  checkSandboxPolicy(policy);
  const entries = extra.entries ?? [];
  entries.forEach((entry, i) => {
    if (entry.path.type === 'glob_pattern' && entry.access !== 'deny') {
      throw new PolicyInvalidError('glob file system permissions only support deny-read entries', {
        path: ['entries', i],
        value: entry.path.pattern,
      });
    }
  });
  // An extra grant of the whole network opens a proxied base too; otherwise the base's network stays as it was.
  const network: NetworkPolicy = isOpenNetwork(policy.network) || isOpenNetwork(extra.network) ? 'enabled' : policy.network;
  const fs = policy.fileSystem;
  if (fs.kind !== 'restricted') return { fileSystem: fs, network };
  return { fileSystem: { ...fs, entries: [...fs.entries, ...entries] }, network };
}

export type SandboxPreference = 'auto' | 'require' | 'forbid';

/**
 * should_require_platform_sandbox: managed network requirements, or a restricted network with a
 * file system that is not externally sandboxed, or an enabled network with a restricted file
 * system that lacks full write. So danger-full-access with network needs no sandbox, and an
 * unrestricted file system with a restricted network needs a network-only one.
 */
export function shouldRequirePlatformSandbox(policy: SandboxPolicy, opts: { managedNetworkRequirements?: boolean } = {}): boolean {
  checkSandboxPolicy(policy);
  if (opts.managedNetworkRequirements === true || isProxiedNetwork(policy.network)) return true;
  const fs = policy.fileSystem;
  if (policy.network === 'restricted') return fs.kind !== 'external-sandbox';
  return fs.kind === 'restricted' && !hasFullDiskWrite(fs);
}

/** Whether the platform sandbox is used for a command, given the caller's preference. */
export function usesPlatformSandbox(policy: SandboxPolicy, preference: SandboxPreference, opts: { managedNetworkRequirements?: boolean } = {}): boolean {
  checkSandboxPolicy(policy);
  if (preference === 'forbid') return false;
  if (preference === 'require') return true;
  return shouldRequirePlatformSandbox(policy, opts);
}
