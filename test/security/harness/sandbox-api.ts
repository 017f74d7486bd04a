// The slice of lib/spawn the security suite drives: runSandboxed and spawnSandboxed, with the
// options a caller of the public API passes.
import type { ChildProcess, StdioOptions } from 'node:child_process';

import { runSandboxed } from '../../../lib/spawn/run-sandboxed';
import { spawnSandboxed } from '../../../lib/spawn/spawn-sandboxed';
import { underTest } from '../../helpers/mount-backend';

export type BackendOption = 'auto' | 'namespaces' | 'bwrap' | 'landlock' | 'seccomp';

export interface RunOptions {
  cwd: string;
  permissionProfile: unknown;
  env?: Record<string, string>;
  stdio?: StdioOptions;
  timeoutMs?: number;
  backend?: BackendOption;
  signal?: AbortSignal;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  plan: { backend: string; argv: string[]; hostPrep: { path: string; kind: string }[] };
}

export interface SandboxApi {
  runSandboxed(argv: string[], opts: RunOptions): Promise<RunResult>;
  spawnSandboxed(argv: string[], opts: RunOptions): ChildProcess;
}

/**
 * lib/spawn, typed as the suite uses it (a compile error here means the contract moved). A case
 * that asks for bwrap runs on the mount executor under test (test/enforce/support MOUNT_BACKEND).
 */
export function loadSandboxApi(): SandboxApi {
  const mapped = (opts: RunOptions): RunOptions => (opts.backend === undefined ? opts : { ...opts, backend: underTest(opts.backend) });
  return {
    runSandboxed: (argv, opts) => runSandboxed(argv, mapped(opts)),
    spawnSandboxed: (argv, opts) => spawnSandboxed(argv, mapped(opts)),
  };
}
