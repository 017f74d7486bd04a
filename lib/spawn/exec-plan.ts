// spawn/exec-plan: replaces the current process with a plan's program (bwrap or the helper), as
// the reference's outer stage does when no host-side clean-up is needed (docs/reference.md#linux-lifecycle).
// The drop-in and `codex-sandbox run` use it: there, Node is just a launcher.
import { SpawnError } from '../errors';
import { loadAddon } from '../native';
import type { LinuxPlan } from '../platform/linux/plan';

/** True when the plan can replace this process: nothing to remove afterwards, no extra fds. */
export function canExecInPlace(plan: LinuxPlan): boolean {
  return plan.hostPrep.length === 0 && (plan.backend !== 'bwrap' || plan.fds.length === 0);
}

/**
 * The plan as `codex-sandbox run` executes it in place of itself, or null when run spawns it
 * (something to remove afterwards, or bwrap, whose monitor would die of a signal sent to run
 * rather than exit 128+N). The helper's monitor then gets `--exit-on-signal`: run's own exit
 * status for a SIGINT, SIGTERM, SIGHUP or SIGQUIT stays 128+N, as when Node reported it.
 * `codex-sandbox plan` shows this form, so it prints what run executes.
 */
export function runInPlaceForm(plan: LinuxPlan): LinuxPlan | null {
  if (plan.backend === 'bwrap' || !canExecInPlace(plan)) return null;
  if (plan.backend !== 'namespaces') return plan;
  const at = plan.argv.indexOf('--namespaces');
  return { ...plan, argv: [...plan.argv.slice(0, at + 1), '--exit-on-signal', ...plan.argv.slice(at + 1)] };
}

/** Never returns on success; throws SpawnError when execve fails. */
export function execPlan(plan: LinuxPlan, cwd: string, env: NodeJS.ProcessEnv): never {
  // plan.env is already in the plan's argv (the helper's --setenv).
  const envStrings = Object.entries(env)
    .filter((kv): kv is [string, string] => kv[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  process.chdir(cwd);
  // The bins write their code cache when the process ends (cli/code-cache.ts); execve ends it
  // without an 'exit' event.
  const beforeExec = (globalThis as Record<symbol, unknown>)[Symbol.for('codex-sandbox.beforeExec')];
  if (typeof beforeExec === 'function') beforeExec();
  const failure = loadAddon().execve(plan.argv[0], plan.argv, envStrings);
  throw new SpawnError(`failed to exec ${plan.argv[0]}: ${failure.call} errno ${failure.errno}; run \`codex-sandbox doctor\``, {
    value: plan.argv[0],
    details: { call: failure.call, errno: failure.errno },
  });
}
