// cli/commands/windows-setup: `codex-sandbox windows-setup [policy options] [--uninstall]`. Runs
// the elevated backend's one-time provisioning (sandbox accounts, group, firewall rules, state
// directories, ACLs) for the policy's plan, or removes all of it. Must be run elevated; Windows only.
import { BackendUnavailableError, UsageError } from '../../errors';
import { planElevatedSetup } from '../../spawn/windows-launch';
import { nativeWindowsRunner } from '../../spawn/windows-runner';
import { runWindowsSetup } from '../../spawn/windows-setup';
import type { CommandContext } from '../command';
import { parsePolicyOptions, POLICY_FLAGS, policyFromOptions, policyOptionsHelp } from '../policy-options';
import { unknownOption } from '../suggest';

export const WINDOWS_SETUP_USAGE = 'usage: codex-sandbox windows-setup [policy options] [--uninstall]   (from an elevated prompt)';

export function windowsSetupCommand(argv: string[], ctx: CommandContext): number {
  const { options, rest } = parsePolicyOptions(argv);
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.stdout(`${WINDOWS_SETUP_USAGE}\n\noptions:\n  --uninstall                   remove the accounts, firewall rules, state and marker\n${policyOptionsHelp()}\n`);
    return 0;
  }
  const uninstall = rest.includes('--uninstall');
  const extra = rest.find((a) => a !== '--uninstall');
  if (extra?.startsWith('-')) throw unknownOption('windows-setup', extra, ['--uninstall', '--help', ...POLICY_FLAGS]);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}" for windows-setup; ${WINDOWS_SETUP_USAGE}`, { value: extra });
  if (process.platform !== 'win32') {
    throw new BackendUnavailableError(
      `windows-setup provisions the elevated Windows sandbox and runs on Windows only (this is ${process.platform}); \`codex-sandbox plan --platform windows --backend windows-elevated --json\` shows its setup request here`,
      { details: { platform: process.platform } },
    );
  }
  const { policy, cwd } = policyFromOptions(options, { processCwd: ctx.processCwd, env: ctx.env });
  const runner = nativeWindowsRunner();
  const plan = planElevatedSetup(policy, { cwd, env: ctx.env }, runner);
  const result = runWindowsSetup(plan, runner, ctx.env, uninstall);
  ctx.stdout(result.stdout);
  ctx.stderr(result.stderr);
  if (result.status === 0) {
    ctx.stdout(
      uninstall
        ? `removed the Windows sandbox accounts, group, firewall rules and ${plan.stateDirs.sandbox}\n`
        : `Windows sandbox set up: accounts ${plan.accounts.offline} and ${plan.accounts.online}, state in ${plan.stateDirs.sandbox}\n`,
    );
    return 0;
  }
  if (result.errorCode !== null) ctx.stderr(`codex-sandbox: windows-setup failed (${result.errorCode}); details in ${plan.stateDirs.sandbox}\\setup_error.txt\n`);
  return result.status ?? 125;
}
