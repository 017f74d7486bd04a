// Runs once per vitest process. In CI the machine must provide what the enforcement suites need
// (docs/platform-matrix.md#machine-requirements: Landlock ABI 7, bwrap, user namespaces); a missing
// piece fails the run instead of silently shrinking it. The pass that hides bwrap on purpose
// (CSBX_TEST_MOUNT_BACKEND=namespaces) must really not see one. Teardown checks that no test left
// a temporary directory behind; directories already there when the run began (a killed earlier
// run's, on a shared /tmp) are named but not blamed on this run.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

import { TEMP_PREFIX } from './temp';

function leftovers(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(TEMP_PREFIX));
}

function bwrapRuns(): boolean {
  try {
    execFileSync('bwrap', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let before = new Set<string>();

export function setup(): void {
  before = new Set(leftovers());
  if (before.size > 0) console.warn(`temporary directories from an earlier run, left alone: ${[...before].join(', ')}`);
  if (process.platform !== 'linux') return;
  if (process.env.CSBX_TEST_MOUNT_BACKEND === 'namespaces') {
    if (bwrapRuns()) throw new Error('CSBX_TEST_MOUNT_BACKEND=namespaces, but a bwrap runs: hide it (see .ci/run) so the pass checks the no-bwrap path');
    return;
  }
  if (process.env.CI === 'true' && !bwrapRuns()) throw new Error('CI=true but bubblewrap is not installed: enforcement tests cannot run');
}

export function teardown(): void {
  const left = leftovers().filter((name) => !before.has(name));
  if (left.length > 0) {
    throw new Error(`tests left temporary directories in ${tmpdir()}: ${left.join(', ')}`);
  }
}
