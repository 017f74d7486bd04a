// policy/resolve-entries: turns symbolic entries into concrete absolute paths against a cwd
// (docs/reference.md#entry-resolution). Lexical only; the host is consulted for $TMPDIR, /tmp and skip-missing.

import { PolicyInvalidError } from '../errors';
import { entryLabel } from './entry-label';
import { expandHome, filesystemRoot, isAbsolutePath, isWithin, joinPath, normalizeAbsolute, resolveAgainstBase } from './paths';
import type { FileSystemEntry, Host, ResolvedEntry } from './types';

/** Prefix of a symbolic glob that is expanded once per project root (Era C). */
export const PROJECT_ROOTS_GLOB_PREFIX = 'codex-project-roots://';

export interface EntryContext {
  cwd: string;
  host: Host;
  workspaceRoots: string[];
  warnings: string[];
}

export interface ResolvedGlob {
  pattern: string;
  index: number;
}

/** Absolutizes a cwd: `~` expanded, a relative cwd joined to the process cwd (docs/reference.md#absolute-paths). */
export function resolveCwd(cwd: string, host: Host): string {
  if (typeof cwd !== 'string' || cwd === '' || cwd.includes('\0')) {
    throw new PolicyInvalidError(`invalid cwd ${JSON.stringify(cwd)}; pass an existing directory path`, {
      value: cwd,
    });
  }
  return resolveAgainstBase(cwd, host.processCwd(), host.homeDir());
}

/**
 * Checks a project_roots subpath: a descendant path of normal components only. Returns undefined
 * when it is acceptable.
 */
export function subpathProblem(subpath: string): string | undefined {
  if (subpath === '') return 'is empty';
  if (subpath.includes('\0')) return 'contains a NUL byte';
  if (isAbsolutePath(subpath) || subpath.startsWith('~')) return 'is absolute';
  const parts = subpath.split(/[\\/]/);
  if (parts.some((p) => p === '.' || p === '..')) return 'has `.` or `..` components';
  if (/^[A-Za-z]:/.test(subpath)) return 'has a drive prefix';
  return undefined;
}

function tmpdirPath(host: Host): string | undefined {
  const value = host.env('TMPDIR');
  if (value === undefined || value === '' || value.includes('\0')) return undefined;
  return resolveAgainstBase(value, host.processCwd(), undefined);
}

function resolveGlobPattern(pattern: string, ctx: EntryContext): string[] {
  if (pattern.startsWith(PROJECT_ROOTS_GLOB_PREFIX)) {
    const sub = pattern.slice(PROJECT_ROOTS_GLOB_PREFIX.length);
    return ctx.workspaceRoots.map((root) => (sub === '' ? root : `${root === '/' ? '' : root}/${sub}`));
  }
  const expanded = pattern.startsWith('~/') ? expandHome(pattern, ctx.host.homeDir()) : pattern;
  if (isAbsolutePath(expanded)) return [expanded];
  return [`${ctx.cwd === '/' ? '' : ctx.cwd}/${expanded}`];
}

/**
 * Resolves every entry, in input order. Entries that name no path (`:minimal`, unknown tokens,
 * unset $TMPDIR, missing /tmp, skip-missing paths that do not exist) are left out; globs are
 * returned separately. A project root expands to one entry per workspace root.
 */
export function resolveEntries(entries: readonly FileSystemEntry[], ctx: EntryContext): { entries: ResolvedEntry[]; globs: ResolvedGlob[] } {
  const out: ResolvedEntry[] = [];
  const globs: ResolvedGlob[] = [];
  const home = ctx.host.homeDir();
  let slashTmpIsDir: boolean | undefined;
  entries.forEach((entry, index) => {
    const label = entryLabel(entry);
    const push = (path: string, access = entry.access): void => {
      if (entry.missingPathBehavior === 'skip' && ctx.host.lstat(path) === undefined) return;
      out.push({ path, access, origin: { kind: 'entry', index, entry, label } });
    };
    const p = entry.path;
    switch (p.type) {
      case 'path': {
        const expanded = expandHome(p.path, home);
        if (!isAbsolutePath(expanded) || expanded.includes('\0')) {
          throw new PolicyInvalidError(`file system entry path ${JSON.stringify(p.path)} is not absolute; use an absolute path, ~/..., or a special path`, {
            path: ['entries', index, 'path', 'path'],
            value: p.path,
          });
        }
        push(normalizeAbsolute(expanded));
        return;
      }
      case 'glob_pattern': {
        if (entry.access !== 'deny') {
          ctx.warnings.push(`glob entry \`${p.pattern}\` with ${entry.access} access is ignored: glob entries only support deny access`);
          return;
        }
        for (const pattern of resolveGlobPattern(p.pattern, ctx)) globs.push({ pattern, index });
        return;
      }
      case 'special': {
        const value = p.value;
        switch (value.kind) {
          case 'root':
            push(filesystemRoot(ctx.cwd));
            return;
          case 'minimal':
            return;
          case 'project_roots': {
            for (const root of ctx.workspaceRoots) {
              if (value.subpath === undefined) {
                push(root);
                continue;
              }
              const problem = subpathProblem(value.subpath);
              const target = problem === undefined ? joinPath(root, value.subpath) : undefined;
              if (target !== undefined && isWithin(target, root) && target !== root) {
                push(target);
              } else if (entry.access === 'write') {
                // Dropping a write narrows access, which is the safe direction.
                ctx.warnings.push(`${label} ${problem ?? 'escapes its project root'}: the write entry is dropped`);
              } else {
                // A rejected read or deny must not widen access: deny the whole root (fail closed).
                ctx.warnings.push(`${label} ${problem ?? 'escapes its project root'}: denying ${root} instead`);
                out.push({ path: root, access: 'deny', origin: { kind: 'entry', index, entry, label } });
              }
            }
            return;
          }
          case 'tmpdir': {
            const tmp = tmpdirPath(ctx.host);
            if (tmp !== undefined) push(tmp);
            return;
          }
          case 'slash_tmp': {
            slashTmpIsDir ??= ctx.host.stat('/tmp') === 'dir';
            if (slashTmpIsDir) push('/tmp');
            return;
          }
          case 'unknown':
            ctx.warnings.push(`Configured filesystem path \`${label}\` is not recognized by this version of codex-sandbox and will be ignored.`);
            return;
        }
      }
    }
  });
  return { entries: out, globs };
}
