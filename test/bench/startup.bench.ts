// Whole-process start-up of the entry points, each against `node -e 0` in the same interleaved
// run (issue #15; target: each <= 1.3x). Every round starts each variant once, in an order
// shuffled per round (seeded), so all see the same machine load; afterAll prints medians, p95s
// and both as ratios to `node -e 0`. START_BENCH_ROOT=<package dir> measures another build of the
// package (e.g. a checkout of an older commit, compiled) with the same harness.
// Run with `npm run bench`; never part of `npm test`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { seededShuffler } from './seeded-shuffle';

const ROOT = resolve(process.env.START_BENCH_ROOT ?? join(__dirname, '../..'));
const work = mkdtempSync(join(tmpdir(), 'csbx-bench-startup-'));
// An empty CODEX_HOME: the figures must not depend on the config of whoever runs the bench.
const env = { ...process.env, CODEX_HOME: join(work, 'codex-home'), HOME: work };
const readOnly = JSON.stringify({
  type: 'managed',
  file_system: { type: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'read' }] },
  network: 'restricted',
});
const PATCH = '*** Begin Patch\n*** Add File: added.txt\n+hello\n*** End Patch\n';

type Variant = { name: string; argv: string[]; after?: () => void };
const variants: Variant[] = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  { name: 'codex-sandbox run -- /bin/true', argv: [join(ROOT, 'bin/codex-sandbox.js'), 'run', '--', '/bin/true'] },
  // The shape users run most: mount targets in the workspace, made and removed per run.
  { name: 'run, workspace-write', argv: [join(ROOT, 'bin/codex-sandbox.js'), 'run', '--sandbox', 'workspace-write', '--', '/bin/true'] },
  {
    name: 'codex-linux-sandbox (drop-in)',
    argv: [join(ROOT, 'bin/codex-linux-sandbox.js'), '--sandbox-policy-cwd', work, '--command-cwd', work, '--permission-profile', readOnly, '--', '/bin/true'],
  },
  {
    name: '--codex-run-as-apply-patch',
    argv: [join(ROOT, 'bin/codex-sandbox.js'), '--codex-run-as-apply-patch', PATCH],
    after: () => rmSync(join(work, 'added.txt')),
  },
  { name: 'codex-sandbox explain', argv: [join(ROOT, 'bin/codex-sandbox.js'), 'explain', '/etc/passwd'] },
];
const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));

function runOnce(variant: Variant): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, variant.argv, { cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const elapsed = performance.now() - start;
      if (code === 0) resolvePromise(elapsed);
      else reject(new Error(`${variant.name} exited ${code}: ${stderr.trim()}`));
    });
  });
}

describe.runIf(process.platform === 'linux')('start-up', () => {
  const shuffle = seededShuffler(0x9e3779b9);
  bench(
    `one round: ${variants.map((v) => v.name).join(', ')}`,
    async () => {
      const order = shuffle(variants);
      for (const variant of order) {
        samples.get(variant.name)!.push(await runOnce(variant));
        variant.after?.();
      }
    },
    { time: 30_000, warmupTime: 1_000 },
  );
});

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
}

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  const stats = variants.map(({ name }) => {
    const sorted = [...samples.get(name)!].sort((a, b) => a - b);
    return { name, n: sorted.length, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
  });
  const base = stats[0];
  if (base.n === 0) return;
  const lines = [``, `start-up of ${ROOT}`, 'variant                            n  median ms  p95 ms  median/node  p95/node  (target <= 1.3x)'];
  for (const s of stats) {
    const ratios = `${(s.median / base.median).toFixed(2)}x`.padStart(11) + `${(s.p95 / base.p95).toFixed(2)}x`.padStart(10);
    lines.push(`${s.name.padEnd(32)} ${String(s.n).padStart(4)} ${s.median.toFixed(1).padStart(10)} ${s.p95.toFixed(1).padStart(7)} ${ratios}`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
});
