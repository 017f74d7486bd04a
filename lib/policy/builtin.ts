// policy/builtin: the legacy `--sandbox` modes and the Era C built-in profiles
// (`:read-only`, `:workspace`, `:danger-full-access`, docs/reference.md#permission-profiles-in-config) as split policies.

import { PolicyInvalidError } from '../errors';
import { fromLegacySandboxPolicy } from './legacy-bridge';
import { isProxiedNetwork } from './network-predicates';
import { isAbsolutePath } from './paths';
import type { Host, NetworkPolicy, SandboxPolicy } from './types';

export type BuiltinPolicyName = 'read-only' | 'workspace-write' | 'danger-full-access';
export const BUILTIN_POLICY_NAMES: readonly BuiltinPolicyName[] = ['read-only', 'workspace-write', 'danger-full-access'];

export interface BuiltinPolicyOptions {
  /** Extra writable roots for workspace-write: absolute or `~/...`. */
  writableRoots?: string[];
  /** `true` or 'enabled' turns the network on; a proxied policy is kept as given. Default: restricted, except danger-full-access. */
  network?: boolean | NetworkPolicy;
  excludeTmpdirEnvVar?: boolean;
  excludeSlashTmp?: boolean;
}

/** A host with nothing on it: builtinPolicy's entries are symbolic and never look anything up. */
const PURE_HOST: Host = {
  processCwd: () => '/',
  homeDir: () => undefined,
  env: () => undefined,
  lstat: () => undefined,
  stat: () => undefined,
  realpath: () => undefined,
  readFile: () => undefined,
  readdir: () => undefined,
  isEmpty: () => false,
};

/**
 * A legacy `--sandbox` mode in its Era C split form: the conversion of the legacy policy the mode
 * names (docs/reference.md#legacy-conversion [C]). Symbolic entries only, so no cwd or host is needed.
 */
export function builtinPolicy(name: BuiltinPolicyName, opts: BuiltinPolicyOptions = {}): SandboxPolicy {
  const roots = opts.writableRoots ?? [];
  roots.forEach((root, i) => {
    if (typeof root !== 'string' || root.includes('\0') || !(isAbsolutePath(root) || root === '~' || root.startsWith('~/'))) {
      throw new PolicyInvalidError(`writable root ${JSON.stringify(root)} is not absolute; pass an absolute path or ~/...`, {
        path: ['writableRoots', i],
        value: root,
      });
    }
  });
  if (name !== 'workspace-write' && roots.length > 0) {
    throw new PolicyInvalidError(`writable roots need the workspace-write mode, not ${name}`, { value: roots });
  }
  const networkAccess = opts.network === 'enabled' || opts.network === true;
  if (isProxiedNetwork(opts.network)) return { ...builtinPolicy(name, { ...opts, network: 'restricted' }), network: opts.network };
  switch (name) {
    case 'danger-full-access':
      return { fileSystem: { kind: 'unrestricted' }, network: opts.network === undefined || networkAccess ? 'enabled' : 'restricted' };
    case 'read-only':
      return {
        fileSystem: { kind: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'read' }] },
        network: networkAccess ? 'enabled' : 'restricted',
      };
    case 'workspace-write':
      return fromLegacySandboxPolicy(
        {
          type: 'workspace-write',
          writableRoots: roots,
          readOnlyAccess: { type: 'full-access' },
          networkAccess,
          excludeTmpdirEnvVar: opts.excludeTmpdirEnvVar ?? false,
          excludeSlashTmp: opts.excludeSlashTmp ?? false,
        },
        '/',
        PURE_HOST,
      );
  }
}

export type BuiltinProfileName = ':read-only' | ':workspace' | ':danger-full-access';
export const BUILTIN_PROFILE_NAMES: readonly BuiltinProfileName[] = [':read-only', ':workspace', ':danger-full-access'];

/**
 * The Era C built-in permission profiles as the reference resolves them when selected by name:
 * `:workspace` is the legacy workspace-write conversion with default flags (temp dirs writable,
 * protected metadata read-only, missing ones skipped), whatever `[sandbox_workspace_write]` says.
 */
export function builtinProfilePolicy(name: BuiltinProfileName, network: NetworkPolicy = 'restricted'): SandboxPolicy {
  switch (name) {
    case ':danger-full-access':
      return builtinPolicy('danger-full-access');
    case ':read-only':
      return builtinPolicy('read-only', { network });
    case ':workspace':
      return builtinPolicy('workspace-write', { network });
  }
}
