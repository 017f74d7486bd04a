// spawn/sandbox-stop: asking a sandbox to stop (killSignal) before ending it (SIGKILL), and the
// outcome of a run reported the same whichever backend ran it.
//
// The process Node started is bwrap, the helper's namespace monitor, the helper's reaper, the
// Seatbelt process group or the Windows runner. bwrap and the monitor die of any signal and take
// the namespace with them, so a graceful signal goes to their direct child instead: the sandbox's
// PID 1, the helper's reaper, which forwards SIGTERM, SIGINT, SIGHUP and SIGQUIT to the command
// (helper-reaper.cc). Outside a namespace (Landlock, seccomp) the reaper is Node's child itself.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

import { UsageError } from '../errors';
import type { BackendName } from '../platform/common/types';

/** The signals the reaper forwards to the command, plus SIGKILL (no grace). */
export const KILL_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGKILL'];
export const DEFAULT_FORCE_KILL_AFTER_MS = 5000;

export function checkKillOptions(killSignal: unknown, forceKillAfterMs: unknown): void {
  if (killSignal !== undefined && !(KILL_SIGNALS as readonly unknown[]).includes(killSignal)) {
    throw new UsageError(`invalid killSignal ${JSON.stringify(killSignal)}; use one of ${KILL_SIGNALS.join(', ')} (the sandbox forwards only these to the command)`, {
      path: ['killSignal'],
      value: killSignal,
    });
  }
  if (forceKillAfterMs !== undefined && (typeof forceKillAfterMs !== 'number' || !Number.isFinite(forceKillAfterMs) || forceKillAfterMs < 0)) {
    throw new UsageError(`invalid forceKillAfterMs ${String(forceKillAfterMs)}; pass milliseconds >= 0`, { path: ['forceKillAfterMs'], value: forceKillAfterMs });
  }
}

/** Direct children of `pid` (the sandbox's PID 1 for bwrap and the namespace monitor). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter((s) => s !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Delivers `signal` to the command of a running sandbox without ending the sandbox itself, where
 * the backend can: false when it cannot (Windows has no such signal), and the caller ends it.
 */
export function signalCommand(child: ChildProcess, backend: BackendName | undefined, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return true;
  if (backend === 'bwrap' || backend === 'namespaces') {
    const pid1 = childrenOf(child.pid);
    for (const pid of pid1) {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone meanwhile: its exit ends the sandbox anyway.
      }
    }
    return pid1.length > 0;
  }
  if (backend === 'seatbelt') {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
    return true;
  }
  if (backend === 'landlock' || backend === 'seccomp') return child.kill(signal);
  return false;
}

export interface StopRecord {
  timedOut: boolean;
  aborted: boolean;
  /** Every signal sent to end the sandbox, as the command sees it (SIGKILL for a forced end). */
  sent: Set<NodeJS.Signals>;
}

function signalName(n: number): NodeJS.Signals | null {
  for (const [name, value] of Object.entries(constants.signals)) if (value === n) return name as NodeJS.Signals;
  return null;
}

/**
 * One convention for every backend: a sandbox that was stopped (timeout, abort, stopSandbox) and
 * ended of a signal it was sent reads `{exitCode: null, signal}`. Where the helper relays that
 * death as 128+N (the reaper outside a namespace, bwrap's and the monitor's PID 1), the status is
 * mapped back to the signal only then: a command's own `exit 143` is not a signal. A command that
 * dies of a signal on its own reads 128+N on every Linux backend, as a shell reports it.
 */
export function normalizeExit(code: number | null, signal: NodeJS.Signals | null, stop: StopRecord): { exitCode: number | null; signal: NodeJS.Signals | null } {
  if (stop.sent.size === 0) return { exitCode: code, signal };
  const died = signal ?? (code !== null && code > 128 ? signalName(code - 128) : null);
  if (died !== null && stop.sent.has(died)) return { exitCode: null, signal: died };
  return { exitCode: code, signal };
}
