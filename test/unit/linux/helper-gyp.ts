// The Linux builds of the helper and the addon as binding.gyp describes them: their sources and
// the compiler and linker flags, so tests can rebuild them exactly (for another architecture) or
// check their sources.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../../..');

interface GypTarget {
  target_name: string;
  cflags_cc?: string[];
  defines?: string[];
  conditions?: [string, { sources?: string[]; cflags_cc?: string[]; ldflags?: string[] }][];
}

export interface HelperBuild {
  sources: string[];
  cflags: string[];
  ldflags: string[];
}

/** binding.gyp is a Python literal; without its `#` comment lines it is JSON. */
function linuxBuild(name: string): HelperBuild {
  const text = readFileSync(join(REPO, 'binding.gyp'), 'utf8').replace(/^\s*#.*$/gm, '');
  const gyp = JSON.parse(text) as { variables: Record<string, string[]>; targets: GypTarget[] };
  const target = gyp.targets.find((t) => t.target_name === name);
  const linux = target?.conditions?.find(([cond]) => cond === "OS=='linux'")?.[1];
  if (target === undefined || linux === undefined) throw new Error(`binding.gyp has no Linux ${name} target`);
  const expand = (flags: string[]): string[] =>
    flags.flatMap((f) => {
      const m = /^<@\((\w+)\)$/.exec(f);
      return m === null ? [f] : gyp.variables[m[1]];
    });
  return {
    sources: linux.sources ?? [],
    // A checkout's build adds -Werror (binding.gyp "werror"), and tests run in a checkout.
    cflags: [...(target.defines ?? []).map((d) => `-D${d}`), ...expand([...(target.cflags_cc ?? []), ...(linux.cflags_cc ?? [])]), '-Werror'],
    ldflags: linux.ldflags ?? [],
  };
}

export function helperBuild(): HelperBuild {
  return linuxBuild('codex-sandbox-helper');
}

/**
 * The addon's build. node-gyp adds -fPIC and -shared for a loadable module, and the Node headers'
 * directory (`nodedir` in build/config.gypi, which the last node-gyp run wrote) for node_api.h.
 */
export function addonBuild(): HelperBuild & { nodeInclude: string } {
  const build = linuxBuild('codex_sandbox');
  const config = readFileSync(join(REPO, 'build', 'config.gypi'), 'utf8');
  const nodedir = /"nodedir": "([^"]+)"/.exec(config)?.[1];
  if (nodedir === undefined) throw new Error('build/config.gypi names no nodedir: run "npx node-gyp rebuild" first');
  const nodeInclude = join(nodedir, 'include', 'node');
  return { sources: build.sources, cflags: [...build.cflags, '-fPIC', `-I${nodeInclude}`], ldflags: ['-shared', ...build.ldflags], nodeInclude };
}
