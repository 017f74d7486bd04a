// Property: a launch that may reuse a remembered plan (spawnSandboxed) gets exactly the plan, or
// exactly the refusal, that planning from scratch gives, while the host tree changes between
// launches: directories appear and vanish, files turn into directories, symlinks are retargeted,
// protected names (.git, .codex) come and go. A few policies are reused across the steps so that
// reuse and rebuilds both happen. CSBX_PROPERTY_RUNS sets numRuns (default 60).
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect } from 'vitest';

import type { BackendName } from '../../lib/platform/common/types';
import { planSandbox } from '../../lib/platform/plan-sandbox';
import { hostPrepRegistryDir } from '../../lib/spawn/host-prep';
import { probeProcMount } from '../../lib/spawn/proc-preflight';
import { startSandboxed } from '../../lib/spawn/spawn-sandboxed';
import { caps, itOn, MOUNT_BACKEND } from '../enforce/support';
import { makeTempDir } from '../helpers/temp';
import { ENTRY_PATHS, TREE_DIRS, wirePolicy, type GeneratedPolicy } from './linux-explain-harness';
import { propertySettings } from '../helpers/property-settings';

const { numRuns: RUNS, seed: SEED } = propertySettings('plan memo property', { defaultRuns: 60 });

type Mutation = { op: 'mkdir' | 'remove' | 'file-to-dir' | 'git-dir' | 'git-file' | 'codex-dir'; rel: string } | { op: 'symlink'; rel: string; target: string };

// Never the tree's root: it is the launch's cwd, and a missing cwd is refused before planning.
const relArb = fc.constantFrom(...ENTRY_PATHS.filter((rel) => rel !== ''), 'n', 'a/n', 'd/e/n');
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('mkdir', 'remove', 'file-to-dir', 'git-dir', 'git-file', 'codex-dir'), rel: relArb }),
  fc.record({ op: fc.constant('symlink' as const), rel: fc.constantFrom('n', 'a/n', 'd/l'), target: fc.constantFrom(...TREE_DIRS) }),
  fc.record({ op: fc.constantFrom('git-dir', 'git-file', 'codex-dir'), rel: fc.constant('') }),
) as fc.Arbitrary<Mutation>;

const accessArb = fc.constantFrom<'read' | 'write' | 'none'>('read', 'write', 'none');
const policyArb: fc.Arbitrary<GeneratedPolicy> = fc.record({
  fullRead: fc.boolean(),
  entries: fc.uniqueArray(fc.record({ rel: fc.constantFrom(...ENTRY_PATHS, 'n', 'a/n', 'd/l'), access: accessArb }), { selector: (e) => e.rel, maxLength: 4 }),
});

function mutate(root: string, m: Mutation): void {
  const p = join(root, m.rel);
  try {
    switch (m.op) {
      case 'mkdir':
        mkdirSync(p, { recursive: true });
        break;
      case 'remove':
        rmSync(p, { recursive: true, force: true });
        break;
      case 'file-to-dir':
        rmSync(p, { recursive: true, force: true });
        mkdirSync(p, { recursive: true });
        writeFileSync(join(p, 'r.txt'), 'orig');
        break;
      case 'git-dir':
      case 'codex-dir':
        mkdirSync(join(p, m.op === 'git-dir' ? '.git' : '.codex'), { recursive: true });
        break;
      case 'git-file':
        if (existsSync(p)) writeFileSync(join(p, '.git'), `gitdir: ${join(root, 'd')}\n`);
        break;
      case 'symlink':
        rmSync(p, { recursive: true, force: true });
        symlinkSync(join(root, m.target), p);
        break;
    }
  } catch {
    // A mutation whose parent is gone (or is now a file) changes nothing; that is a valid step too.
  }
}

/** What planning from scratch gives: the plan as JSON, or the refusal's code and message. */
function freshPlan(policy: unknown, backend: BackendName, cwd: string, mountProc: boolean | undefined): string {
  try {
    const plan = planSandbox(policy, {
      platform: 'linux',
      cwd,
      capabilities: caps!,
      backend,
      command: ['true'],
      commandCwd: cwd,
      hiddenPaths: [hostPrepRegistryDir()],
      ...(mountProc === undefined ? {} : { mountProc }),
    });
    return JSON.stringify(plan);
  } catch (err) {
    return `refused ${(err as { code?: string }).code}: ${(err as Error).message}`;
  }
}

async function launchedPlan(policy: unknown, backend: BackendName, cwd: string): Promise<string> {
  let started;
  try {
    started = startSandboxed(['true'], { permissionProfile: policy, backend, cwd, stdio: 'ignore', capabilities: caps! });
  } catch (err) {
    return `refused ${(err as { code?: string }).code}: ${(err as Error).message}`;
  }
  const { child } = started;
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.stringify(started.plan);
}

describe('remembered plans equal fresh plans while the host changes', () => {
  for (const backend of [MOUNT_BACKEND, 'landlock'] as const) {
    itOn(backend)(
      `${backend}: ${RUNS} runs of launches and host changes`,
      async () => {
        console.log(`plan memo property seed (${backend}): CSBX_PROPERTY_SEED=${SEED}`);
        const mountProc = backend === 'bwrap' && !probeProcMount(caps!.bwrap!.path) ? false : undefined;
        let launches = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(policyArb, { minLength: 1, maxLength: 2 }),
            fc.array(fc.tuple(fc.nat(), fc.array(mutationArb, { maxLength: 2 })), { minLength: 2, maxLength: 5 }),
            async (policies, steps) => {
              const temp = makeTempDir();
              const root = temp.path;
              try {
                for (const dir of TREE_DIRS) {
                  mkdirSync(join(root, dir), { recursive: true });
                  writeFileSync(join(root, dir, 'r.txt'), 'orig');
                }
                for (const [pick, mutations] of steps) {
                  for (const m of mutations) mutate(root, m);
                  const policy = wirePolicy(root, policies[pick % policies.length]);
                  const expected = freshPlan(policy, backend, root, mountProc);
                  expect(await launchedPlan(policy, backend, root)).toBe(expected);
                  launches += 1;
                }
              } finally {
                temp.remove();
              }
            },
          ),
          { numRuns: RUNS, seed: SEED },
        );
        expect(launches).toBeGreaterThanOrEqual(RUNS * 2);
      },
      600_000,
    );
  }
});
