// policy/resolve: resolvePolicy, the one resolve pipeline: any policy form plus a cwd and a host
// view in, the concrete resolved policy out (docs/reference.md#entry-resolution). Its options
// check and parse are the same for every platform; the path flavour then picks the stage that
// resolves the entries: POSIX (Linux, macOS) here, a ResolvedPolicy, or Windows drive and UNC
// paths (resolve-windows.ts), a WindowsResolvedPolicy. Pure apart from the injected read-only views.

import { PolicyInvalidError } from '../errors';
import { buildAccessIndex } from './access-index';
import { readableRoots, type RootContext, unreadableGlobs, unreadableRoots, writableRoots } from './effective-roots';
import { cachingHost } from './host-cache';
import { PLATFORM_DEFAULT_READ_ROOTS_LINUX } from './platform-defaults';
import { hasFullDiskRead, hasFullDiskWrite, includesPlatformDefaults } from './policy-predicates';
import { resolveAgainstBase } from './paths';
import { resolveCwd, resolveEntries } from './resolve-entries';
import { parsePolicyInput } from './parse-policy';
import { resolveWindowsPolicy, type WindowsResolvedPolicy, type WindowsResolveOptions } from './resolve-windows';
import type { Host, ResolvedPolicy } from './types';
import type { PolicyInput } from './wire-types';

/** Which paths a policy names: POSIX paths (Linux, macOS) or Windows drive and UNC paths. */
export type PathFlavour = 'posix' | 'windows';

/** resolvePolicy's options for the POSIX path flavour (the default). */
export interface ResolveOptions {
  flavour?: 'posix';
  cwd: string;
  host: Host;
  /** Project roots for `project_roots` entries; relative ones are joined to cwd. Default `[cwd]`. */
  workspaceRoots?: string[];
  /** What a readable `:minimal` stands for; default PLATFORM_DEFAULT_READ_ROOTS_LINUX. */
  platformDefaultReadRoots?: readonly string[];
}

/**
 * Resolves any policy form parsePolicyInput reads (a typed SandboxPolicy is checked strictly; a
 * legacy policy is projected at `opts.cwd`) against `opts.cwd`, with the rules of
 * `opts.flavour`. Bad input is a PolicyInvalidError.
 */
export function resolvePolicy(input: PolicyInput, opts: ResolveOptions): ResolvedPolicy;
export function resolvePolicy(input: PolicyInput, opts: WindowsResolveOptions): WindowsResolvedPolicy;
export function resolvePolicy(input: PolicyInput, opts: ResolveOptions | WindowsResolveOptions): ResolvedPolicy | WindowsResolvedPolicy;
export function resolvePolicy(input: PolicyInput, opts: ResolveOptions | WindowsResolveOptions): ResolvedPolicy | WindowsResolvedPolicy {
  if (opts === null || typeof opts !== 'object' || typeof opts.cwd !== 'string') {
    throw new PolicyInvalidError('resolvePolicy needs options with a cwd string; pass { cwd }', { path: ['cwd'], value: opts });
  }
  const flavour: unknown = opts.flavour ?? 'posix';
  if (flavour !== 'posix' && flavour !== 'windows') {
    throw new PolicyInvalidError(`unknown path flavour ${JSON.stringify(flavour)}; use posix or windows`, { path: ['flavour'], value: flavour });
  }
  const host = cachingHost(opts.host);
  if (opts.flavour === 'windows') {
    // A Windows cwd names no directory of this machine, so it is parsed by the Windows stage,
    // after the policy; a legacy policy is projected at it as given.
    const policy = parsePolicyInput(input, undefined, { cwd: opts.cwd, host });
    return resolveWindowsPolicy(policy, { cwd: opts.cwd, env: opts.env, host: opts.windowsHost });
  }
  return resolvePosix(input, opts, host);
}

function resolvePosix(input: PolicyInput, opts: ResolveOptions, host: Host): ResolvedPolicy {
  const cwd = resolveCwd(opts.cwd, host);
  const policy = parsePolicyInput(input, undefined, { cwd, host });
  const workspaceRoots = (opts.workspaceRoots ?? [cwd]).map((root, i) => {
    if (typeof root !== 'string' || root === '' || root.includes('\0')) {
      throw new PolicyInvalidError(`invalid workspace root ${JSON.stringify(root)}; pass a directory path`, {
        path: ['workspaceRoots', i],
        value: root,
      });
    }
    return resolveAgainstBase(root, cwd, host.homeDir());
  });
  const fs = policy.fileSystem;
  const base = { cwd, policy, workspaceRoots };
  if (fs.kind !== 'restricted') {
    return {
      ...base,
      entries: [],
      fullDiskRead: true,
      fullDiskWrite: true,
      includePlatformDefaults: false,
      readableRoots: [],
      writableRoots: [],
      unreadableRoots: [],
      unreadableGlobs: [],
      warnings: [],
      platformDefaultReadRoots: [],
      protectedPaths: [],
    };
  }
  const warnings: string[] = [];
  const { entries, globs } = resolveEntries(fs.entries, { cwd, host, workspaceRoots, warnings });
  const index = buildAccessIndex(entries);
  const ctx: RootContext = { cwd, host, entries, index, warnings, normalized: new Map() };
  // A project_roots subpath that fails validation resolves to a deny of the whole root (fail
  // closed), which the symbolic predicates cannot see; such a deny narrows full access too.
  const failClosedDeny = entries.some((entry) => entry.access === 'deny' && entry.origin.kind === 'entry' && entry.origin.entry.access !== 'deny');
  const fullDiskRead = hasFullDiskRead(fs) && !failClosedDeny;
  const fullDiskWrite = hasFullDiskWrite(fs) && !failClosedDeny;
  const includePlatformDefaults = includesPlatformDefaults(fs, fullDiskRead);
  const writable = fullDiskWrite ? { roots: [], protectedPaths: [] } : writableRoots(ctx);
  const platformDefaults = includePlatformDefaults ? (opts.platformDefaultReadRoots ?? PLATFORM_DEFAULT_READ_ROOTS_LINUX).filter((p) => host.stat(p) === 'dir') : [];
  const resolved: ResolvedPolicy = {
    ...base,
    entries,
    fullDiskRead,
    fullDiskWrite,
    includePlatformDefaults,
    readableRoots: fullDiskRead ? [] : readableRoots(ctx),
    writableRoots: writable.roots,
    unreadableRoots: unreadableRoots(ctx),
    unreadableGlobs: unreadableGlobs(globs),
    warnings,
    platformDefaultReadRoots: platformDefaults,
    protectedPaths: writable.protectedPaths,
  };
  if (fs.globScanMaxDepth !== undefined) resolved.globScanMaxDepth = fs.globScanMaxDepth;
  return resolved;
}
