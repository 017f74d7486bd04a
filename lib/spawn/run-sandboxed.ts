// spawn/run-sandboxed: runs a command in the sandbox to completion and reports what happened,
// with denial hints mapped to the policy entries that caused them.
import { SpawnError } from '../errors';
import type { SandboxPlan } from '../platform/plan-sandbox';
import { findDenials, type Denial } from './denials';
import { startSandboxed, type SandboxSpawnOptions } from './spawn-sandboxed';

export interface SandboxRunResult {
  /** The command's exit status, or null when it was ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  denials: Denial[];
  plan: SandboxPlan;
  timedOut: boolean;
  aborted: boolean;
}

/**
 * Runs `command` sandboxed; resolves when it and every process it started have exited. Every
 * failure, a refusal before anything starts included, is a rejection: a caller's `.catch` sees
 * it, and nothing is thrown synchronously.
 */
export function runSandboxed(command: string[], opts: SandboxSpawnOptions): Promise<SandboxRunResult> {
  const started = performance.now();
  let launched: ReturnType<typeof startSandboxed>;
  try {
    launched = startSandboxed(command, opts);
  } catch (err) {
    return Promise.reject(err);
  }
  const { child, plan, resolved, ended } = launched;
  const cwd = opts.cwd ?? process.cwd();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      // Raw errnos never cross lib/index.ts (STYLE "Errors and codes").
      reject(new SpawnError(`failed to run ${plan.argv[0]} for the ${plan.backend} backend: ${err.message}; run \`codex-sandbox doctor\``, { value: plan.argv[0], cause: err }));
    });
    child.once('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({
        exitCode: code,
        signal,
        stdout,
        stderr,
        durationMs: performance.now() - started,
        denials: code === 0 || resolved === null ? [] : findDenials(`${stderr}\n${stdout}`, resolved, cwd),
        plan,
        timedOut: ended.timedOut,
        aborted: ended.aborted,
      });
    });
  });
}
