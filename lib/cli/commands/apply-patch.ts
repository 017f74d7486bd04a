// cli/commands/apply-patch: `codex-sandbox apply-patch [policy options] [PATCH | FILE] [--json]`.
// Applies a patch (argument, a file holding it, or stdin when absent) inside the sandbox for the
// policy. Without a policy option or a configured sandbox_mode the policy is workspace-write, not
// the global read-only default: applying a patch is a write, and read-only would refuse every patch.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

import { isSandboxError, UsageError } from '../../errors';
import { applyPatch } from '../../apply-patch/apply-patch';
import type { ApplyPatchResult } from '../../apply-patch/apply-local';
import type { CommandContext, CommandHandler } from '../command';
import { parsePolicyOptions, POLICY_FLAGS, policyFromOptions, policyOptionsHelp, resolveOptionsPolicy, type PolicyOptions } from '../policy-options';
import { unknownOption } from '../suggest';

export const APPLY_PATCH_HELP = `usage: codex-sandbox apply-patch [policy options] [PATCH | FILE] [--json]

Applies PATCH (apply_patch format; read from stdin when not given) inside the sandbox, so it
can write only where a sandboxed command could. An argument that is not patch text but names
an existing file is read as the patch. Every hunk is checked before anything is written; a
failing patch changes nothing. See docs/apply-patch.md.

Policy: the policy options below, else the configured sandbox_mode, else workspace-write
(the cwd, /tmp and $TMPDIR writable).

options:
  --json                        print {added, modified, deleted} or {error}
${policyOptionsHelp('workspace-write')}

exit status: 0 applied, 1 the patch did not apply (nothing changed), 125 bad usage or policy.
`;

const CHOOSERS = ['--sandbox', '--permission-profile', '--permissions'];
const OWN_FLAGS = ['--json', '--help', '-h'];

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    process.stdin.on('data', (b: Buffer) => parts.push(b));
    process.stdin.once('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    process.stdin.once('error', reject);
  });
}

/** The policy options, defaulting to workspace-write when neither a flag nor config chose one. */
function choosePolicy(options: PolicyOptions, ctx: CommandContext) {
  const policyCtx = { processCwd: ctx.processCwd, env: ctx.env };
  const chosen = CHOOSERS.some((f) => options.flags[f] !== undefined);
  const first = resolveOptionsPolicy(options, policyCtx);
  if (chosen || first.config.source.kind !== 'default') return first;
  return policyFromOptions({ ...options, sandbox: 'workspace-write', flags: { ...options.flags, '--sandbox': '--sandbox' } }, policyCtx);
}

/**
 * The patch an argument stands for. The reference's apply_patch takes its argument as patch text
 * only (and so does the `apply_patch` entry here); this command also takes a file, but only when
 * the text could not be a patch (its first line is no `*** Begin Patch` and no heredoc opener)
 * and it names an existing regular file, so patch text is never mistaken for a path.
 */
export function patchFromArgument(arg: string, cwd: string): string {
  const first = arg.trim().split('\n')[0]!.trim();
  if (first === '*** Begin Patch' || /^<<(EOF|'EOF'|"EOF")$/.test(first)) return arg;
  const file = resolve(cwd, arg);
  try {
    if (!statSync(file).isFile()) return arg;
  } catch {
    return arg;
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the patch file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { value: arg, cause: err });
  }
}

function resultJson(result: ApplyPatchResult): Record<string, unknown> {
  return { added: result.added, modified: result.modified, deleted: result.deleted };
}

export const applyPatchCommand: CommandHandler = async (argv: string[], ctx: CommandContext): Promise<number> => {
  const { options, rest } = parsePolicyOptions(argv);
  let json = false;
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--help' || arg === '-h') {
      ctx.stdout(APPLY_PATCH_HELP);
      return 0;
    }
    if (arg === '--') {
      positionals.push(...rest.slice(i + 1));
      break;
    }
    if (arg === '--json') {
      json = true;
    } else if (arg.startsWith('-')) {
      throw unknownOption('apply-patch', arg, [...OWN_FLAGS, ...POLICY_FLAGS]);
    } else {
      positionals.push(arg);
    }
  }
  if (positionals.length > 1) {
    throw new UsageError(`apply-patch takes one PATCH, got ${positionals.length} arguments; quote the patch or pass it on stdin`, {
      source: { argIndex: 1 },
    });
  }
  if (positionals.length === 0 && process.stdin.isTTY === true) {
    throw new UsageError('apply-patch needs a PATCH argument or the patch on stdin; see codex-sandbox apply-patch --help');
  }
  const { policy, cwd } = choosePolicy(options, ctx);
  const text = positionals[0] === undefined ? await readStdin() : patchFromArgument(positionals[0], ctx.processCwd);
  try {
    const result = await applyPatch(text, { cwd, policy, ...(options.backend === undefined ? {} : { backend: options.backend }) });
    ctx.stdout(json ? `${JSON.stringify(resultJson(result))}\n` : result.summary);
    return 0;
  } catch (err) {
    // A patch that does not parse or apply is the patch's problem (status 1, as apply_patch);
    // anything else (no backend, invalid policy) is codex-sandbox refusing (125, by the caller).
    if (!isSandboxError(err) || (err.code !== 'E_PATCH_PARSE' && err.code !== 'E_PATCH_APPLY')) throw err;
    if (json) ctx.stderr(`${JSON.stringify({ error: err.toJSON() })}\n`);
    else {
      const reference = err.details?.referenceText;
      ctx.stderr(`${typeof reference === 'string' ? reference : err.message}\n`);
    }
    return 1;
  }
};
