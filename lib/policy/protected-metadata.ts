// policy/protected-metadata: the metadata names protected under every writable root, and the
// default read-only subpaths of a writable root (docs/reference.md#protected-metadata).

import type { Host } from './types';
import { expandHome, isAbsolutePath, joinPath, normalizeAbsolute, parentPath } from './paths';

/**
 * Names protected under every writable root, whether or not they exist (Era C
 * `protected_metadata_names`). The reference build 0.169 protects `.aws` beside the three of
 * docs/reference.md#protected-metadata (the reference's test `sandbox_blocks_metadata_writes_inside_writable_root`), so
 * every list derived from protected names in this package iterates this one constant.
 */
export const PROTECTED_METADATA_NAMES: readonly string[] = Object.freeze(['.git', '.agents', '.codex', '.aws']);

export interface DefaultSubpath {
  path: string;
  /** The protected name the path belongs to (`.git` for the gitdir target as well). */
  name: string;
  /** 'gitdir' marks the resolved target of a `.git` pointer file, which may lie anywhere. */
  kind: 'name' | 'gitdir';
}

/**
 * Follows a `.git` pointer file (worktrees, submodules). Each failure adds the reference's
 * warning and yields no target, so a broken pointer protects only the pointer file itself.
 */
export function resolveGitdirPointer(gitFile: string, host: Host, warnings: string[]): string | undefined {
  const contents = host.readFile(gitFile);
  if (contents === undefined) {
    warnings.push(`Failed to read ${gitFile} for gitdir pointer`);
    return undefined;
  }
  const trimmed = contents.trim();
  const colon = trimmed.indexOf(':');
  if (colon < 0 || trimmed.slice(0, colon).trim() !== 'gitdir') {
    warnings.push(`Expected ${gitFile} to contain a gitdir pointer, but it did not match \`gitdir: <path>\`.`);
    return undefined;
  }
  const value = trimmed.slice(colon + 1).trim();
  if (value === '') {
    warnings.push(`Expected ${gitFile} to contain a gitdir pointer, but it was empty.`);
    return undefined;
  }
  const parent = parentPath(gitFile);
  if (parent === undefined) {
    warnings.push(`Unable to resolve parent directory for ${gitFile}.`);
    return undefined;
  }
  const expanded = expandHome(value, host.homeDir());
  const target = isAbsolutePath(expanded) ? normalizeAbsolute(expanded) : joinPath(parent, expanded);
  if (host.stat(target) === undefined) {
    warnings.push(`Resolved gitdir path ${target} does not exist.`);
    return undefined;
  }
  return target;
}

/**
 * The common directory of a linked worktree's gitdir: `<gitdir>/commondir` names it, relative to
 * the gitdir (git's own rule; `../..` for `<main>/.git/worktrees/<name>`). The main checkout's
 * `config` and `hooks` live there and git runs them for every worktree, so it is protected with
 * the gitdir (issue #20; the reference protects the gitdir only). A gitdir without `commondir`
 * (a submodule's), an empty one, or one naming nothing that exists gives no path and no warning:
 * git itself would not find a common dir there either.
 */
export function resolveGitCommonDir(gitdir: string, host: Host): string | undefined {
  const text = host.readFile(joinPath(gitdir, 'commondir'));
  const value = text?.trim();
  if (value === undefined || value === '') return undefined;
  const target = isAbsolutePath(value) ? normalizeAbsolute(value) : joinPath(gitdir, value);
  return host.stat(target) === 'dir' ? target : undefined;
}

/**
 * The default read-only subpaths of a writable root, in the reference's order: the gitdir target
 * of a `.git` pointer file (and its common dir, see resolveGitCommonDir), then `.git` (file or
 * directory, symlinks followed), then `.agents` if
 * it is a directory, `.codex` if it is a directory or `protectMissingCodex` (the root is cwd, so
 * creating `.codex` the first time still needs approval), and `.aws` if it is a directory.
 * Missing names are protected by name instead (Era C), not listed here.
 */
export function defaultReadOnlySubpaths(root: string, protectMissingCodex: boolean, host: Host, warnings: string[]): DefaultSubpath[] {
  const out: DefaultSubpath[] = [];
  const push = (item: DefaultSubpath): void => {
    if (!out.some((o) => o.path === item.path)) out.push(item);
  };
  for (const name of PROTECTED_METADATA_NAMES) {
    const path = joinPath(root, name);
    const kind = host.stat(path);
    if (name === '.git') {
      if (kind === 'file') {
        const target = resolveGitdirPointer(path, host, warnings);
        if (target !== undefined) {
          push({ path: target, name, kind: 'gitdir' });
          const common = resolveGitCommonDir(target, host);
          if (common !== undefined) push({ path: common, name, kind: 'gitdir' });
        }
      }
      if (kind === 'file' || kind === 'dir') push({ path, name, kind: 'name' });
    } else if (kind === 'dir' || (name === '.codex' && protectMissingCodex)) {
      push({ path, name, kind: 'name' });
    }
  }
  return out;
}
