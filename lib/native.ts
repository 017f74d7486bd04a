// native: the only loader of the codex_sandbox addon, and the lookup of the helper executable
// that ships beside it. May import errors only.
//
// Nothing is loaded at import time: `plan` and `explain` never need native code, so a machine
// without a build can still use them. Resolution goes through node-gyp-build, so a matching
// prebuild in prebuilds/<platform>-<arch>/ is used unless build/Release (a local build) exists;
// node-gyp-build also honours CODEX_SANDBOX_PREBUILD (another directory) and PREBUILDS_ONLY.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { BackendUnavailableError } from './errors';
import { PACKAGE_ROOT } from './package-root';

/** A failed syscall, as the addon reports it. */
export interface NativeFailure {
  ok: false;
  call: string;
  errno: number;
}

export type LandlockAbiResult = { ok: true; abi: number } | NativeFailure;

export type SeccompAvailableResult =
  | {
      ok: true;
      /** prctl(PR_GET_SECCOMP): 0 when Node runs unfiltered, 2 under a filter (a container). */
      mode: number;
      /** SECCOMP_MODE_FILTER is supported. */
      filter: boolean;
      /** SECCOMP_RET_ERRNO and SECCOMP_RET_KILL_PROCESS, which the helper's filter uses. */
      errnoAction: boolean;
      killProcessAction: boolean;
    }
  | NativeFailure;

/** The addon's surface (native/linux/addon*.cc). Each call is synchronous and cheap. */
export interface NativeAddon {
  /** landlock_create_ruleset(NULL, 0, VERSION): ENOSYS = not implemented, EOPNOTSUPP = not enabled. */
  landlockAbi(): LandlockAbiResult;
  seccompAvailable(): SeccompAvailableResult;
  /** Replaces the Node process; returns only on failure. `env` holds `KEY=VALUE` strings. */
  execve(path: string, argv: string[], env: string[]): NativeFailure;
}

const ADDON_FUNCTIONS = ['landlockAbi', 'seccompAvailable', 'execve'] as const;

interface NodeGypBuild {
  path(dir: string): string;
}

function helperFileName(): string {
  return process.platform === 'win32' ? 'codex-sandbox-helper.exe' : 'codex-sandbox-helper';
}

/** Where node-gyp-build looks, in its order, for the messages. */
function searchedPaths(root: string): string[] {
  return [join(root, 'build', 'Release'), join(root, 'build', 'Debug'), join(root, 'prebuilds', `${process.platform}-${process.arch}`)];
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}

/**
 * Per root, the .node file found there: a launch asks twice (the helper beside it, then the
 * addon), and node-gyp-build reads package.json and lists directories each time. Only a file
 * found is remembered, so a build made later in the process is still found.
 */
const addonFiles = new Map<string, string>();

/** The .node file node-gyp-build would load from `root`, or a "not built" error. */
function resolveAddonFile(root: string): string {
  const known = addonFiles.get(root);
  if (known !== undefined) return known;
  const nodeGypBuild = require('node-gyp-build') as NodeGypBuild;
  try {
    const file = nodeGypBuild.path(root);
    addonFiles.set(root, file);
    return file;
  } catch (error) {
    const tried = searchedPaths(root);
    throw new BackendUnavailableError(
      `native addon codex_sandbox is not built: no .node file in ${tried.join(', ')}; ` + 'run "npm rebuild codex-sandbox" (or "npx node-gyp rebuild" in a checkout)',
      { details: { reason: 'not-built', tried }, cause: error },
    );
  }
}

/**
 * Loads the addon found under `root` without caching. For tests and tools that inspect another
 * installation; everything else calls `loadAddon()`.
 */
export function loadAddonFrom(root: string): NativeAddon {
  const file = resolveAddonFile(root);
  let addon: Record<string, unknown>;
  try {
    addon = require(file) as Record<string, unknown>;
  } catch (error) {
    throw new BackendUnavailableError(`native addon ${file} failed to load: ${firstLine(error)}; rebuild it with "npm rebuild codex-sandbox"`, {
      details: { reason: 'failed-to-load', path: file, tried: searchedPaths(root) },
      cause: error,
    });
  }
  const missing = ADDON_FUNCTIONS.filter((name) => typeof addon[name] !== 'function');
  if (missing.length > 0) {
    throw new BackendUnavailableError(`native addon ${file} failed to load: it lacks ${missing.join(', ')} (a stale build); ` + 'rebuild it with "npm rebuild codex-sandbox"', {
      details: { reason: 'failed-to-load', path: file, missing },
    });
  }
  return addon as unknown as NativeAddon;
}

/**
 * The helper executable beside the addon that `root` resolves to, without caching or loading the
 * addon. Throws BackendUnavailableError naming the path when it is missing or not executable.
 */
export function helperPathFrom(root: string): string {
  const addonFile = resolveAddonFile(root);
  const helper = join(dirname(addonFile), helperFileName());
  try {
    if (!statSync(helper).isFile()) throw new Error('not a regular file');
    accessSync(helper, constants.X_OK);
  } catch (error) {
    throw new BackendUnavailableError(
      `native helper ${helper} is not usable (${firstLine(error)}); it must sit beside ${addonFile}: ` +
        'run "npm rebuild codex-sandbox", or "npm run prebuild" to refresh prebuilds/',
      { details: { reason: 'helper-missing', path: helper, addon: addonFile }, cause: error },
    );
  }
  return helper;
}

export const WINDOWS_EXECUTABLES = ['codex-sandbox-helper.exe', 'codex-sandbox-setup.exe'] as const;

/**
 * The directory holding this installation's Windows executables: build/Release (a local
 * node-gyp build on Windows) or prebuilds/win32-<arch> (cross-compiled with mingw-w64 by
 * `npm run prebuild`). Unlike helperPath it needs no addon beside them: the Windows launch path
 * loads none. Throws BackendUnavailableError naming the directories it tried.
 */
export function windowsExecutablesDirFrom(root: string, arch: string = process.arch): string {
  const tried = [join(root, 'build', 'Release'), join(root, 'prebuilds', `win32-${arch}`)];
  for (const dir of tried) {
    try {
      if (WINDOWS_EXECUTABLES.every((name) => statSync(join(dir, name)).isFile())) return dir;
    } catch {
      // Not this one; try the next.
    }
  }
  throw new BackendUnavailableError(
    `the Windows executables (${WINDOWS_EXECUTABLES.join(', ')}) are not in ${tried.join(' or ')}; ` + 'reinstall codex-sandbox, or run "npm run prebuild:windows" in a checkout',
    { details: { reason: 'windows-executables-missing', tried } },
  );
}

let addonCache: { value: NativeAddon } | { error: unknown } | undefined;
let addonFileCache: { value: string } | { error: unknown } | undefined;
let helperCache: { value: string } | { error: unknown } | undefined;

function cached<T>(slot: { value: T } | { error: unknown }): T {
  if ('error' in slot) throw slot.error;
  return slot.value;
}

/** The addon of this installation, loaded once per process (a failure is remembered too). */
export function loadAddon(): NativeAddon {
  if (addonCache === undefined) {
    try {
      addonCache = { value: loadAddonFrom(PACKAGE_ROOT) };
    } catch (error) {
      addonCache = { error };
    }
  }
  return cached(addonCache);
}

/** The .node file this installation loads (build/Release or a prebuild), for doctor and tests. */
export function addonPath(): string {
  if (addonFileCache === undefined) {
    try {
      addonFileCache = { value: resolveAddonFile(PACKAGE_ROOT) };
    } catch (error) {
      addonFileCache = { error };
    }
  }
  return cached(addonFileCache);
}

/** Absolute path of this installation's helper executable, looked up once per process. */
export function helperPath(): string {
  if (helperCache === undefined) {
    try {
      helperCache = { value: helperPathFrom(PACKAGE_ROOT) };
    } catch (error) {
      helperCache = { error };
    }
  }
  return cached(helperCache);
}

/** This installation's Windows executables directory (windowsExecutablesDirFrom), looked up each call. */
export function windowsExecutablesDir(): string {
  return windowsExecutablesDirFrom(PACKAGE_ROOT);
}
