// Spawn-to-exit latency of `true` from a warm Node process, per Linux backend, against bare
// spawn and a raw bwrap with the same mounts (read-only, and the workspace-write shape users run
// most: `.git` read-only, the three missing protected names masked, their mount targets removed
// after each run). afterAll prints the median, p95 and the ratios the project tracks
// (docs/benchmarks.md). Run with `npm run bench`; never part of `npm test`.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';

import type { BackendName } from '../../lib/platform/common/types';
import { probeCapabilities } from '../../lib/platform/linux/probe';
import { planSandbox } from '../../lib/platform/plan-sandbox';
import { hostPrepRegistryDir } from '../../lib/spawn/host-prep';
import { spawnSandboxed } from '../../lib/spawn/spawn-sandboxed';
import { seededShuffler } from './seeded-shuffle';

const TRUE = '/bin/true';
const caps = process.platform === 'linux' ? probeCapabilities() : null;
const workspace = mkdtempSync(join(tmpdir(), 'csbx-bench-'));
// A repository: `.git` exists (bound read-only), `.codex`, `.agents` and `.aws` do not (masked).
mkdirSync(join(workspace, '.git'));
writeFileSync(join(workspace, '.git', 'HEAD'), 'ref: refs/heads/main\n');
const rootRead = { path: { type: 'special', value: { kind: 'root' } }, access: 'read' };
const readOnly = { type: 'managed', file_system: { type: 'restricted', entries: [rootRead] }, network: 'restricted' };
const workspaceWrite = {
  type: 'managed',
  file_system: { type: 'restricted', entries: [rootRead, { path: { type: 'path', path: workspace }, access: 'write' }] },
  network: 'restricted',
};
// seccomp alone runs only with the network on (issue #20).
const networkOnly = { type: 'managed', file_system: { type: 'unrestricted' }, network: 'enabled' };

const samples: Record<string, number[]> = {};
/** Variant names in the order they are declared, for the table (they run shuffled). */
const declared: string[] = [];

function waitExit(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
  });
}

async function timed(name: string, run: () => ReturnType<typeof spawn>): Promise<void> {
  const start = performance.now();
  // vitest's bench swallows a failed round: say which variant failed.
  const fail = (err: Error): never => {
    process.stderr.write(`bench variant "${name}" failed: ${err.message}\n`);
    throw err;
  };
  let child: ReturnType<typeof spawn>;
  try {
    child = run();
  } catch (err) {
    fail(err as Error);
  }
  await waitExit(child!).catch(fail);
  (samples[name] ??= []).push(performance.now() - start);
}

function rawBwrapPlan(policy: unknown): { argv: string[]; targets: { path: string; kind: 'file' | 'dir' }[] } {
  // The bubblewrap backend's own argv with the helper stage cut out: the same mounts and
  // namespaces, `true` run directly.
  const plan = planSandbox(policy, {
    platform: 'linux',
    cwd: workspace,
    capabilities: caps!,
    backend: 'bwrap',
    command: [TRUE],
    hiddenPaths: [hostPrepRegistryDir()],
  });
  const sep = plan.argv.indexOf('--');
  // bwrap makes the mask mount points in the bound workspace; the baseline removes them after
  // each run as the library does, deepest first.
  const targets = [...plan.hostPrep].reverse();
  return { argv: [...plan.argv.slice(0, sep), '--', TRUE], targets };
}

function rawBwrap(policy: unknown): () => ReturnType<typeof spawn> {
  const { argv, targets } = rawBwrapPlan(policy);
  return () => {
    const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
    child.once('exit', () => {
      for (const target of targets) removeTarget(target);
    });
    return child;
  };
}

function removeTarget(target: { path: string; kind: 'file' | 'dir' }): void {
  try {
    if (target.kind === 'dir') rmdirSync(target.path);
    else unlinkSync(target.path);
  } catch {
    // Already gone.
  }
}

function sandboxed(policy: unknown | (() => unknown), backend: BackendName): () => ReturnType<typeof spawn> {
  return () => spawnSandboxed([TRUE], { permissionProfile: typeof policy === 'function' ? policy() : policy, backend, cwd: workspace, stdio: 'ignore', capabilities: caps! });
}

let launch = 0;
/** A read-only policy no earlier launch used (one more missing read root), so nothing is reused. */
function newReadOnlyPolicy(): unknown {
  const fresh = { path: { type: 'path', path: join(workspace, `never-${launch++}`) }, access: 'read' };
  return { type: 'managed', file_system: { type: 'restricted', entries: [rootRead, fresh] }, network: 'restricted' };
}

/** The Landlock backend's own argv for `true`, spawned without the library: the helper's share. */
function landlockHelperArgv(): string[] {
  const plan = planSandbox(readOnly, { platform: 'linux', cwd: workspace, capabilities: caps!, backend: 'landlock', command: [TRUE] });
  return plan.argv;
}

// One bench that runs every variant once per round: all variants see the same machine load, so
// their ratios stay meaningful on a busy host (CI runners, shared dev boxes).
describe.runIf(caps !== null && caps.helperPath !== null)('spawn-to-exit of true', () => {
  const variants: [string, () => ReturnType<typeof spawn>][] = [['bare spawn', () => spawn(TRUE, [], { stdio: 'ignore' })]];
  if (caps?.bwrap) {
    variants.push(['raw bwrap', rawBwrap(readOnly)]);
    variants.push(['raw bwrap, workspace', rawBwrap(workspaceWrite)]);
    variants.push(['bwrap backend', sandboxed(readOnly, 'bwrap')]);
    variants.push(['bwrap backend, workspace', sandboxed(workspaceWrite, 'bwrap')]);
  }
  if (caps?.namespaces.usable) {
    variants.push(['namespaces backend', sandboxed(readOnly, 'namespaces')]);
    variants.push(['namespaces backend, workspace', sandboxed(workspaceWrite, 'namespaces')]);
  }
  if (caps?.landlock.status === 'available') {
    const helperArgv = landlockHelperArgv();
    variants.push(['landlock backend', sandboxed(readOnly, 'landlock')]);
    variants.push(['landlock, new policy', sandboxed(newReadOnlyPolicy, 'landlock')]);
    variants.push(['landlock helper alone', () => spawn(helperArgv[0], helperArgv.slice(1), { stdio: 'ignore' })]);
  }
  variants.push(['seccomp only', sandboxed(networkOnly, 'seccomp')]);
  declared.push(...variants.map(([name]) => name));
  // The order is shuffled every round. A bwrap run leaves namespace teardown to the kernel for a
  // moment after it exits, and whichever variant came next would pay for it; rotating a fixed
  // order is not enough, since every variant would then still follow the same neighbour (the
  // Landlock variant always followed the heaviest bwrap one and measured 1.63x instead of 1.37x).
  const shuffle = seededShuffler(0x2545f491);
  bench(
    `one round: ${variants.map(([name]) => name).join(', ')}`,
    async () => {
      const order = shuffle(variants);
      for (const [name, run] of order) await timed(name, run);
    },
    { time: 20_000, warmupTime: 500 },
  );
});

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
}

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
  const rows = declared
    .filter((name) => samples[name] !== undefined)
    .map((name) => {
      const sorted = [...samples[name]].sort((a, b) => a - b);
      return { name, n: sorted.length, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
    });
  const median = (name: string): number | undefined => rows.find((r) => r.name === name)?.median;
  const lines = ['', 'variant                         n   median ms   p95 ms'];
  for (const r of rows) lines.push(`${r.name.padEnd(30)} ${String(r.n).padStart(4)} ${r.median.toFixed(2).padStart(10)} ${r.p95.toFixed(2).padStart(8)}`);
  const ratio = (a: string, b: string): string => {
    const x = median(a);
    const y = median(b);
    return x === undefined || y === undefined ? 'n/a' : `${(x / y).toFixed(2)}x`;
  };
  lines.push(`namespaces backend / raw bwrap (target <= 0.8x): ${ratio('namespaces backend', 'raw bwrap')}`);
  lines.push(`namespaces backend, workspace / raw bwrap, workspace (target <= 1.0x): ${ratio('namespaces backend, workspace', 'raw bwrap, workspace')}`);
  lines.push(`bubblewrap backend / raw bwrap (target <= 1.15x): ${ratio('bwrap backend', 'raw bwrap')}`);
  lines.push(`bubblewrap backend, workspace / raw bwrap, workspace (target <= 1.15x): ${ratio('bwrap backend, workspace', 'raw bwrap, workspace')}`);
  lines.push(`Landlock backend / bare spawn (target <= 1.6x): ${ratio('landlock backend', 'bare spawn')}`);
  lines.push(`Landlock, new policy / bare spawn: ${ratio('landlock, new policy', 'bare spawn')}`);
  lines.push(`Landlock helper alone / bare spawn: ${ratio('landlock helper alone', 'bare spawn')}`);
  lines.push(`seccomp only / bare spawn: ${ratio('seccomp only', 'bare spawn')}`);
  process.stderr.write(`${lines.join('\n')}\n`);
});
