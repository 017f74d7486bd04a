// native: the only loader of the codex_sandbox addon, and the lookup of the helper executable
// that ships beside it. May import errors only.
//
// Nothing is loaded at import time: `plan` and `explain` never need native code, so a machine
// without a build can still use them. The addon is found by node-gyp-build's rules
// (native-resolve.ts), so a matching prebuild in prebuilds/<platform>-<arch>/ is used unless
// build/Release (a local build) exists; CODEX_SANDBOX_PREBUILD (another directory) and
// PREBUILDS_ONLY are honoured as node-gyp-build honours them.
//
// Every failure is a BackendUnavailableError whose message names the build and ends with the
// command that fixes it, and whose details.reason says which failure it is: `not-built`,
// `failed-to-load`, `stale` (a build of another native ABI, see native/common/native-abi.h),
// `helper-missing`, `libc-mismatch` (a prebuild tagged glibc on musl or the reverse: refused
// before it is loaded, since loading it could crash the process). The package's own prebuilds
// link no C library and carry no libc tag (node.napi.node), so they load on both; the tag check
// is for prebuilds from elsewhere (CODEX_SANDBOX_PREBUILD, an older release's).
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { BackendUnavailableError, isSandboxError, type SandboxError } from './errors';
import { type AddonSearch, addonSearch, findAddonFile, runningTarget, searchedDirs } from './native-resolve';
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

/** native/common/native-abi.h's CODEX_SANDBOX_NATIVE_ABI: the build this code was written for. */
export const NATIVE_ABI = 2;
const HELPER_ABI_MARKER = `codex-sandbox-native-abi=${NATIVE_ABI};`;

/**
 * The command that repairs a missing or stale build. An install with --ignore-scripts, or by
 * pnpm (which runs no build scripts until they are approved), has neither built the native parts
 * nor checked that a prebuild matches.
 */
export const NATIVE_FIX =
  'run "npm rebuild codex-sandbox" (pnpm: "pnpm approve-builds", then "pnpm rebuild codex-sandbox"; in a checkout: "npx node-gyp rebuild"); ' +
  'without a matching prebuild that builds from source, which needs python3, make and a C++ compiler';

export type Libc = 'glibc' | 'musl';

/**
 * The C library a process with these mappings (/proc/self/maps) runs on, or undefined when no
 * mapping says (a static Node). node-gyp-build alone looks for /etc/alpine-release, which other
 * musl distributions lack, so it would hand a musl Node a glibc-tagged prebuild. musl's loader is
 * its libc: Alpine maps /lib/ld-musl-<arch>.so.1, Debian's musl the file that links to,
 * /usr/lib/<arch>-linux-musl/libc.so.
 */
export function libcFromMaps(maps: string): Libc | undefined {
  if (/\/(ld-musl-[^/\s]*|libc\.musl-[^/\s]*|[^/\s]+-linux-musl[^/\s]*\/libc\.so)$/m.test(maps)) return 'musl';
  if (/\/(libc\.so\.6|libc-2\.[\d.]+\.so)$/m.test(maps)) return 'glibc';
  return undefined;
}

function runningLibc(): Libc {
  try {
    const libc = libcFromMaps(readFileSync('/proc/self/maps', 'utf8'));
    if (libc !== undefined) return libc;
  } catch {
    // No /proc: fall back to what node-gyp-build uses.
  }
  return existsSync('/etc/alpine-release') ? 'musl' : 'glibc';
}

/** The libc tag of a prebuild file name (`node.napi.glibc.node`), if it has one. */
function libcTag(file: string): Libc | undefined {
  const tags = basename(file).split('.');
  return tags.includes('musl') ? 'musl' : tags.includes('glibc') ? 'glibc' : undefined;
}

function helperFileName(): string {
  return process.platform === 'win32' ? 'codex-sandbox-helper.exe' : 'codex-sandbox-helper';
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}

/** The prebuilds for this platform and arch that are there but for the other C library. */
function otherLibcPrebuilds(root: string, libc: Libc): string[] {
  const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.node') && libcTag(name) !== undefined && libcTag(name) !== libc)
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

function libcMismatch(file: string, libc: Libc, tried: string[]): BackendUnavailableError {
  return new BackendUnavailableError(
    `native addon ${file} is built for ${libcTag(file)}, and this Node runs on ${libc}, so it is not loaded; no build for ${libc} is installed: ${NATIVE_FIX}`,
    { details: { reason: 'libc-mismatch', path: file, libc, tried, fix: NATIVE_FIX } },
  );
}

/**
 * Per root, the .node file found there: a launch asks twice (the helper beside it, then the
 * addon). Only a file found is remembered, so a build made later in the process is still found.
 */
const addonFiles = new Map<string, string>();

function searchIn(root: string): AddonSearch {
  let libc: Libc | undefined;
  // Only a prebuild search asks for the C library (reading /proc/self/maps), and then once.
  return addonSearch(root, process.env, () => {
    libc ??= process.platform === 'linux' ? runningLibc() : 'glibc';
    return runningTarget(libc);
  });
}

/** The .node file node-gyp-build's rules pick in `root`, or a "not built" (or wrong libc) error. */
function resolveAddonFile(root: string): string {
  const known = addonFiles.get(root);
  if (known !== undefined) return known;
  const search = searchIn(root);
  const file = findAddonFile(search);
  if (file === undefined) {
    const tried = searchedDirs(search);
    const { libc } = search.target();
    // A prebuild for the other C library is no match: name it rather than "not built".
    const other = process.platform === 'linux' ? otherLibcPrebuilds(search.dir, libc) : [];
    if (other.length > 0) throw libcMismatch(other[0]!, libc, tried);
    throw new BackendUnavailableError(`native addon codex_sandbox is not built: no .node file in ${tried.join(', ')}; ${NATIVE_FIX}`, {
      details: { reason: 'not-built', tried, fix: NATIVE_FIX },
    });
  }
  addonFiles.set(root, file);
  return file;
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
    throw new BackendUnavailableError(`native addon ${file} failed to load: ${firstLine(error)}; ${NATIVE_FIX}`, {
      details: { reason: 'failed-to-load', path: file, tried: searchedDirs(searchIn(root)), fix: NATIVE_FIX },
      cause: error,
    });
  }
  const missing = ADDON_FUNCTIONS.filter((name) => typeof addon[name] !== 'function');
  if (missing.length > 0 || addon.nativeAbi !== NATIVE_ABI) {
    const what = missing.length > 0 ? `it lacks ${missing.join(', ')}` : `its native ABI is ${String(addon.nativeAbi ?? 'older')}, not ${NATIVE_ABI}`;
    throw new BackendUnavailableError(`native addon ${file} is stale (${what}): it was built from other sources than this codex-sandbox; ${NATIVE_FIX}`, {
      details: { reason: 'stale', path: file, missing, fix: NATIVE_FIX },
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
  let text: string;
  try {
    if (!statSync(helper).isFile()) throw new Error('not a regular file');
    accessSync(helper, constants.X_OK);
    text = process.platform === 'linux' ? readFileSync(helper, 'latin1') : HELPER_ABI_MARKER;
  } catch (error) {
    throw new BackendUnavailableError(`native helper ${helper} is not usable (${firstLine(error)}); it must sit beside ${addonFile}: ${NATIVE_FIX}`, {
      details: { reason: 'helper-missing', path: helper, addon: addonFile, fix: NATIVE_FIX },
      cause: error,
    });
  }
  if (!text.includes(HELPER_ABI_MARKER)) {
    throw new BackendUnavailableError(
      `native helper ${helper} is stale: it does not carry native ABI ${NATIVE_ABI}, so it was built from other sources than this codex-sandbox; ${NATIVE_FIX}`,
      { details: { reason: 'stale', path: helper, addon: addonFile, fix: NATIVE_FIX } },
    );
  }
  return helper;
}

/**
 * Why this installation's native build cannot be used (the helper, then the addon), or null when
 * both load. Each is looked up once per process, so asking costs nothing after the first time.
 */
export function nativeBuildProblem(): SandboxError | null {
  for (const lookup of [helperPath, loadAddon]) {
    try {
      lookup();
    } catch (error) {
      if (isSandboxError(error)) return error;
      throw error;
    }
  }
  return null;
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
    `the Windows executables (${WINDOWS_EXECUTABLES.join(', ')}) are not in ${tried.join(' or ')}: the npm package does not ship them until they have run on Windows (README "Status per platform"); ` +
      'in a checkout, build them with "npm run prebuild:windows"',
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
