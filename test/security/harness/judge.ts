// Runs one probe case against one target and decides, from the host side, whether it got through.
import type { StdioOptions } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { appendFileSync, closeSync, openSync } from 'node:fs';

import { makeFixture, snapshot, changedPaths, type EntrySnapshot } from './fixture';
import { processesWithToken, startListeners, startVictim } from './host-services';
import { policyFor, type ProbeCase, type ProbeContext, type SandboxBackend } from './probe-cases';
import { probeEnv, runProbe, type ProbeRun, type Target } from './run-probe';

export interface Verdict {
  escaped: boolean;
  /** What the host (or the probe's own successful steps) showed. */
  evidence: string[];
  run: ProbeRun;
  /** Set when the sandbox refused the policy instead of running it. */
  refused?: { code: string; message: string };
}

const SIGSYS_STATUS = 128 + 31;
/** Where passDirFds descriptors appear in the child. */
const LEAKED_FD = 20;

export async function judgeCase(c: ProbeCase, target: { kind: 'sandbox'; backend: SandboxBackend } | 'host-control', int80: string | null): Promise<Verdict> {
  const fx = makeFixture(c.id.toLowerCase().replace(/[^a-z0-9]/g, ''));
  const listeners = await startListeners(fx.root);
  const victim = await startVictim();
  const ctx: ProbeContext = {
    fx,
    listeners,
    victim,
    int80,
    token: `600.${randomInt(100_000_000, 999_999_999)}`,
    isRoot: process.getuid?.() === 0,
  };
  const fds: number[] = [];
  try {
    const guarded = c.guarded?.(ctx) ?? [];
    const before = new Map<string, Map<string, EntrySnapshot>>(guarded.map((p) => [p, snapshot(p)]));
    for (const dir of c.passDirFds?.(ctx) ?? []) fds.push(openSync(dir, 'r'));
    // High numbers, clear of the descriptors a bwrap plan hands over itself (3, 4, ...).
    const stdio: StdioOptions | undefined = fds.length > 0 ? ['ignore', 'pipe', 'pipe', ...Array<'ignore'>(LEAKED_FD - 3).fill('ignore'), ...fds] : undefined;
    const opts = {
      cwd: fx.ws,
      env: probeEnv(c.env?.(ctx) ?? {}),
      ...(stdio === undefined ? {} : { stdio }),
    };
    const resolved: Target = target === 'host-control' ? { kind: 'host' } : { kind: 'sandbox', backend: target.backend, policy: policyFor(c, fx, target.backend) };
    const run = await runProbe(resolved, c.argv(ctx), opts);
    for (const fd of fds.splice(0)) closeSync(fd);
    if (run.refused) return { escaped: false, evidence: [], run, refused: run.refused };

    const evidence: string[] = [];
    if (run.report === undefined) {
      // A probe killed by the seccomp arch check (SIGSYS) did not get through; anything else
      // without a report means the probe never ran, and a test built on it would prove nothing.
      const killed = run.signal === 'SIGSYS' || run.exitCode === SIGSYS_STATUS;
      if (!killed) {
        throw new Error(`probe ${c.id} produced no report (exit ${run.exitCode}, signal ${run.signal}): ${run.stderr.trim()}`);
      }
    }
    for (const p of guarded) {
      const changed = changedPaths(before.get(p) as Map<string, EntrySnapshot>, snapshot(p));
      if (changed.length > 0) evidence.push(`host paths changed: ${changed.join(', ')}`);
    }
    await listeners.settle();
    const extra = await c.hostEvidence?.(ctx);
    if (extra) evidence.push(extra);
    const fromReport = run.report && c.reportEvidence?.(run.report.ops);
    if (fromReport) evidence.push(fromReport);
    if (c.countsOps && run.report) {
      for (const op of run.report.ops) if (op.ok && c.countsOps(op)) evidence.push(`${op.op} worked (${op.detail})`);
    }
    return { escaped: evidence.length > 0, evidence, run };
  } finally {
    for (const fd of fds) closeSync(fd);
    for (const pid of processesWithToken(ctx.token)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await victim.stop();
    await listeners.close();
    fx.remove();
  }
}

/** With CSBX_SECURITY_RESULTS=<file>, each verdict is appended as a JSON line (to build docs/security.md). */
export function recordVerdict(id: string, target: string, v: Verdict): void {
  const file = process.env.CSBX_SECURITY_RESULTS;
  if (!file) return;
  const line = {
    id,
    target,
    uid: process.getuid?.(),
    escaped: v.escaped,
    refused: v.refused?.code,
    refusal: v.refused?.message,
    backend: v.run.backend,
    evidence: v.evidence,
    ops: v.run.report?.ops.map((o) => `${o.op}: ${o.ok ? 'ok' : o.errno}`),
  };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}
