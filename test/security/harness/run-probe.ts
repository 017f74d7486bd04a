// Runs one probe program either unsandboxed (the control that proves the probe can detect an
// escape) or inside a real sandbox through the public API, and returns what it reported.
import { spawn, type StdioOptions } from 'node:child_process';

import { loadSandboxApi, type BackendOption } from './sandbox-api';

export interface ProbeOp {
  op: string;
  ok: boolean;
  errno: string | null;
  detail: string;
}

export interface ProbeReport {
  probe: string;
  ops: ProbeOp[];
}

export type Target = { kind: 'host' } | { kind: 'sandbox'; backend: BackendOption; policy: unknown };

export interface ProbeRun {
  /** Set when the sandbox refused to run the command (fail closed): the code of the SandboxError. */
  refused?: { code: string; message: string };
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  report?: ProbeReport;
  /** The backend the plan used, when a sandbox ran. */
  backend?: string;
}

export interface RunProbeOptions {
  cwd: string;
  env?: Record<string, string>;
  stdio?: StdioOptions;
  timeoutMs?: number;
}

/** The probe's JSON line: the last stdout line that parses as a report. */
export function parseReport(stdout: string): ProbeReport | undefined {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const parsed = JSON.parse(lines[i]) as ProbeReport;
      if (typeof parsed.probe === 'string' && Array.isArray(parsed.ops)) return parsed;
    } catch {
      // not the report line; keep looking
    }
  }
  return undefined;
}

/** A minimal environment: what a probe needs and nothing from the test runner's own. */
export function probeEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', ...extra };
}

function runOnHost(argv: string[], opts: RunProbeOptions): Promise<ProbeRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? probeEnv(),
      stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 20_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      resolveRun({ exitCode, signal, stdout, stderr, report: parseReport(stdout) });
    });
  });
}

export async function runProbe(target: Target, argv: string[], opts: RunProbeOptions): Promise<ProbeRun> {
  if (target.kind === 'host') return runOnHost(argv, opts);
  const api = loadSandboxApi();
  try {
    const res = await api.runSandboxed(argv, {
      cwd: opts.cwd,
      permissionProfile: target.policy,
      backend: target.backend,
      env: opts.env ?? probeEnv(),
      ...(opts.stdio === undefined ? {} : { stdio: opts.stdio }),
      timeoutMs: opts.timeoutMs ?? 20_000,
    });
    const stdout = String(res.stdout);
    return {
      exitCode: res.exitCode,
      signal: res.signal,
      stdout,
      stderr: String(res.stderr),
      report: parseReport(stdout),
      backend: res.plan.backend,
    };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e.code === 'string' && e.code.startsWith('E_')) {
      return { refused: { code: e.code, message: String(e.message) }, exitCode: null, signal: null, stdout: '', stderr: '' };
    }
    throw err;
  }
}
