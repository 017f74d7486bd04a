// spawn/run-sandboxed: runs a command in the sandbox to completion and reports what happened,
// with bounded output and denial hints mapped to the policy entries that caused them.
import { constants as bufferConstants } from 'node:buffer';
import type { StdioOptions } from 'node:child_process';

import { SpawnError, UsageError } from '../errors';
import type { NetworkDecision, ProxyLease } from '../network/proxy';
import { nodeHost } from '../policy/node-host';
import type { SandboxPlan } from '../platform/plan-sandbox';
import { type Denial, DenialLineCollector } from './denials';
import { BoundedCapture } from './output-capture';
import { networkResultFields, prepareProxyLease, type NetworkDenial } from './proxy-lease';
import { outcomeOf, type SandboxSpawnOptions, startSandboxed, type StartedSandbox } from './spawn-sandboxed';

/** Bytes kept of each stream (and of `all`) unless maxBuffer says otherwise. */
export const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;

export interface SandboxRunOptions extends SandboxSpawnOptions {
  /** Written to the command's stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string | Uint8Array;
  /** 'utf8' (default): stdout, stderr and all are strings. 'buffer': Buffers, bytes as printed. */
  encoding?: 'utf8' | 'buffer';
  /**
   * Bytes kept of stdout, of stderr and of `all` (default 64 MiB). The rest is read and dropped,
   * and `truncated` is set; the command is never stopped for it.
   */
  maxBuffer?: number;
  /** Also collect `all`: stdout and stderr interleaved as they arrived. */
  all?: boolean;
}

export interface SandboxRunResult<Output = string> {
  /**
   * The command's exit status (128+N when it died of signal N on its own), or null when the
   * sandbox was stopped (timeout, abort) and died of the signal it was sent, named in `signal`.
   * The same on every backend.
   */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: Output;
  stderr: Output;
  /** With `all: true`: stdout and stderr interleaved in arrival order. */
  all?: Output;
  /** True when some output went past maxBuffer and was dropped. */
  truncated: boolean;
  durationMs: number;
  /**
   * Denials the output showed (whatever the exit status), each with the policy entry behind it,
   * then every connection the network proxy blocked.
   */
  denials: (Denial | NetworkDenial)[];
  /** A proxied network: every connection the proxy decided, in order (empty otherwise). */
  network: NetworkDecision[];
  plan: SandboxPlan;
  timedOut: boolean;
  aborted: boolean;
}

function checkRunOptions(opts: SandboxRunOptions): number {
  if (opts === null || typeof opts !== 'object') throw new UsageError('no options given: pass { policy, cwd, ... }', { value: opts });
  if (opts.encoding !== undefined && opts.encoding !== 'utf8' && opts.encoding !== 'buffer') {
    throw new UsageError(`invalid encoding ${JSON.stringify(opts.encoding)}; use "utf8" or "buffer"`, { path: ['encoding'], value: opts.encoding });
  }
  if (opts.input !== undefined && typeof opts.input !== 'string' && !(opts.input instanceof Uint8Array)) {
    throw new UsageError('invalid input; pass a string or a Buffer', { path: ['input'], value: typeof opts.input });
  }
  const max = opts.maxBuffer ?? DEFAULT_MAX_BUFFER;
  // A string longer than V8's limit cannot be made at all (ERR_STRING_TOO_LONG).
  const ceiling = opts.encoding === 'buffer' ? bufferConstants.MAX_LENGTH : bufferConstants.MAX_STRING_LENGTH;
  if (!Number.isSafeInteger(max) || max < 0 || max > ceiling) {
    throw new UsageError(`invalid maxBuffer ${String(max)}; pass bytes from 0 to ${ceiling}`, { path: ['maxBuffer'], value: max });
  }
  return max;
}

function stdioFor(opts: SandboxRunOptions): StdioOptions {
  if (opts.stdio !== undefined) return opts.stdio;
  return [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'];
}

/**
 * Runs `command` sandboxed; resolves when it and every process it started have exited. Every
 * failure, a refusal before anything starts included, is a rejection: a caller's `.catch` sees
 * it, and nothing is thrown synchronously.
 */
export function runSandboxed(command: string[], opts: SandboxRunOptions & { encoding: 'buffer' }): Promise<SandboxRunResult<Buffer>>;
export function runSandboxed(command: string[], opts: SandboxRunOptions): Promise<SandboxRunResult<string>>;
export function runSandboxed(command: string[], opts: SandboxRunOptions): Promise<SandboxRunResult<string | Buffer>> {
  const started = performance.now();
  return withProxyLease(opts, (lease) => runStarted(command, lease === null ? opts : { ...opts, proxyLease: lease }, started, lease));
}

/**
 * A proxied network's lease around the run (spawn/proxy-lease.ts), released when the sandbox has
 * ended; any other run gets null. `opts.proxy`, else the process-wide proxy.
 */
async function withProxyLease<T>(opts: SandboxRunOptions, run: (lease: ProxyLease | null) => Promise<T>): Promise<T> {
  const policy = opts?.policy ?? opts?.permissionProfile;
  const seatbelt = (opts?.platform ?? (process.platform === 'darwin' ? 'macos' : 'linux')) === 'macos';
  const lease = policy === undefined ? null : await prepareProxyLease(policy, opts.cwd ?? process.cwd(), { proxy: opts.proxy, tcp: seatbelt, host: nodeHost() });
  try {
    return await run(lease);
  } finally {
    await lease?.release();
  }
}

function runStarted(command: string[], opts: SandboxRunOptions, started: number, lease: ProxyLease | null): Promise<SandboxRunResult<string | Buffer>> {
  let launched: StartedSandbox;
  let maxBuffer: number;
  try {
    maxBuffer = checkRunOptions(opts);
    launched = startSandboxed(command, { ...opts, stdio: stdioFor(opts) });
  } catch (err) {
    return Promise.reject(err);
  }
  const { child, plan, resolved } = launched;
  const cwd = opts.cwd ?? process.cwd();
  const out = new BoundedCapture(maxBuffer);
  const err = new BoundedCapture(maxBuffer);
  const all = opts.all === true ? new BoundedCapture(maxBuffer) : undefined;
  const outLines = new DenialLineCollector();
  const errLines = new DenialLineCollector();
  child.stdout?.on('data', (chunk: Buffer) => {
    out.push(chunk);
    all?.push(chunk);
    outLines.push(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err.push(chunk);
    all?.push(chunk);
    errLines.push(chunk);
  });
  if (child.stdin !== null && opts.input !== undefined) {
    // A command that exits without reading closes the pipe: EPIPE is its choice, not an error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
  }
  const decode = (capture: BoundedCapture): string | Buffer => (opts.encoding === 'buffer' ? capture.toBuffer() : capture.toBuffer().toString('utf8'));
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      // Raw errnos never cross lib/index.ts (STYLE "Errors and codes").
      reject(
        new SpawnError(`failed to run ${plan.argv[0]} for the ${plan.backend} backend: ${error.message}; run \`codex-sandbox doctor\``, { value: plan.argv[0], cause: error }),
      );
    });
    child.once('close', (code, signal) => {
      try {
        const denials = resolved === null ? [] : errLines.denials(resolved, cwd, nodeHost(), outLines);
        const { plan: _plan, ...outcome } = outcomeOf(launched, code, signal, denials);
        const network = networkResultFields(lease?.decisions() ?? []);
        resolve({
          ...outcome,
          denials: [...outcome.denials, ...network.denials],
          network: network.network,
          stdout: decode(out),
          stderr: decode(err),
          ...(all === undefined ? {} : { all: decode(all) }),
          truncated: out.truncated || err.truncated || (all?.truncated ?? false),
          durationMs: performance.now() - started,
          plan,
        });
      } catch (error) {
        reject(new SpawnError(`could not report the run of ${plan.argv[0]}: ${(error as Error).message}`, { cause: error }));
      }
    });
  });
}
