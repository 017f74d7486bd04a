// cli/commands/run: `codex-sandbox run [policy options] -- CMD ARGS...`. Runs CMD sandboxed with
// inherited stdio; the exit status is CMD's (128+N for signal N), 125 when it would not run,
// 126/127 from the helper when CMD is not executable / not found.
import { shellEnvironmentPolicy } from '../../config/shell-env-policy';
import { UsageError } from '../../errors';
import type { NetworkDecision } from '../../network/proxy';
import { prepareProxyLease } from '../../spawn/proxy-lease';
import { DEFAULT_ENV_POLICY } from '../../policy/env-policy';
import { nodeHost } from '../../policy/node-host';
import { execSandboxedIfAlone, type SandboxSpawnOptions, spawnSandboxed } from '../../spawn/spawn-sandboxed';
import type { CommandContext } from '../command';
import { waitForeground } from '../foreground';
import { parsePolicyOptions, POLICY_FLAGS, policyOptionsHelp, resolveOptionsPolicy } from '../policy-options';
import { unknownOption } from '../suggest';

export const RUN_USAGE = 'usage: codex-sandbox run [policy options] [--verbose] -- CMD [ARGS...]';

/** One stderr line per decision of the network proxy (docs/cli.md#run). */
export function formatNetworkDecision(d: NetworkDecision): string {
  const rule = d.rule === undefined ? '' : ` by rule ${JSON.stringify(d.rule)}`;
  return `codex-sandbox: network ${d.allowed ? 'allowed' : 'blocked'} ${d.host}:${d.port} (${d.protocol}): ${d.reason}${rule}`;
}

export const RUN_HELP = `${RUN_USAGE}

Runs CMD sandboxed, with stdin, stdout and stderr inherited. Signals sent to codex-sandbox
are forwarded to CMD. See docs/cli.md#run.

options:
${policyOptionsHelp()}
  --verbose                     proxied network: print each connection the proxy decided to stderr

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
  const verbose = before.includes('--verbose');
  const others = before.filter((arg) => arg !== '--verbose');
  const flag = others.find((a) => a.startsWith('-'));
  if (flag !== undefined) throw unknownOption('run', flag, [...POLICY_FLAGS, '--verbose']);
  if (others.length > 0) throw new UsageError(`unexpected argument "${others[0]}" for run: the command goes after "--"; ${RUN_USAGE}`, { value: others[0] });
  const command = sep < 0 ? [] : rest.slice(sep + 1);
  if (command.length === 0) throw new UsageError(`no command to run; ${RUN_USAGE}`);
  const { policy, cwd, config } = resolveOptionsPolicy(options, { processCwd: ctx.processCwd, env: ctx.env });
  // The proxy lives in this process and ends with its last sandbox (the lease's release).
  const lease = await prepareProxyLease(policy, cwd, { tcp: process.platform === 'darwin', host: nodeHost() });
  const launch: SandboxSpawnOptions = {
    policy,
    cwd,
    env: ctx.env,
    // config.toml's [shell_environment_policy] with the reference's defaults, else the library's.
    envPolicy: shellEnvironmentPolicy(config.config) ?? DEFAULT_ENV_POLICY,
    stdio: 'inherit',
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(lease === null ? {} : { proxyLease: lease }),
  };
  // Nothing to do after the command ends: the CLI's process becomes the sandbox (docs/cli.md#run).
  // Tried before the signal forwarding starts, so a signal before the exec ends the run as it would the sandbox.
  const start = lease === null && ctx.ownsProcess === true ? execSandboxedIfAlone(command, launch) : () => spawnSandboxed(command, launch);
  try {
    return await waitForeground(start);
  } finally {
    if (lease !== null) {
      if (verbose) for (const d of lease.decisions()) ctx.stderr(`${formatNetworkDecision(d)}\n`);
      await lease.release();
    }
  }
}
