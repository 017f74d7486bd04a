// spawn/run-sandboxed: runs a command in the sandbox to completion and reports what happened,
// with denial hints mapped to the policy entries that caused them.
import { SpawnError } from '../errors';
import type { NetworkDecision, ProxyLease } from '../network/proxy';
import type { SandboxPlan } from '../platform/plan-sandbox';
import { findDenials, type Denial } from './denials';
import { networkResultFields, prepareProxyLease, type NetworkDenial } from './proxy-lease';
import { startSandboxed, type SandboxSpawnOptions } from './spawn-sandboxed';

export interface SandboxRunResult {
  /** The command's exit status, or null when it was ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Filesystem denials found in the output, then every connection the network proxy blocked. */
  denials: (Denial | NetworkDenial)[];
  /** A proxied network: every connection the proxy decided, in order (empty otherwise). */
  network: NetworkDecision[];
  plan: SandboxPlan;
  timedOut: boolean;
  aborted: boolean;
}

/**
 * Runs `command` sandboxed; resolves when it and every process it started have exited. Every
 * failure, a refusal before anything starts included, is a rejection: a caller's `.catch` sees
 * it, and nothing is thrown synchronously.
 */
export async function runSandboxed(command: string[], opts: SandboxSpawnOptions): Promise<SandboxRunResult> {
  const started = performance.now();
  const lease =
    opts?.permissionProfile === undefined ? null : await prepareProxyLease(opts.permissionProfile, opts.cwd ?? process.cwd(), { proxy: opts.proxy, tcp: willUseSeatbelt(opts) });
  try {
    return await runWithLease(command, lease === null ? opts : { ...opts, proxyLease: lease }, started, lease);
  } finally {
    await lease?.release();
  }
}

function willUseSeatbelt(opts: SandboxSpawnOptions): boolean {
  return (opts.platform ?? (process.platform === 'darwin' ? 'macos' : 'linux')) === 'macos';
}

function runWithLease(command: string[], opts: SandboxSpawnOptions, started: number, lease: ProxyLease | null): Promise<SandboxRunResult> {
  const { child, plan, resolved, ended } = startSandboxed(command, opts);
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
      const network = networkResultFields(lease?.decisions() ?? []);
      resolve({
        exitCode: code,
        signal,
        stdout,
        stderr,
        durationMs: performance.now() - started,
        denials: [...(code === 0 || resolved === null ? [] : findDenials(`${stderr}\n${stdout}`, resolved, cwd)), ...network.denials],
        network: network.network,
        plan,
        timedOut: ended.timedOut,
        aborted: ended.aborted,
      });
    });
  });
}
