// Windows planner tests start from a typed policy: this plans one the way planSandbox does after
// parsing (gate, the Windows flavour of resolvePolicy, planWindows), without planSandbox's
// backend-name check and with the caller's own wire profile.
import { planParsedWindows } from '../../lib/platform/plan-sandbox';
import type { WindowsPlan } from '../../lib/platform/windows/plan-types';
import type { PlanWindowsOptions } from '../../lib/platform/windows/plan-windows';
import type { SandboxPolicy } from '../../lib/policy/types';
import { fakeHost } from '../unit/policy/fake-host';

export type PlanWindowsPolicyOptions = PlanWindowsOptions & { cwd: string };

export function planWindowsPolicy(policy: SandboxPolicy, opts: PlanWindowsPolicyOptions): WindowsPlan {
  // A typed policy never reads this machine while it is parsed.
  return planParsedWindows(policy, opts, fakeHost({}));
}
