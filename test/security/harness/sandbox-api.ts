// The slice of the public API (lib/index.ts) the security suite drives. The suite goes through the
// public barrel on purpose: an escape that only a deep import could set up is not one a user sees.
import type { ChildProcess, StdioOptions } from 'node:child_process';

import * as lib from '../../../lib/index';

export type BackendOption = 'auto' | 'bwrap' | 'landlock' | 'seccomp';

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
  stdout: string | Buffer;
  stderr: string | Buffer;
  durationMs: number;
  plan: { backend: string; argv: string[]; hostPrep?: { path: string; kind: string }[] } & Record<string, unknown>;
}

export interface SandboxApi {
  runSandboxed(argv: string[], opts: RunOptions): Promise<RunResult>;
  spawnSandboxed(argv: string[], opts: RunOptions): ChildProcess;
}

/** Loads the public API; throws a message naming what is missing so a failing run says why. */
export function loadSandboxApi(): SandboxApi {
  const exported = lib as Record<string, unknown>;
  const missing = ['runSandboxed', 'spawnSandboxed'].filter((name) => typeof exported[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(`lib/index.ts does not export ${missing.join(', ')} yet (issue #4): the security suite cannot run sandboxes`);
  }
  return lib as unknown as SandboxApi;
}
