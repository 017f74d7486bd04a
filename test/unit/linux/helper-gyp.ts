// The helper's Linux build as binding.gyp describes it: its sources and the compiler and linker
// flags, so tests can rebuild it exactly (for another architecture) or check its sources.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../../..');

interface GypTarget {
  target_name: string;
  cflags_cc?: string[];
  conditions?: [string, { sources?: string[]; cflags_cc?: string[]; ldflags?: string[] }][];
}

export interface HelperBuild {
  sources: string[];
  cflags: string[];
  ldflags: string[];
}

/** binding.gyp is a Python literal; without its `#` comment lines it is JSON. */
export function helperBuild(): HelperBuild {
  const text = readFileSync(join(REPO, 'binding.gyp'), 'utf8').replace(/^\s*#.*$/gm, '');
  const gyp = JSON.parse(text) as { variables: Record<string, string[]>; targets: GypTarget[] };
  const target = gyp.targets.find((t) => t.target_name === 'codex-sandbox-helper');
  const linux = target?.conditions?.find(([cond]) => cond === "OS=='linux'")?.[1];
  if (target === undefined || linux === undefined) throw new Error('binding.gyp has no Linux codex-sandbox-helper target');
  const expand = (flags: string[]): string[] =>
    flags.flatMap((f) => {
      const m = /^<@\((\w+)\)$/.exec(f);
      return m === null ? [f] : gyp.variables[m[1]];
    });
  return {
    sources: linux.sources ?? [],
    // A checkout's build adds -Werror (binding.gyp "werror"), and tests run in a checkout.
    cflags: [...expand([...(target.cflags_cc ?? []), ...(linux.cflags_cc ?? [])]), '-Werror'],
    ldflags: linux.ldflags ?? [],
  };
}
