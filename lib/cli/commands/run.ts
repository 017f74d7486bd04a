// cli/commands/run: `codex-sandbox run [policy options] -- CMD ARGS...`. Runs CMD sandboxed with
// inherited stdio; the exit status is CMD's (128+N for signal N), 125 when it would not run,
// 126/127 from the helper when CMD is not executable / not found.
import { shellEnvironmentPolicy } from '../../config/shell-env-policy';
import { UsageError } from '../../errors';
import { DEFAULT_ENV_POLICY } from '../../policy/env-policy';
import { spawnSandboxed } from '../../spawn/spawn-sandboxed';
import type { CommandContext } from '../command';
import { waitForeground } from '../foreground';
import { parsePolicyOptions, POLICY_FLAGS, policyOptionsHelp, resolveOptionsPolicy } from '../policy-options';
import { unknownOption } from '../suggest';

export const RUN_USAGE = 'usage: codex-sandbox run [policy options] -- CMD [ARGS...]';

export const RUN_HELP = `${RUN_USAGE}

Runs CMD sandboxed, with stdin, stdout and stderr inherited. Signals sent to codex-sandbox
are forwarded to CMD. See docs/cli.md#run.

options:
${policyOptionsHelp()}

exit status: CMD's own (128+N for signal N), 125 when codex-sandbox could not or would not
run it, 126 CMD not executable, 127 CMD not found.
`;

export async function runCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { options, rest } = parsePolicyOptions(argv);
  const sep = rest.indexOf('--');
  const before = sep < 0 ? rest : rest.slice(0, sep);
  if (before.includes('--help') || before.includes('-h')) {
    ctx.stdout(RUN_HELP);
    return 0;
  }
  const flag = before.find((a) => a.startsWith('-'));
  if (flag !== undefined) throw unknownOption('run', flag, POLICY_FLAGS);
  if (before.length > 0) throw new UsageError(`unexpected argument "${before[0]}" for run: the command goes after "--"; ${RUN_USAGE}`, { value: before[0] });
  const command = sep < 0 ? [] : rest.slice(sep + 1);
  if (command.length === 0) throw new UsageError(`no command to run; ${RUN_USAGE}`);
  const { policy, cwd, config } = resolveOptionsPolicy(options, { processCwd: ctx.processCwd, env: ctx.env });
  return waitForeground(() =>
    spawnSandboxed(command, {
      policy,
      cwd,
      env: ctx.env,
      // config.toml's [shell_environment_policy] with the reference's defaults, else the library's.
      envPolicy: shellEnvironmentPolicy(config.config) ?? DEFAULT_ENV_POLICY,
      stdio: 'inherit',
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    }),
  );
}
