// cli/commands/explain: `codex-sandbox explain [policy options] PATH [--access read|write] [--json]`.
// Answers from the resolved policy alone, without running anything or needing the addon.

import { UsageError } from '../../errors';
import { splitHostPort } from '../../policy/domain-pattern';
import { explain } from '../../policy/explain';
import { explainNetwork } from '../../policy/explain-network';
import { nodeHost } from '../../policy/node-host';
import { resolvePolicy } from '../../policy/resolve';
import type { DecidedBy, Decision } from '../../policy/types';
import type { CommandContext, CommandHandler } from '../command';
import { parsePolicyOptions, POLICY_FLAGS, policyFromOptions, policyOptionsHelp } from '../policy-options';
import { unknownOption } from '../suggest';

export const EXPLAIN_HELP = `usage: codex-sandbox explain [policy options] PATH [--access read|write] [--json]
       codex-sandbox explain [policy options] --host HOST[:PORT] [--json]

Says whether PATH may be read or written under the policy, and which entry decided.
A relative PATH is taken against --cwd. Symlinks on the host are followed as well, so a
link that leads somewhere the policy denies is denied.
With --host, says whether the network proxy lets the sandbox reach HOST (port 443 unless
given; [v6]:PORT for IPv6), and which domain rule decided. Names are judged by their rules
and spelling; the proxy also refuses a name that resolves to a private address.

options:
  --access read|write           the access to check (default: read)
  --host HOST[:PORT]            a network destination to check instead of a PATH
  --json                        print {path, access, allowed, effective, decided_by, reason},
                                or {host, port, network, allowed, reason, rule, message} with --host
${policyOptionsHelp()}

exit status: 0 when the access is allowed, 1 when it is denied, 125 for bad input.
`;

function decidedByJson(d: DecidedBy): Record<string, unknown> {
  switch (d.kind) {
    case 'entry':
      return { kind: 'entry', index: d.index, label: d.label, path: d.path, access: d.access };
    case 'protected':
      return { kind: 'protected', name: d.name, root: d.root, path: d.path };
    case 'glob':
      return { kind: 'glob', pattern: d.pattern };
    default:
      return { kind: d.kind };
  }
}

/** The snake_case JSON of a decision, as `--json` prints it. */
export function decisionToJson(decision: Decision): Record<string, unknown> {
  return {
    path: decision.path,
    access: decision.requested,
    allowed: decision.allowed,
    effective: decision.effective,
    decided_by: decidedByJson(decision.decidedBy),
    reason: decision.reason,
  };
}

interface ExplainArgs {
  path: string;
  access: 'read' | 'write';
  host?: { host: string; port: number };
  json: boolean;
  help: boolean;
}

function parseArgs(rest: string[]): ExplainArgs {
  let path: string | undefined;
  let host: ExplainArgs['host'];
  let access: 'read' | 'write' = 'read';
  let accessSeen = false;
  let json = false;
  let help = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--json') {
      json = true;
    } else if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg === '--access' || arg.startsWith('--access=')) {
      const value = arg === '--access' ? rest[++i] : arg.slice('--access='.length);
      if (value !== 'read' && value !== 'write') {
        throw new UsageError(`invalid value ${JSON.stringify(value ?? '')} for --access; use read or write`, { source: { flag: '--access' }, value });
      }
      if (accessSeen) throw new UsageError('--access was given twice; pass it once', { source: { flag: '--access' } });
      accessSeen = true;
      access = value;
    } else if (arg === '--host' || arg.startsWith('--host=')) {
      const value = arg === '--host' ? rest[++i] : arg.slice('--host='.length);
      if (host !== undefined) throw new UsageError('--host was given twice; pass it once', { source: { flag: '--host' } });
      host = splitHostPort(value ?? '', 443);
      if (host === undefined) {
        throw new UsageError(`invalid value ${JSON.stringify(value ?? '')} for --host; use HOST, HOST:PORT or [IPv6]:PORT with a port of 1-65535`, {
          source: { flag: '--host' },
          value,
        });
      }
    } else if (arg === '--') {
      const after = rest.slice(i + 1);
      if (after.length !== 1 || path !== undefined) throw new UsageError('explain takes exactly one PATH; see codex-sandbox explain --help');
      path = after[0];
      break;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw unknownOption('explain', arg, ['--access', '--host', '--json', '--help', ...POLICY_FLAGS]);
    } else if (path !== undefined) {
      throw new UsageError(`explain takes exactly one PATH, got "${path}" and "${arg}"`, { value: arg });
    } else {
      path = arg;
    }
  }
  if (help) return { path: '', access, json, help };
  if (host !== undefined) {
    if (path !== undefined) throw new UsageError(`explain takes a PATH or --host, not both; got "${path}" and --host`, { source: { flag: '--host' } });
    if (accessSeen) throw new UsageError('--access applies to a PATH, not to --host', { source: { flag: '--access' } });
    return { path: '', access, host, json, help };
  }
  if (path === undefined) throw new UsageError('explain needs a PATH or --host; see codex-sandbox explain --help');
  return { path, access, json, help };
}

export const explainCommand: CommandHandler = (argv: string[], ctx: CommandContext): number => {
  const { options, rest } = parsePolicyOptions(argv, { valueFlags: ['--access', '--host'] });
  const args = parseArgs(rest);
  if (args.help) {
    ctx.stdout(EXPLAIN_HELP);
    return 0;
  }
  const host = nodeHost(ctx.env);
  const { policy, cwd, origin } = policyFromOptions(options, { processCwd: ctx.processCwd, env: ctx.env });
  const resolved = resolvePolicy(policy, { cwd, host });
  if (args.host !== undefined) {
    const answer = explainNetwork(resolved, args.host.host, args.host.port);
    if (args.json) {
      const { message, ...rest } = answer;
      ctx.stdout(`${JSON.stringify({ ...rest, message })}\n`);
    } else {
      ctx.stdout(`${answer.message} [policy: ${origin}]\n`);
    }
    return answer.allowed ? 0 : 1;
  }
  const decision = explain(resolved, args.path, args.access, { host });
  if (args.json) {
    ctx.stdout(`${JSON.stringify(decisionToJson(decision))}\n`);
  } else {
    ctx.stdout(`${decision.path}: ${decision.reason} [policy: ${origin}]\n`);
    for (const warning of resolved.warnings) ctx.stderr(`codex-sandbox: warning: ${warning}\n`);
  }
  return decision.allowed ? 0 : 1;
};
