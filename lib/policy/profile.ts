// policy/profile: PermissionProfile <-> the split SandboxPolicy (docs/reference.md#policy-wire-forms).

import type { PermissionProfile, SandboxPolicy } from './types';
import { checkPermissionProfile, checkSandboxPolicy } from './typed-schema';

/** managed -> its file system and network; disabled -> unrestricted with network; external -> external. */
export function permissionProfileToPolicy(profile: PermissionProfile): SandboxPolicy {
  checkPermissionProfile(profile);
  switch (profile.type) {
    case 'disabled':
      return { fileSystem: { kind: 'unrestricted' }, network: 'enabled' };
    case 'external':
      return { fileSystem: { kind: 'external-sandbox' }, network: profile.network };
    case 'managed': {
      const fs = profile.fileSystem;
      if (fs.type === 'unrestricted') return { fileSystem: { kind: 'unrestricted' }, network: profile.network };
      const out: SandboxPolicy = { fileSystem: { kind: 'restricted', entries: fs.entries }, network: profile.network };
      if (fs.globScanMaxDepth !== undefined && out.fileSystem.kind === 'restricted') out.fileSystem.globScanMaxDepth = fs.globScanMaxDepth;
      return out;
    }
  }
}

/**
 * The inverse. An unrestricted file system with network is `disabled`, as the reference maps
 * DangerFullAccess; with a restricted network it stays a managed unrestricted profile (a
 * network-only sandbox).
 */
export function policyToPermissionProfile(policy: SandboxPolicy): PermissionProfile {
  checkSandboxPolicy(policy);
  const fs = policy.fileSystem;
  switch (fs.kind) {
    case 'external-sandbox':
      // The typed schema refuses a proxied network with an external sandbox; restricted is the narrower reading.
      return { type: 'external', network: policy.network === 'enabled' ? 'enabled' : 'restricted' };
    case 'unrestricted':
      return policy.network === 'enabled' ? { type: 'disabled' } : { type: 'managed', fileSystem: { type: 'unrestricted' }, network: policy.network };
    case 'restricted': {
      const fileSystem: { type: 'restricted'; entries: typeof fs.entries; globScanMaxDepth?: number } = {
        type: 'restricted',
        entries: fs.entries,
      };
      if (fs.globScanMaxDepth !== undefined) fileSystem.globScanMaxDepth = fs.globScanMaxDepth;
      return { type: 'managed', fileSystem, network: policy.network };
    }
  }
}
