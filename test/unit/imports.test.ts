// Enforces the module DAG of docs/architecture.md#folders: each lib/ module may import only what its row allows.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = resolve(__dirname, '../../lib');

/** The module a lib-relative file belongs to, e.g. "policy", "platform/linux", "errors". */
function moduleOf(file: string): string {
  const rel = relative(LIB, file).replace(/\\/g, '/');
  if (rel === 'errors.ts') return 'errors';
  // The addon lookup is the loader's own part, split out only to keep native.ts small.
  if (rel === 'native.ts' || rel === 'native-resolve.ts') return 'native';
  if (rel === 'package-root.ts') return 'package-root';
  if (rel === 'sha256.ts') return 'sha256';
  if (rel === 'index.ts') return 'index';
  if (rel === 'platform/linux/probe.ts') return 'platform/linux/probe';
  const parts = rel.split('/');
  if (parts[0] === 'platform') return parts.length > 2 ? `platform/${parts[1]}` : 'platform';
  return parts[0];
}

const ALLOWED: Record<string, string[]> = {
  errors: [],
  policy: ['errors'],
  config: ['policy', 'errors', 'sha256'],
  'platform/common': ['policy', 'errors'],
  'platform/linux': ['policy', 'errors', 'platform/common'],
  'platform/macos': ['policy', 'errors', 'platform/common'],
  'platform/windows': ['policy', 'errors', 'platform/common', 'sha256'],
  'platform/linux/probe': ['native', 'errors', 'platform/common', 'platform/linux'],
  // The dispatcher that picks a platform planner (pure; never spawns).
  platform: ['policy', 'errors', 'platform/common', 'platform/linux', 'platform/macos', 'platform/windows'],
  native: ['errors', 'package-root'],
  // The package's directory, for files beside the code (bin/, build/): a leaf like errors.
  'package-root': [],
  // SHA-256 without node:crypto (a start-up cost): a leaf like errors.
  sha256: [],
  spawn: ['policy', 'network', 'platform', 'platform/common', 'platform/linux', 'platform/linux/probe', 'platform/macos', 'platform/windows', 'native', 'errors', 'sha256'],
  'apply-patch': ['errors', 'spawn', 'policy', 'platform/common', 'package-root'],
  // The host-side network proxy: decisions come from policy/, nothing else of ours.
  network: ['policy', 'errors'],
  arg0: ['*'],
  cli: ['*'],
  index: ['*'],
};

const NODE_FORBIDDEN: Record<string, string[]> = {
  policy: ['node:child_process', 'child_process'],
  config: ['node:child_process', 'child_process'],
  'platform/common': ['node:child_process', 'child_process'],
  'platform/linux': ['node:child_process', 'child_process'],
  'platform/macos': ['node:child_process', 'child_process'],
  'platform/windows': ['node:child_process', 'child_process'],
  platform: ['node:child_process', 'child_process'],
  network: ['node:child_process', 'child_process'],
};

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...tsFiles(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) specs.push(m[1] ?? m[2] ?? m[3]);
  return specs;
}

function resolveLibImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next spelling
    }
  }
  return `${base}.ts`;
}

describe('module boundaries', () => {
  const files = tsFiles(LIB);

  it('every lib file belongs to a module of the table', () => {
    for (const file of files) expect(Object.keys(ALLOWED), relative(LIB, file)).toContain(moduleOf(file));
  });

  it('imports follow the DAG', () => {
    const bad: string[] = [];
    for (const file of files) {
      const from = moduleOf(file);
      const allowed = ALLOWED[from] ?? [];
      for (const spec of importsOf(file)) {
        if ((NODE_FORBIDDEN[from] ?? []).includes(spec)) bad.push(`${relative(LIB, file)} imports ${spec}`);
        const target = resolveLibImport(file, spec);
        // Files outside lib/ (package.json for the version) are data, not modules of the DAG.
        if (target === null || relative(LIB, target).startsWith('..')) continue;
        const to = moduleOf(target);
        if (to === from || allowed.includes('*') || allowed.includes(to)) continue;
        bad.push(`${relative(LIB, file)} (${from}) imports ${relative(LIB, target)} (${to})`);
      }
    }
    expect(bad).toEqual([]);
  });

  // Resolution, POSIX and Windows alike, sees the machine only through the view it is given.
  it('in policy/ only node-host.ts reads the file system', () => {
    const bad: string[] = [];
    for (const file of files) {
      if (moduleOf(file) !== 'policy' || relative(LIB, file).replace(/\\/g, '/') === 'policy/node-host.ts') continue;
      for (const spec of importsOf(file)) if (/^(?:node:)?fs(?:\/|$)/.test(spec)) bad.push(`${relative(LIB, file)} imports ${spec}`);
    }
    expect(bad).toEqual([]);
  });

  it('only lib/index.ts re-exports from other modules', () => {
    const bad: string[] = [];
    for (const file of files) {
      if (moduleOf(file) === 'index') continue;
      const text = readFileSync(file, 'utf8');
      const re = /export\s+(?:\*|\{[^}]*\}|type\s+\{[^}]*\})\s+from\s+['"]([^'"]+)['"]/g;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const target = resolveLibImport(file, m[1]);
        if (target !== null && moduleOf(target) !== moduleOf(file)) bad.push(`${relative(LIB, file)} re-exports ${m[1]}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
