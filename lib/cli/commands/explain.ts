// cli/commands/explain: `codex-sandbox explain [policy options] PATH [--access read|write] [--json]`.
// Answers from the resolved policy alone, without running anything or needing the addon.

import { UsageError } from '../../errors';
import { explain } from '../../policy/explain';
import { nodeHost } from '../../policy/node-host';
import { resolvePolicy } from '../../policy/resolve';
import type { DecidedBy, Decision } from '../../policy/types';
import type { CommandContext, CommandHandler } from '../command';
import { parsePolicyOptions, POLICY_OPTIONS_HELP, policyFromOptions } from '../policy-options';

export const EXPLAIN_HELP = `usage: codex-sandbox explain [policy options] PATH [--access read|write] [--json]

Says whether PATH may be read or written under the policy, and which entry decided.
A relative PATH is taken against --cwd. Symlinks on the host are followed as well, so a
link that leads somewhere the policy denies is denied.

options:
  --access read|write           the access to check (default: read)
  --json                        print {path, access, allowed, effective, decided_by, reason}
${POLICY_OPTIONS_HELP}

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

function parseArgs(rest: string[]): { path: string; access: 'read' | 'write'; json: boolean; help: boolean } {
  let path: string | undefined;
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
    } else if (arg === '--') {
      const after = rest.slice(i + 1);
      if (after.length !== 1 || path !== undefined) throw new UsageError('explain takes exactly one PATH; see codex-sandbox explain --help');
      path = after[0];
      break;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg} for explain; see codex-sandbox explain --help`, { source: { flag: arg }, value: arg });
    } else if (path !== undefined) {
      throw new UsageError(`explain takes exactly one PATH, got "${path}" and "${arg}"`, { value: arg });
    } else {
      path = arg;
    }
  }
  if (help) return { path: '', access, json, help };
  if (path === undefined) throw new UsageError('explain needs a PATH; see codex-sandbox explain --help');
  return { path, access, json, help };
}

export const explainCommand: CommandHandler = (argv: string[], ctx: CommandContext): number => {
  const { options, rest } = parsePolicyOptions(argv, { valueFlags: ['--access'] });
  const args = parseArgs(rest);
  if (args.help) {
    ctx.stdout(EXPLAIN_HELP);
    return 0;
  }
  const host = nodeHost(ctx.env);
  const { policy, cwd, origin } = policyFromOptions(options, { processCwd: ctx.processCwd, env: ctx.env });
  const resolved = resolvePolicy(policy, { cwd, host });
  const decision = explain(resolved, args.path, args.access, { host });
  if (args.json) {
    ctx.stdout(`${JSON.stringify(decisionToJson(decision))}\n`);
  } else {
    ctx.stdout(`${decision.path}: ${decision.reason} [policy: ${origin}]\n`);
    for (const warning of resolved.warnings) ctx.stderr(`codex-sandbox: warning: ${warning}\n`);
  }
  return decision.allowed ? 0 : 1;
};
