// config/trusted-config-guard: keeps a sandbox from rewriting the `.codex` config of a trusted
// project that lies inside one of its writable roots (issue #20). The policy protects `.codex`
// only directly under each writable root, so `--writable-root ~` left a trusted `~/proj/.codex`
// writable, and the next session in `~/proj` would load what the sandbox wrote there. Pure.
import * as nodePath from 'node:path';

import { isWithin } from '../policy/paths';
import type { FileSystemEntry, SandboxPolicy } from '../policy/types';
import { isTable, type TomlTable } from './toml-source';

/** Directories `[projects."<dir>"]` marks trusted, absolute. */
function trustedProjects(merged: TomlTable): string[] {
  const projects = isTable(merged.projects) ? merged.projects : {};
  return Object.entries(projects)
    .filter(([dir, entry]) => isTable(entry) && entry.trust_level === 'trusted' && nodePath.posix.isAbsolute(dir))
    .map(([dir]) => nodePath.posix.normalize(dir).replace(/(.)\/$/, '$1'));
}

/**
 * The lexical directory a write entry grants, when it names one without the host: a path or
 * `/tmp`. `$TMPDIR` needs the environment; the cwd and project roots are paths by now
 * (workspace-roots.ts binds them).
 */
function writeDir(entry: FileSystemEntry): string | undefined {
  if (entry.access !== 'write') return undefined;
  if (entry.path.type === 'path') return nodePath.posix.normalize(entry.path.path).replace(/(.)\/$/, '$1');
  if (entry.path.type === 'special' && entry.path.value.kind === 'slash_tmp') return '/tmp';
  return undefined;
}

/**
 * The policy with a read-only entry for `<project>/.codex` for every trusted project strictly
 * inside a writable directory of a restricted policy, unless an entry already names that `.codex`
 * or something below it. The entry has no `skip`: a missing `.codex` is masked, so it cannot be
 * created either. A project that is itself a writable root already has its `.codex` protected.
 * Whole-disk write and Windows policies are returned as they are (such a sandbox writes anything,
 * and Windows paths are not compared here).
 */
export function protectTrustedProjectConfigs(policy: SandboxPolicy, merged: TomlTable, windows: boolean): SandboxPolicy {
  const fs = policy.fileSystem;
  if (windows || fs.kind !== 'restricted') return policy;
  if (fs.entries.some((e) => e.access === 'write' && e.path.type === 'special' && e.path.value.kind === 'root')) return policy;
  const writable = fs.entries.map(writeDir).filter((d): d is string => d !== undefined);
  const named = fs.entries.flatMap((e) => (e.path.type === 'path' ? [nodePath.posix.normalize(e.path.path)] : []));
  const added: FileSystemEntry[] = [];
  for (const project of trustedProjects(merged)) {
    const dotCodex = nodePath.posix.join(project, '.codex');
    // A project that is a writable root itself has its `.codex` protected by the policy core.
    if (writable.includes(project) || !writable.some((dir) => project !== dir && isWithin(project, dir))) continue;
    if (named.some((p) => isWithin(p, dotCodex))) continue;
    added.push({ path: { type: 'path', path: dotCodex }, access: 'read' });
    named.push(dotCodex);
  }
  if (added.length === 0) return policy;
  return { ...policy, fileSystem: { ...fs, entries: [...fs.entries, ...added] } };
}
