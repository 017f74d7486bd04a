// config/workspace-roots: extra project roots from `[permissions.<name>.workspace_roots]`
// (policy-model §2.1 [C]). Planners resolve `project_roots` against cwd only, so each symbolic
// project-roots entry is followed by one concrete entry per extra root, ordered by entry, then by
// root, as the reference's materialize_project_roots_* functions order them.
import { joinPath } from '../policy/paths';
import { PROJECT_ROOTS_GLOB_PREFIX } from '../policy/resolve-entries';
import type { FileSystemEntry, SandboxPolicy } from '../policy/types';

export function materializeExtraRoots(policy: SandboxPolicy, extraRoots: readonly string[]): SandboxPolicy {
  const fs = policy.fileSystem;
  if (fs.kind !== 'restricted' || extraRoots.length === 0) return policy;
  const entries: FileSystemEntry[] = [];
  for (const entry of fs.entries) {
    entries.push(entry);
    const p = entry.path;
    for (const root of extraRoots) {
      const copy = (path: FileSystemEntry['path']): FileSystemEntry =>
        entry.missingPathBehavior === undefined ? { path, access: entry.access } : { path, access: entry.access, missingPathBehavior: entry.missingPathBehavior };
      if (p.type === 'special' && p.value.kind === 'project_roots') {
        entries.push(copy({ type: 'path', path: p.value.subpath === undefined ? root : joinPath(root, p.value.subpath) }));
      } else if (p.type === 'glob_pattern' && p.pattern.startsWith(PROJECT_ROOTS_GLOB_PREFIX)) {
        const sub = p.pattern.slice(PROJECT_ROOTS_GLOB_PREFIX.length);
        entries.push(copy({ type: 'glob_pattern', pattern: `${root.replace(/[\\/]+$/, '')}/${sub}` }));
      }
    }
  }
  return { ...policy, fileSystem: { ...fs, entries } };
}
