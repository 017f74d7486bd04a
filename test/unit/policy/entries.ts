// Short constructors for policy entries in tests.
import type { FileSystemAccessMode, FileSystemEntry, LegacySandboxPolicy, NetworkPolicy, SandboxPolicy } from '../../../lib/policy/types';

type A = FileSystemAccessMode;

export const e = {
  root: (access: A): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'root' } }, access }),
  minimal: (access: A): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'minimal' } }, access }),
  cwd: (access: A): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'project_roots' } }, access }),
  sub: (subpath: string, access: A, skip = false): FileSystemEntry => ({
    path: { type: 'special', value: { kind: 'project_roots', subpath } },
    access,
    ...(skip ? { missingPathBehavior: 'skip' as const } : {}),
  }),
  tmpdir: (access: A): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'tmpdir' } }, access }),
  slashTmp: (access: A): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'slash_tmp' } }, access }),
  unknown: (token: string, access: A): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'unknown', path: token } }, access }),
  path: (path: string, access: A, skip = false): FileSystemEntry => ({
    path: { type: 'path', path },
    access,
    ...(skip ? { missingPathBehavior: 'skip' as const } : {}),
  }),
  glob: (pattern: string): FileSystemEntry => ({ path: { type: 'glob_pattern', pattern }, access: 'deny' }),
};

export function restricted(entries: FileSystemEntry[], network: NetworkPolicy = 'restricted'): SandboxPolicy {
  return { fileSystem: { kind: 'restricted', entries }, network };
}

type LegacyWorkspaceWrite = Extract<LegacySandboxPolicy, { type: 'workspace-write' }>;

/** A legacy workspace-write policy: the reference's defaults, overridden field by field. */
export function legacyWorkspaceWrite(over: Partial<LegacyWorkspaceWrite> = {}): LegacySandboxPolicy {
  return {
    type: 'workspace-write',
    writableRoots: [],
    readOnlyAccess: { type: 'full-access' },
    networkAccess: false,
    excludeTmpdirEnvVar: false,
    excludeSlashTmp: false,
    ...over,
  };
}
