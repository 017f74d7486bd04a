// Shared policy and environment fixtures for the Windows planner tests.
import type { FileSystemAccessMode, FileSystemEntry, SandboxPolicy } from '../../../lib/policy/types';
import type { WindowsHostView } from '../../../lib/policy/windows-host';

export const CWD = 'C:\\w';
export const TEMP = 'C:\\Users\\me\\AppData\\Local\\Temp';
export const ENV: Record<string, string> = { TEMP, TMP: TEMP, USERPROFILE: 'C:\\Users\\me' };

export const root = (access: FileSystemAccessMode): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'root' } }, access });
export const minimal = (access: FileSystemAccessMode = 'read'): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'minimal' } }, access });
export const cwdEntry = (access: FileSystemAccessMode, subpath?: string): FileSystemEntry => ({
  path: { type: 'special', value: subpath === undefined ? { kind: 'project_roots' } : { kind: 'project_roots', subpath } },
  access,
});
export const tmpdir = (access: FileSystemAccessMode = 'write'): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'tmpdir' } }, access });
export const slashTmp = (access: FileSystemAccessMode = 'write'): FileSystemEntry => ({ path: { type: 'special', value: { kind: 'slash_tmp' } }, access });
export const path = (p: string, access: FileSystemAccessMode): FileSystemEntry => ({ path: { type: 'path', path: p }, access });
export const glob = (pattern: string): FileSystemEntry => ({ path: { type: 'glob_pattern', pattern }, access: 'deny' });

export function restricted(entries: FileSystemEntry[], network: 'restricted' | 'enabled' = 'enabled'): SandboxPolicy {
  return { fileSystem: { kind: 'restricted', entries }, network };
}

/** Legacy read-only (full read) as the policy core projects it. */
export const READ_ONLY = (network: 'restricted' | 'enabled' = 'enabled'): SandboxPolicy => restricted([root('read')], network);

/** Legacy workspace-write (full read) with TEMP writable, the reference's default layout. */
export const WORKSPACE_WRITE = (extra: FileSystemEntry[] = [], network: 'restricted' | 'enabled' = 'enabled'): SandboxPolicy =>
  restricted([root('read'), cwdEntry('write'), slashTmp(), tmpdir(), ...extra], network);

/** A fake Windows host: a set of existing paths (case-insensitive), with optional final-path aliases. */
export function fakeHost(dirs: string[], files: string[] = [], aliases: Record<string, string> = {}): WindowsHostView {
  const norm = (p: string): string => p.replace(/\\+$/, '').toUpperCase();
  const dirSet = new Set(dirs.map(norm));
  const fileSet = new Set(files.map(norm));
  const aliasMap = new Map(Object.entries(aliases).map(([k, v]) => [norm(k), v]));
  const kind = (p: string): 'file' | 'dir' | undefined => (dirSet.has(norm(p)) ? 'dir' : fileSet.has(norm(p)) ? 'file' : undefined);
  return {
    kind,
    finalPath: (p) => aliasMap.get(norm(p)) ?? (kind(p) !== undefined ? p.replace(/\\+$/, '') || p : undefined),
    listDir: (p) => {
      if (!dirSet.has(norm(p))) return undefined;
      const prefix = `${norm(p)}\\`;
      const names = new Set<string>();
      for (const q of [...dirs, ...files]) {
        if (norm(q).startsWith(prefix)) {
          const rest = q.replace(/\\+$/, '').slice(prefix.length);
          if (rest !== '' && !rest.includes('\\')) names.add(rest);
        }
      }
      return [...names];
    },
    readText: () => undefined,
  };
}

export const PROFILE = { permission_profile: 'fixture' };
