// Shared pieces of the Linux enforcement suites: capability gates that fail instead of skipping
// in CI, policy builders in the reference's PermissionProfile wire form, and a runner.
import { it } from 'vitest';

import type { BackendName, Capabilities } from '../../lib/platform/common/types';
import { bwrapUnavailableReason } from '../../lib/platform/linux/plan';
import { probeCapabilities } from '../../lib/platform/linux/probe';
import { runSandboxed, type SandboxRunResult } from '../../lib/spawn/run-sandboxed';

export const isLinux = process.platform === 'linux';
export const caps: Capabilities | null = isLinux ? probeCapabilities() : null;

/** Why a backend cannot run on this machine, or null when it can. */
export function missingFor(backend: BackendName): string | null {
  if (caps === null) return 'not Linux';
  if (caps.helperPath === null) return 'codex-sandbox-helper is not built';
  if (backend === 'bwrap') return bwrapUnavailableReason(caps);
  if (backend === 'landlock') return caps.landlock.status === 'available' ? null : `Landlock ${caps.landlock.status}`;
  if (backend === 'seccomp') return caps.seccomp ? null : 'seccomp unavailable';
  return `${backend} is not a Linux backend`;
}

/**
 * `it` for a test that needs `backend`. A missing capability skips locally and FAILS with
 * CI=true: a CI machine that cannot run enforcement tests must not look green.
 */
export function itOn(backend: BackendName): (name: string, fn: () => Promise<void> | void, timeout?: number) => void {
  const missing = missingFor(backend);
  if (missing === null) return (name, fn, timeout) => it(name, fn, timeout);
  if (process.env.CI === 'true') {
    return (name) =>
      it(name, () => {
        throw new Error(`CI requires ${backend} for this enforcement test, but ${missing}`);
      });
  }
  return (name, fn, timeout) => it.skip(name, fn, timeout);
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
  return runSandboxed(argv, { permissionProfile: policy, backend, timeoutMs: opts.timeoutMs ?? 20_000, ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.env ? { env: opts.env } : {}) });
}
