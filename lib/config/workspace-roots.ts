// config/workspace-roots: symbolic project-roots entries made concrete, as the reference reports
// them (compared with Codex 0.169.0, docs/config.md "Parity"). A permission profile binds its
// `:workspace_roots` entries to cwd where they stand and appends the extra roots of
// `[permissions.<name>.workspace_roots]` after every other entry; the legacy workspace-write mode
// treats its writable roots as project roots and expands each entry in place, root by root.
import { joinPath } from '../policy/paths';
import { PROTECTED_METADATA_NAMES } from '../policy/protected-metadata';
import { PROJECT_ROOTS_GLOB_PREFIX } from '../policy/resolve-entries';
import type { FileSystemEntry, FileSystemPath, SandboxPolicy } from '../policy/types';

/** The entry bound to `root`, or undefined when the entry does not name the project roots. */
function bindToRoot(entry: FileSystemEntry, root: string): FileSystemEntry | undefined {
  const p = entry.path;
  let path: FileSystemPath;
  if (p.type === 'special' && p.value.kind === 'project_roots') {
    path = { type: 'path', path: p.value.subpath === undefined ? root : joinPath(root, p.value.subpath) };
  } else if (p.type === 'glob_pattern' && p.pattern.startsWith(PROJECT_ROOTS_GLOB_PREFIX)) {
    path = { type: 'glob_pattern', pattern: `${root.replace(/[\\/]+$/, '')}/${p.pattern.slice(PROJECT_ROOTS_GLOB_PREFIX.length)}` };
  } else {
    return undefined;
  }
  return entry.missingPathBehavior === undefined ? { path, access: entry.access } : { path, access: entry.access, missingPathBehavior: entry.missingPathBehavior };
}

function withEntries(policy: SandboxPolicy, entries: FileSystemEntry[]): SandboxPolicy {
  return policy.fileSystem.kind === 'restricted' ? { ...policy, fileSystem: { ...policy.fileSystem, entries } } : policy;
}

/** A compiled permission profile: cwd in place, then each project-roots entry per extra root. */
export function materializeProfileRoots(policy: SandboxPolicy, cwd: string, extraRoots: readonly string[]): SandboxPolicy {
  const fs = policy.fileSystem;
  if (fs.kind !== 'restricted') return policy;
  const entries = fs.entries.map((entry) => bindToRoot(entry, cwd) ?? entry);
  for (const entry of fs.entries) {
    for (const root of extraRoots) {
      const bound = bindToRoot(entry, root);
      if (bound !== undefined) entries.push(bound);
    }
  }
  return withEntries(policy, entries);
}

function isProtectedMetadataEntry(entry: FileSystemEntry): boolean {
  const p = entry.path;
  return p.type === 'special' && p.value.kind === 'project_roots' && p.value.subpath !== undefined && PROTECTED_METADATA_NAMES.includes(p.value.subpath);
}

/**
 * The legacy workspace-write mode from its root-less conversion (builtinPolicy with no writable
 * roots): each writable root is written after the temp entries, before the protected metadata
 * reads, and every project-roots entry is then expanded in place for cwd and each writable root.
 */
export function materializeLegacyWorkspace(policy: SandboxPolicy, cwd: string, writableRoots: readonly string[]): SandboxPolicy {
  const fs = policy.fileSystem;
  if (fs.kind !== 'restricted') return policy;
  const firstProtected = fs.entries.findIndex(isProtectedMetadataEntry);
  const at = firstProtected === -1 ? fs.entries.length : firstProtected;
  const writes = writableRoots.map((root): FileSystemEntry => ({ path: { type: 'path', path: root }, access: 'write' }));
  const symbolic = [...fs.entries.slice(0, at), ...writes, ...fs.entries.slice(at)];
  const roots = [cwd, ...writableRoots];
  const entries = symbolic.flatMap((entry) => {
    const bound = roots.map((root) => bindToRoot(entry, root));
    return bound[0] === undefined ? [entry] : (bound as FileSystemEntry[]);
  });
  return withEntries(policy, entries);
}
