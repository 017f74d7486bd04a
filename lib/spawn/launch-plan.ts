// spawn/launch-plan: the plan for one launch. Parses, resolves and plans the caller's policy,
// reusing an earlier launch's plan through PlanMemo when nothing it was built from has changed
// (plan-memo.ts, docs/platforms/linux.md "Plans reused between launches").
import { nodeLinuxHostFs } from '../platform/linux/host-fs';
import { sandboxWritableDirs } from '../platform/linux/plan';
import { planResolved, resolveForPlatform, toSandboxPolicy, type PlanSandboxOptions, type SandboxPlan } from '../platform/plan-sandbox';
import { nodeHostView } from '../policy/node-host-view';
import type { ResolvedPolicy } from '../policy/types';
import { jsonSnapshot, PlanMemo, type PlanHosts } from './plan-memo';

export type LaunchRequest = Omit<PlanSandboxOptions, 'command' | 'hostView' | 'hostFs'> & { platform: 'linux' | 'macos' };

export interface LaunchPlan {
  plan: SandboxPlan;
  resolved: ResolvedPolicy;
}

/** One entry per policy, cwd and backend an agent uses; a miss costs only a fresh plan. */
const planMemo = new PlanMemo<LaunchPlan>(32);

/** The writable directories of each policy, for bwrap discovery before its plan is built. */
const writableDirsMemo = new PlanMemo<string[]>(32);

/**
 * Where a sandbox of `policyInput` could write (sandboxWritableDirs). Needed before planning:
 * probing bwrap runs it, so the probe must already skip a bwrap planted there (issue #20).
 * Remembered like plans, so a later launch pays only the re-checks of its host facts.
 */
export function launchWritableDirs(policyInput: unknown, platform: 'linux' | 'macos', cwd: string): string[] {
  const hosts: PlanHosts = { view: nodeHostView(), fs: nodeLinuxHostFs() };
  const build = (input: unknown, view: PlanHosts['view']): string[] => sandboxWritableDirs(resolveForPlatform(toSandboxPolicy(input, cwd, view), platform, cwd, view));
  const snapshot = jsonSnapshot(policyInput);
  if (snapshot === undefined) return build(policyInput, hosts.view);
  return writableDirsMemo.get(`${snapshot}\0${platform}\0${cwd}`, hosts, (recording) => build(JSON.parse(snapshot), recording.view));
}

/** Parses, resolves and plans `policyInput` against `hosts`, for a plan with no command yet. */
function buildPlan(policyInput: unknown, request: LaunchRequest, hosts: PlanHosts): LaunchPlan {
  const policy = toSandboxPolicy(policyInput, request.cwd, hosts.view);
  const resolved = resolveForPlatform(policy, request.platform, request.cwd, hosts.view);
  return { plan: planResolved(resolved, { ...request, command: [], hostView: hosts.view, hostFs: hosts.fs }), resolved };
}

/**
 * The plan for `command`: every planner ends its argv with `--` and the command, so the memo
 * keeps command-free plans and the command is appended per launch (an agent rarely runs the same
 * command twice, but it runs many under one policy).
 */
export function planLaunch(policyInput: unknown, request: LaunchRequest, command: string[]): LaunchPlan {
  // Made per launch, so a process.env the caller replaced is the one the host view reads.
  const hosts: PlanHosts = { view: nodeHostView(), fs: nodeLinuxHostFs() };
  const snapshot = jsonSnapshot(policyInput);
  const planned =
    snapshot === undefined
      ? buildPlan(policyInput, request, hosts)
      : planMemo.get(memoKey(snapshot, request), hosts, (recording) => buildPlan(JSON.parse(snapshot), request, recording));
  return { plan: { ...planned.plan, argv: [...planned.plan.argv, ...command] }, resolved: planned.resolved };
}

/** Every field of the request is part of the key, so a new planning option cannot be forgotten. */
function memoKey(snapshot: string, request: LaunchRequest): string {
  return `${snapshot}\0${JSON.stringify(request)}`;
}
