// native-resolve: which .node file of an installation is the addon, by node-gyp-build's rules
// (the package's install step runs node-gyp-build, which decides from the same rules whether to
// build), written here so that a launch does not load node-gyp-build: requiring it and letting
// it read package.json cost about 2.5 ms of each start-up (docs/benchmarks.md#start-up).
// test/unit/native-resolve.test.ts holds the two to the same answer on generated layouts.
//
// Where this differs, it is on purpose: the runtime, platform, architecture and C library are the
// running process's own (node-gyp-build takes npm_config_arch, npm_config_platform, LIBC,
// ARM_VERSION and ELECTRON_RUN_AS_NODE from the environment, and guesses musl from
// /etc/alpine-release), and nothing is looked for beside the Node executable.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Libc } from './native';

/** What the running process is, as the tags of a prebuild's file name can name it. */
export interface AddonTarget {
  /** `node`, or `electron` / `node-webkit` when Node is embedded in one. */
  runtime: string;
  platform: string;
  arch: string;
  libc: Libc;
  /** process.versions.modules: the ABI of a non-Node-API build. */
  abi: string;
  /** The major version of libuv. */
  uv: string;
  /** The ARM architecture version ('8' on arm64), or '' elsewhere. */
  armv: string;
}

export interface AddonSearch {
  /** The installation's root, or the directory CODEX_SANDBOX_PREBUILD names instead. */
  dir: string;
  /** PREBUILDS_ONLY: skip build/Release and build/Debug. */
  prebuildsOnly: boolean;
  /** Asked only when prebuilds are searched: finding the C library reads /proc/self/maps. */
  target: () => AddonTarget;
}

/** The target of this process. */
export function runningTarget(libc: Libc): AddonTarget {
  const variables = (process.config as { variables?: { arm_version?: unknown } }).variables ?? {};
  const versions = process.versions as NodeJS.ProcessVersions & { electron?: string; nw?: string };
  return {
    runtime: versions.electron !== undefined ? 'electron' : versions.nw !== undefined ? 'node-webkit' : 'node',
    platform: process.platform,
    arch: process.arch,
    libc,
    abi: versions.modules,
    uv: (versions.uv ?? '').split('.')[0] ?? '',
    armv: process.arch === 'arm64' ? '8' : typeof variables.arm_version === 'string' ? variables.arm_version : '',
  };
}

/** Where an installation is searched, with the environment's two switches applied. */
export function addonSearch(root: string, env: NodeJS.ProcessEnv, target: () => AddonTarget): AddonSearch {
  return { dir: env.CODEX_SANDBOX_PREBUILD || root, prebuildsOnly: Boolean(env.PREBUILDS_ONLY), target };
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

interface Tags {
  file: string;
  runtime?: string;
  napi?: true;
  abi?: string;
  uv?: string;
  armv?: string;
  libc?: string;
  specificity: number;
}

/** `node.napi.glibc.node` -> its tags; words that are no tag are ignored, as node-gyp-build does. */
function tagsOf(file: string): Tags | undefined {
  const words = file.split('.');
  if (words.pop() !== 'node') return undefined;
  const tags: Tags = { file, specificity: 0 };
  for (const word of words) {
    if (word === 'node' || word === 'electron' || word === 'node-webkit') tags.runtime = word;
    else if (word === 'napi') tags.napi = true;
    else if (word.startsWith('abi')) tags.abi = word.slice(3);
    else if (word.startsWith('uv')) tags.uv = word.slice(2);
    else if (word.startsWith('armv')) tags.armv = word.slice(4);
    else if (word === 'glibc' || word === 'musl') tags.libc = word;
    else continue;
    tags.specificity++;
  }
  return tags;
}

function matches(tags: Tags, target: AddonTarget): boolean {
  // A Node-API build tagged `node` serves every runtime; so does an untagged one.
  if (tags.runtime !== undefined && tags.runtime !== target.runtime && !(tags.runtime === 'node' && tags.napi)) return false;
  // An empty version (`abi`, `uv`, `armv` alone) asks for nothing, as in node-gyp-build.
  if (tags.abi && tags.abi !== target.abi && !tags.napi) return false;
  if (tags.uv && tags.uv !== target.uv) return false;
  if (tags.armv && tags.armv !== target.armv) return false;
  if (tags.libc !== undefined && tags.libc !== target.libc) return false;
  return true;
}

/** node-gyp-build's precedence: this runtime named, then an ABI-specific build, then more tags. */
function precedence(runtime: string): (a: Tags, b: Tags) => number {
  return (a, b) => {
    if (a.runtime !== b.runtime) return a.runtime === runtime ? -1 : 1;
    if (a.abi !== b.abi) return a.abi ? -1 : 1;
    return b.specificity - a.specificity;
  };
}

/** The prebuilds directory for this platform and arch: `linux-x64`, else the fewest-arch `linux-x64+arm64`. */
function prebuildsDir(dir: string, target: AddonTarget): string | undefined {
  const tuples = list(join(dir, 'prebuilds')).flatMap((name) => {
    const parts = name.split('-');
    if (parts.length !== 2 || parts[0] === '') return [];
    const archs = parts[1]!.split('+');
    if (archs.some((arch) => arch === '')) return [];
    return parts[0] === target.platform && archs.includes(target.arch) ? [{ name, archs: archs.length }] : [];
  });
  // A stable sort, as node-gyp-build's: among equals, the first listed wins.
  tuples.sort((a, b) => a.archs - b.archs);
  return tuples[0] === undefined ? undefined : join(dir, 'prebuilds', tuples[0].name);
}

/** The directories searched, in order, for messages. */
export function searchedDirs(search: AddonSearch): string[] {
  const { dir, prebuildsOnly } = search;
  const target = search.target();
  const builds = prebuildsOnly ? [] : [join(dir, 'build', 'Release'), join(dir, 'build', 'Debug')];
  return [...builds, prebuildsDir(dir, target) ?? join(dir, 'prebuilds', `${target.platform}-${target.arch}`)];
}

/** The addon file, or undefined when no file in the searched directories matches. */
export function findAddonFile(search: AddonSearch): string | undefined {
  const { dir, prebuildsOnly } = search;
  if (!prebuildsOnly) {
    for (const build of [join(dir, 'build', 'Release'), join(dir, 'build', 'Debug')]) {
      const file = list(build).find((name) => name.endsWith('.node'));
      if (file !== undefined) return join(build, file);
    }
  }
  const target = search.target();
  const prebuilds = prebuildsDir(dir, target);
  if (prebuilds === undefined) return undefined;
  const candidates = list(prebuilds)
    .map(tagsOf)
    .filter((tags): tags is Tags => tags !== undefined && matches(tags, target));
  candidates.sort(precedence(target.runtime));
  return candidates[0] === undefined ? undefined : join(prebuilds, candidates[0].file);
}
