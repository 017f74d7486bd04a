// policy/builtin: the legacy `--sandbox` modes and the Era C built-in profiles
// (`:read-only`, `:workspace`, `:danger-full-access`, policy-model §7.3) as split policies.

import { PolicyInvalidError } from '../errors';
import { fromLegacySandboxPolicy } from './legacy-bridge';
import { PROTECTED_METADATA_NAMES } from './protected-metadata';
import { isAbsolutePath } from './paths';
import type { FileSystemEntry, HostView, NetworkPolicy, SandboxPolicy } from './types';

export type BuiltinPolicyName = 'read-only' | 'workspace-write' | 'danger-full-access';
export const BUILTIN_POLICY_NAMES: readonly BuiltinPolicyName[] = ['read-only', 'workspace-write', 'danger-full-access'];

export interface BuiltinPolicyOptions {
  /** Extra writable roots for workspace-write: absolute or `~/...`. */
  writableRoots?: string[];
  /** `true` or 'enabled' turns the network on. Default: restricted, except danger-full-access. */
  network?: boolean | NetworkPolicy;
  excludeTmpdirEnvVar?: boolean;
  excludeSlashTmp?: boolean;
}

/** A host with nothing on it: builtinPolicy's entries are symbolic and never look anything up. */
const PURE_HOST: HostView = {
  processCwd: () => '/',
  homeDir: () => undefined,
  env: () => undefined,
  lstat: () => undefined,
  stat: () => undefined,
  realpath: () => undefined,
  readFile: () => undefined,
};

/**
 * A legacy `--sandbox` mode in its Era C split form: the conversion of the legacy policy the mode
 * names (policy-model §4.1 [C]). Symbolic entries only, so no cwd or host is needed.
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

function special(kind: 'root' | 'slash_tmp' | 'tmpdir', access: 'read' | 'write'): FileSystemEntry {
  return { path: { type: 'special', value: { kind } }, access };
}

/**
 * The Era C built-in permission profiles as compiled from their TOML expansions (§7.3): keys in
 * TOML order (`:root`, `:slash_tmp`, `:tmpdir`, `:workspace_roots`), with one read entry per
 * protected metadata name. `network` comes from `[sandbox_workspace_write]` or the CLI.
 */
export function builtinProfilePolicy(name: BuiltinProfileName, network: NetworkPolicy = 'restricted'): SandboxPolicy {
  switch (name) {
    case ':danger-full-access':
      return { fileSystem: { kind: 'unrestricted' }, network: 'enabled' };
    case ':read-only':
      return { fileSystem: { kind: 'restricted', entries: [special('root', 'read')] }, network };
    case ':workspace':
      return {
        fileSystem: {
          kind: 'restricted',
          entries: [
            special('root', 'read'),
            special('slash_tmp', 'write'),
            special('tmpdir', 'write'),
            { path: { type: 'special', value: { kind: 'project_roots' } }, access: 'write' },
            ...PROTECTED_METADATA_NAMES.map(
              (subpath): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'project_roots', subpath } }, access: 'read' }),
            ),
          ],
        },
        network,
      };
  }
}
