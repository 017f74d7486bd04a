// Shared pieces of the Linux enforcement suites: capability gates that fail instead of skipping
// in CI, policy builders in the reference's PermissionProfile wire form, and a runner.
import { it } from 'vitest';

import type { BackendName, Capabilities } from '../../lib/platform/common/types';
import { bwrapUnavailableReason, namespacesUnavailableReason } from '../../lib/platform/linux/plan';
import { probeCapabilities } from '../../lib/platform/linux/probe';
import { runSandboxed, type SandboxRunResult } from '../../lib/spawn/run-sandboxed';
import { MOUNT_BACKEND, underTest } from '../helpers/mount-backend';

export { MOUNT_BACKEND, underTest };

export const isLinux = process.platform === 'linux';
export const caps: Capabilities | null = isLinux ? probeCapabilities() : null;

/** Why a backend cannot run on this machine, or null when it can. */
export function missingFor(requested: BackendName): string | null {
  if (caps === null) return 'not Linux';
  if (caps.helperPath === null) return 'codex-sandbox-helper is not built';
  const backend = underTest(requested);
  if (backend === 'namespaces') return namespacesUnavailableReason(caps);
  if (backend === 'bwrap') return bwrapUnavailableReason(caps);
  if (backend === 'landlock') return caps.landlock.status === 'available' ? null : `Landlock ${caps.landlock.status}`;
  if (backend === 'seccomp') return caps.seccomp ? null : 'seccomp unavailable';
  return `${backend} is not a Linux backend`;
}

/**
 * `it` for a case about system bubblewrap itself (its argv, its PID 1, its discovery), which the
 * helper's namespaces cannot stand in for. In a pass that hides bwrap on purpose
 * (CSBX_TEST_MOUNT_BACKEND=namespaces) the case instead checks that bwrap is indeed hidden.
 */
export function itOnSystemBwrap(name: string, fn: () => Promise<void> | void, timeout?: number): void {
  if (process.env.CSBX_TEST_MOUNT_BACKEND === 'namespaces') {
    it(`${name} [bwrap hidden for this pass: checks it is absent]`, () => {
      if (caps?.bwrap !== null) throw new Error(`CSBX_TEST_MOUNT_BACKEND=namespaces, but bwrap is on PATH at ${caps?.bwrap.path}`);
    });
    return;
  }
  const missing = caps === null ? 'not Linux' : caps.helperPath === null ? 'codex-sandbox-helper is not built' : bwrapUnavailableReason(caps);
  gate('bwrap', missing)(name, fn, timeout);
}

/** `it`, or a skip with the reason (a failure with CI=true: a CI machine must not look green). */
function gate(what: string, missing: string | null): (name: string, fn: () => Promise<void> | void, timeout?: number) => void {
  if (missing === null) return (name, fn, timeout) => it(name, fn, timeout);
  if (process.env.CI === 'true') {
    return (name) =>
      it(name, () => {
        throw new Error(`CI requires ${what} for this enforcement test, but ${missing}`);
      });
  }
  return (name, fn, timeout) => it.skip(`${name} [skipped: needs ${what}: ${missing}]`, fn, timeout);
}

/**
 * `it` for a test that needs `backend`. A missing capability skips locally and FAILS with
 * CI=true: a CI machine that cannot run enforcement tests must not look green.
 */
export function itOn(backend: BackendName): (name: string, fn: () => Promise<void> | void, timeout?: number) => void {
  const run = gate(underTest(backend), missingFor(backend));
  // Named for what runs: a bwrap case on the helper's namespaces says so.
  if (underTest(backend) === backend) return run;
  return (name, fn, timeout) => run(name.replace(/^bwrap:/, `${underTest(backend)} (bwrap case):`), fn, timeout);
}

type Access = 'read' | 'write' | 'none';
export type WireEntry = { path: Record<string, unknown>; access: Access };

export const rootEntry = (access: Access): WireEntry => ({ path: { type: 'special', value: { kind: 'root' } }, access });
export const minimalEntry = (): WireEntry => ({ path: { type: 'special', value: { kind: 'minimal' } }, access: 'read' });
export const pathEntry = (path: string, access: Access): WireEntry => ({ path: { type: 'path', path }, access });
export const globEntry = (pattern: string): WireEntry => ({ path: { type: 'glob_pattern', pattern }, access: 'none' });

export function profile(entries: WireEntry[], network: 'restricted' | 'enabled' = 'restricted'): Record<string, unknown> {
  return { type: 'managed', file_system: { type: 'restricted', entries }, network };
}

export function unrestricted(network: 'restricted' | 'enabled'): Record<string, unknown> {
  return { type: 'managed', file_system: { type: 'unrestricted' }, network };
}

/** Runs `bash -c script` (or argv) in the sandbox with a forced backend. */
export function run(
  backend: BackendName,
  policy: unknown,
  command: string | string[],
  opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<SandboxRunResult> {
  const argv = typeof command === 'string' ? ['bash', '-c', command] : command;
  return runSandboxed(argv, {
    permissionProfile: policy,
    backend: underTest(backend),
    timeoutMs: opts.timeoutMs ?? 20_000,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
}
