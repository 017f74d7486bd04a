// Fail-closed matrix (issue #7): every policy shape x every backend x every capability set either
// runs with enforcement equal to explain() for every probed access (and the network), or is
// refused with E_UNSUPPORTED_POLICY / E_BACKEND_UNAVAILABLE. Capability sets are made missing for
// real, per process: a PATH without bwrap, a seccomp launcher that takes away user namespaces,
// Landlock or seccomp, and user.max_user_namespaces=0 set in a user namespace of the runner's own.
// Sets that cannot be produced on this machine (an older Landlock ABI, a bwrap with --argv0, WSL1)
// are planner fixtures below.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parsePolicyInput, resolvePolicy } from '../../lib/index';
import type { Capabilities } from '../../lib/platform/common/types';
import { planResolved } from '../../lib/platform/plan-sandbox';
import { makeTempDir, withTempDir } from '../helpers/temp';
import { PROBES_SRC } from './harness/fixture';
import type { MatrixCell } from './harness/matrix-runner';
import { BACKEND_CHOICES, buildMatrixTree, SHAPES } from './harness/matrix-shapes';

const REPO = resolve(__dirname, '../..');
const VITE_NODE = join(REPO, 'node_modules/vite-node/vite-node.mjs');
const REFUSALS = ['E_UNSUPPORTED_POLICY', 'E_BACKEND_UNAVAILABLE'];

let tools: ReturnType<typeof makeTempDir>;
let launcher: string;

beforeAll(() => {
  tools = makeTempDir('matrix-tools');
  launcher = join(tools.path, 'seccomp-launcher');
  execFileSync('cc', ['-O1', '-o', launcher, join(PROBES_SRC, 'seccomp-launcher.c')], { stdio: 'pipe' });
});
afterAll(() => tools.remove());

interface MatrixRun {
  capabilities: Capabilities;
  cells: MatrixCell[];
}

/** Runs the matrix runner in a fresh process started as `prefix` describes, with `env`. */
function runMatrix(prefix: string[], env: NodeJS.ProcessEnv, filter: { shapes?: string[]; backends?: string[] } = {}): Promise<MatrixRun> {
  return withTempDir(
    (root) =>
      new Promise<MatrixRun>((res, rej) => {
        const argv = [...prefix, process.execPath, VITE_NODE, join(__dirname, 'harness/matrix-runner.ts'), JSON.stringify({ root, ...filter })];
        const child = spawn(argv[0], argv.slice(1), { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', rej);
        child.on('close', (code) => {
          const lines = out.split('\n').filter((l) => l.startsWith('{'));
          if (code !== 0 || !out.includes('done')) return rej(new Error(`matrix runner failed (${code}): ${err.slice(-2000)}`));
          const [first, ...rest] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
          res({ capabilities: first.capabilities as Capabilities, cells: rest as unknown as MatrixCell[] });
        });
      }),
    'matrix',
  );
}

function record(capset: string, run: MatrixRun): void {
  const file = process.env.CSBX_SECURITY_RESULTS;
  if (!file) return;
  for (const cell of run.cells) appendFileSync(file, `${JSON.stringify({ matrix: capset, uid: process.getuid?.(), ...cell })}\n`);
}

/** The rule of the matrix, cell by cell: a refusal with a fail-closed code, or exact enforcement. */
function violations(run: MatrixRun): string[] {
  // A helper that exits 125 at start fails closed too, but the matrix asks for the typed refusal
  // at plan time (E_BACKEND_UNAVAILABLE), so that callers can tell why before anything runs.
  const out: string[] = [];
  for (const c of run.cells) {
    const where = `${c.shape} / ${c.backend}`;
    if (c.refused) {
      if (!REFUSALS.includes(c.refused.code)) out.push(`${where}: refused with ${c.refused.code}: ${c.refused.message}`);
      continue;
    }
    const ran = c.ran as NonNullable<MatrixCell['ran']>;
    if (c.backend !== 'auto' && ran.backend !== c.backend) out.push(`${where}: ran on ${ran.backend}, not the forced backend`);
    if (ran.exitCode !== 0) {
      out.push(`${where}: exit ${ran.exitCode}: ${ran.stderr}`);
      continue;
    }
    for (const a of ran.accesses) {
      if (a.observed !== a.expected)
        out.push(
          `${where}: ${a.access} expected ${a.expected ? 'allowed' : 'denied'}, observed ${a.observed === undefined ? 'nothing' : a.observed ? 'allowed' : `denied (${a.errno})`}`,
        );
    }
  }
  return out;
}

const cell = (run: MatrixRun, shape: string, backend: string): MatrixCell | undefined => run.cells.find((c) => c.shape === shape && c.backend === backend);

describe.runIf(process.platform === 'linux')('fail-closed matrix: real capability sets', () => {
  it('this machine: every shape x backend is refused or enforced exactly as explain() says', async () => {
    const run = await runMatrix([], process.env);
    record('this machine', run);
    expect(run.cells.length).toBe(Object.keys(SHAPES).length * BACKEND_CHOICES.length);
    expect(violations(run)).toEqual([]);
    // The suite is only meaningful if the machine's backends really ran something (bwrap too,
    // unless this pass hides it on purpose).
    expect(run.cells.some((c) => c.ran?.backend === 'namespaces')).toBe(true);
    expect(run.cells.some((c) => c.ran?.backend === 'bwrap')).toBe(run.capabilities.bwrap !== null);
    if (process.env.CI === 'true' && process.env.CSBX_TEST_MOUNT_BACKEND !== 'namespaces') expect(run.capabilities.bwrap).not.toBeNull();
    expect(run.cells.some((c) => c.ran?.backend === 'landlock')).toBe(true);
    // Issue #20: seccomp alone cannot keep a full-write command from the user's other
    // processes, so a restricted network takes Landlock; with the network on seccomp still runs.
    expect(cell(run, 'full write, network off', 'auto')?.ran?.backend).toBe('landlock');
    expect(cell(run, 'full write, network off', 'seccomp')?.refused?.code).toBe('E_UNSUPPORTED_POLICY');
    expect(cell(run, 'full write, network on', 'auto')?.ran?.backend).toBe('seccomp');
    expect(cell(run, 'full write, network on', 'seccomp')?.ran?.backend).toBe('seccomp');
  }, 300_000);

  it('no bwrap on PATH: the bwrap backend is unavailable, the rest (the namespaces backend too) refuses or enforces exactly', async () => {
    const run = await runMatrix([], { ...process.env, PATH: join(tools.path, 'no-such-dir') });
    record('no bwrap on PATH', run);
    expect(run.capabilities.bwrap).toBeNull();
    expect(violations(run)).toEqual([]);
    for (const shape of Object.keys(SHAPES)) expect(cell(run, shape, 'bwrap')?.refused?.code, shape).toBe('E_BACKEND_UNAVAILABLE');
    expect(cell(run, 'full write, network off', 'auto')?.ran?.backend).toBe('landlock');
    expect(cell(run, 'workspace with protected .git', 'auto')?.ran?.backend).toBe('namespaces');
  }, 300_000);

  it('user namespaces unavailable (seccomp launcher): bwrap refuses, the rest refuses or enforces exactly', async () => {
    const run = await runMatrix([launcher, '--no-userns'], process.env);
    record('no user namespaces (launcher)', run);
    expect(run.capabilities.userns).toBe(false);
    expect(violations(run)).toEqual([]);
    for (const shape of Object.keys(SHAPES)) {
      expect(cell(run, shape, 'bwrap')?.refused?.code, shape).toBe('E_BACKEND_UNAVAILABLE');
      expect(cell(run, shape, 'namespaces')?.refused?.code, shape).toBe('E_BACKEND_UNAVAILABLE');
    }
  }, 300_000);

  it('user.max_user_namespaces=0 (the real sysctl, in a user namespace of its own): bwrap refuses, the rest refuses or enforces exactly', async () => {
    // user.* sysctls are per user namespace: setting it to 0 inside `unshare -U -r` takes user
    // namespaces away from that process tree only, never from the rest of the machine (other test
    // files run in parallel), and works as root and unprivileged alike.
    const hostValue = readFileSync('/proc/sys/user/max_user_namespaces', 'utf8').trim();
    const prefix = ['/usr/bin/unshare', '--user', '--map-root-user', '/bin/sh', '-c', 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"', 'sh'];
    // Inside the namespace the runner is uid 0 but not the host's root: it gets a temp dir of its
    // own, since the host's /tmp/codex-sandbox-mount-targets-0 (if any) is not its to use.
    const run = await withTempDir((tmp) => runMatrix(prefix, { ...process.env, TMPDIR: tmp }), 'matrix-userns-tmp');
    record('user.max_user_namespaces=0', run);
    expect(readFileSync('/proc/sys/user/max_user_namespaces', 'utf8').trim(), 'the host value is untouched').toBe(hostValue);
    expect(run.capabilities.userns).toBe(false);
    expect(violations(run)).toEqual([]);
    for (const shape of Object.keys(SHAPES)) {
      expect(cell(run, shape, 'bwrap')?.refused?.code, shape).toBe('E_BACKEND_UNAVAILABLE');
      expect(cell(run, shape, 'namespaces')?.refused?.code, shape).toBe('E_BACKEND_UNAVAILABLE');
    }
  }, 300_000);

  it('Landlock missing (ENOSYS): the Landlock backend is unavailable, the rest refuses or enforces exactly', async () => {
    const run = await runMatrix([launcher, '--no-landlock'], process.env);
    record('no Landlock', run);
    expect(run.capabilities.landlock.status).toBe('not-implemented');
    expect(violations(run)).toEqual([]);
    for (const shape of Object.keys(SHAPES)) expect(cell(run, shape, 'landlock')?.refused?.code, shape).toBe('E_BACKEND_UNAVAILABLE');
    // Without Landlock, a full-write command with the network off is kept apart by namespaces.
    expect(cell(run, 'full write, network off', 'auto')?.ran?.backend).toBe('namespaces');
  }, 300_000);

  it('seccomp missing: nothing runs without its network filter', async () => {
    const run = await runMatrix([launcher, '--no-seccomp'], process.env);
    record('no seccomp', run);
    expect(run.capabilities.seccomp).toBe(false);
    expect(violations(run)).toEqual([]);
  }, 300_000);
});

/** The machine's real capabilities with one thing changed: for sets this machine cannot produce. */
function fixture(change: (c: Capabilities) => Capabilities): Capabilities {
  const base: Capabilities = {
    landlock: { status: 'available', abi: 7 },
    seccomp: true,
    userns: true,
    namespaces: { usable: true, procMount: true, reason: null, apparmorRestricted: false },
    bwrap: { path: '/usr/bin/bwrap', version: '0.8.0', hasArgv0: false, hasPerms: true, hasAsPid1: true },
    wsl: 'none',
    helperPath: join(REPO, 'build/Release/codex-sandbox-helper'),
  };
  return change(base);
}

describe('fail-closed matrix: planner fixtures (capability sets this machine cannot produce)', () => {
  const FIXTURES: [string, Capabilities][] = [
    ...[1, 2, 3, 4, 5, 6].map((abi): [string, Capabilities] => [`Landlock ABI ${abi}`, fixture((c) => ({ ...c, landlock: { status: 'available', abi } }))]),
    ['bwrap with --argv0', fixture((c) => ({ ...c, bwrap: { path: '/usr/bin/bwrap', version: '0.11.0', hasArgv0: true, hasPerms: true, hasAsPid1: true } }))],
    ['WSL1', fixture((c) => ({ ...c, wsl: 'wsl1' }))],
    ['helper not built', fixture((c) => ({ ...c, helperPath: null }))],
  ];
  for (const [name, caps] of FIXTURES) {
    it(`${name}: every shape x backend plans or refuses with a fail-closed code, never another backend`, async () => {
      await withTempDir((root) => {
        const tree = buildMatrixTree(root);
        const rows: string[] = [];
        for (const [shape, policyOf] of Object.entries(SHAPES)) {
          const resolved = resolvePolicy(parsePolicyInput(policyOf(tree)), { cwd: tree.ws });
          for (const backend of BACKEND_CHOICES) {
            try {
              const plan = planResolved(resolved, { platform: 'linux', cwd: tree.ws, capabilities: caps, backend, command: ['/bin/true'] });
              if (backend !== 'auto') expect(plan.backend, `${shape} / ${backend}`).toBe(backend);
              rows.push(`${shape} | ${backend} | plan ${plan.backend}`);
            } catch (err) {
              const code = (err as { code?: string }).code ?? String(err);
              expect(REFUSALS, `${shape} / ${backend}: ${(err as Error).message}`).toContain(code);
              rows.push(`${shape} | ${backend} | ${code}`);
            }
          }
        }
        const file = process.env.CSBX_SECURITY_RESULTS;
        if (file) appendFileSync(file, `${JSON.stringify({ plannerFixture: name, rows })}\n`);
      }, 'matrix-plan');
    });
  }

  it('seccomp missing: every cell is refused with E_BACKEND_UNAVAILABLE before anything is spawned (G8)', async () => {
    await withTempDir((root) => {
      const tree = buildMatrixTree(root);
      const caps = fixture((c) => ({ ...c, seccomp: false }));
      for (const [shape, policyOf] of Object.entries(SHAPES)) {
        const resolved = resolvePolicy(parsePolicyInput(policyOf(tree)), { cwd: tree.ws });
        for (const backend of BACKEND_CHOICES) {
          let code: string | undefined;
          try {
            planResolved(resolved, { platform: 'linux', cwd: tree.ws, capabilities: caps, backend, command: ['/bin/true'] });
          } catch (err) {
            code = (err as { code?: string }).code;
          }
          // The shape's own refusal (seccomp cannot narrow a filesystem) may come first; never a plan.
          expect(['E_BACKEND_UNAVAILABLE', 'E_UNSUPPORTED_POLICY'], `${shape} / ${backend}`).toContain(code);
        }
      }
    }, 'matrix-noseccomp');
  });

  it('Landlock on a full-write policy grants every handled right on / (G7)', async () => {
    await withTempDir((root) => {
      const tree = buildMatrixTree(root);
      const resolved = resolvePolicy(parsePolicyInput(SHAPES['full write, network off'](tree)), { cwd: tree.ws });
      const plan = planResolved(resolved, { platform: 'linux', cwd: tree.ws, capabilities: fixture((c) => c), backend: 'landlock', command: ['/bin/true'] });
      const rootRule = (plan as unknown as { landlockRules: { path: string; access: number }[]; handledAccessFs: number }).landlockRules.find((r) => r.path === '/');
      expect(rootRule?.access).toBe((plan as unknown as { handledAccessFs: number }).handledAccessFs);
    }, 'matrix-fullwrite');
  });

  it('Landlock ABI below 3 refuses every policy Landlock would otherwise run (TRUNCATE is required)', async () => {
    await withTempDir((root) => {
      const tree = buildMatrixTree(root);
      const resolved = resolvePolicy(parsePolicyInput(SHAPES['full read, network off'](tree)), { cwd: tree.ws });
      for (const abi of [1, 2]) {
        const caps = fixture((c) => ({ ...c, landlock: { status: 'available', abi } }));
        expect(() => planResolved(resolved, { platform: 'linux', cwd: tree.ws, capabilities: caps, backend: 'landlock', command: ['/bin/true'] })).toThrow(/TRUNCATE/);
      }
      const abi3 = fixture((c) => ({ ...c, landlock: { status: 'available', abi: 3 } }));
      expect(planResolved(resolved, { platform: 'linux', cwd: tree.ws, capabilities: abi3, backend: 'landlock', command: ['/bin/true'] }).backend).toBe('landlock');
    }, 'matrix-abi');
  });
});
