// apply-patch/apply-patch: the public applyPatch. It applies under a policy, workspace-write of
// its cwd when none is given (`policy: 'danger-full-access'` applies in this process,
// apply-local.ts, as nothing would be enforced anyway). It refuses early, from the policy alone, any patch that writes
// where the policy does not allow, and then applies the patch in a sandboxed child: this package's
// own entry run as `--codex-run-as-apply-patch PATCH` (the reference's helper mode) through
// spawn/, so the kernel enforces the same policy a command would get. The early check gives a
// clear message; the sandbox is what actually guarantees it.
//
// lib/apply-patch owns the apply_patch format: a pure parser, the matcher, an atomic applier,
// command recognition. It imports errors, and policy/spawn (platform/common types) for this
// sandboxed mode only; it never touches process.argv, stdout or exit codes (arg0/ and cli/ do).

import { join, resolve } from 'node:path';

import { PatchApplyError, UsageError } from '../errors';
import { PACKAGE_ROOT } from '../package-root';
import type { BackendChoice } from '../platform/common/types';
import { explain } from '../policy/explain';
import { nodeHost } from '../policy/node-host';
import { parsePolicyInput } from '../policy/parse-policy';
import { resolvePolicy } from '../policy/resolve';
import type { Host, SandboxPolicy } from '../policy/types';
import type { PolicyInput } from '../policy/wire-types';
import { spawnSandboxed } from '../spawn/spawn-sandboxed';
import { applyPatchLocally, formatSummary, type ApplyPatchResult } from './apply-local';
import { PRESERVE_LINE_ENDINGS_ENV, type LineEndingMode } from './compute-changes';
import { parsePatch, type Hunk } from './parse-patch';

export interface ApplyPatchOptions {
  /** Relative hunk paths are resolved against it; it is also the policy's cwd. */
  cwd: string;
  /**
   * Apply inside the sandbox for this policy, in any form parsePolicyInput reads (a built-in
   * name, `{ sandbox, writableRoots, network }`, a wire form, a SandboxPolicy). Default
   * 'workspace-write' of `cwd`: the patch may write the cwd and the temp dirs, nothing else.
   */
  policy?: PolicyInput;
  backend?: BackendChoice;
  /** 'preserve' (default, the reference's: keep each line's CRLF/LF) or 'lf' (the older reference's). */
  lineEndings?: LineEndingMode;
  /** Environment of the sandboxed child (default process.env). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The entry the sandboxed child runs; it dispatches on --codex-run-as-apply-patch (lib/arg0). */
export const APPLY_PATCH_ENTRY = join(PACKAGE_ROOT, 'bin', 'codex-sandbox.js');
const RUN_AS_APPLY_PATCH = '--codex-run-as-apply-patch';
/**
 * Linux limits one argument to 128 KiB (MAX_ARG_STRLEN). A larger patch goes through stdin,
 * signalled by the PATCH `-`, which as a patch could only fail to parse.
 */
const MAX_PATCH_ARGUMENT_BYTES = 96 * 1024;

/** Every path the patch writes or removes, with the hunk spelling for messages. */
function writtenPaths(hunks: readonly Hunk[], cwd: string): Array<{ spelled: string; path: string }> {
  const out: Array<{ spelled: string; path: string }> = [];
  for (const hunk of hunks) {
    out.push({ spelled: hunk.path, path: resolve(cwd, hunk.path) });
    if (hunk.type === 'update' && hunk.movePath !== null) out.push({ spelled: hunk.movePath, path: resolve(cwd, hunk.movePath) });
  }
  return out;
}

/** Throws the first write the policy refuses, naming the path and the rule that decided. */
export function checkPatchAgainstPolicy(hunks: readonly Hunk[], cwd: string, policy: PolicyInput, host: Host): void {
  const resolved = resolvePolicy(parsePolicyInput(policy, undefined, { cwd, host }), { cwd, host });
  for (const { spelled, path } of writtenPaths(hunks, cwd)) {
    // With the host view, a symlink that leads out of a writable root is refused here too.
    const decision = explain(resolved, path, 'write', { host });
    if (decision.allowed) continue;
    throw new PatchApplyError(
      `patch refused: it writes ${path}, which the sandbox policy does not allow (${decision.reason}); add a writable root that covers it or drop that hunk`,
      { path: [spelled], value: path, details: { reason: 'policy_refused', refusedPath: path, decidedBy: decision.decidedBy } },
    );
  }
}

interface ChildOutcome {
  /** node's status inside the sandbox, or null when it was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout then stderr: the child writes to exactly one of them. */
  output: string;
}

function runChild(patch: string, opts: ApplyPatchOptions): Promise<ChildOutcome> {
  // A NUL cannot be in an argument at all.
  const viaStdin = Buffer.byteLength(patch, 'utf8') > MAX_PATCH_ARGUMENT_BYTES || patch.includes('\0');
  const argv = [process.execPath, APPLY_PATCH_ENTRY, RUN_AS_APPLY_PATCH, viaStdin ? '-' : patch];
  const child = spawnSandboxed(argv, {
    cwd: opts.cwd,
    policy: policyOf(opts),
    stdio: [viaStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    ...(opts.backend === undefined ? {} : { backend: opts.backend }),
    // The child is the arg0 helper, which takes the mode from the environment, as the reference's.
    env: { ...(opts.env ?? process.env), [PRESERVE_LINE_ENDINGS_ENV]: opts.lineEndings === 'lf' ? '0' : '1' },
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  if (viaStdin) {
    // A child that exits before reading (it could not start) closes the pipe: its status and
    // output report that, so EPIPE here is not an error of its own.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(patch);
  }
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code, signal) => {
      done({ code, signal, output: `${Buffer.concat(out).toString('utf8')}${Buffer.concat(err).toString('utf8')}` });
    });
  });
}

async function applyPatchSandboxed(text: string, opts: ApplyPatchOptions, host: Host): Promise<ApplyPatchResult> {
  // Parse here first: a malformed patch never starts a sandbox, and the hunks name the paths to
  // check. The child parses the same text again (the text as given: parsing the kept lines a
  // second time would drop one more CR from a line ending in CR CR LF).
  const { hunks } = parsePatch(text);
  checkPatchAgainstPolicy(hunks, opts.cwd, policyOf(opts), host);
  const run = await runChild(text, opts);
  if (run.code === 0) {
    const added: string[] = [];
    const modified: string[] = [];
    const deleted: string[] = [];
    for (const h of hunks) {
      if (h.type === 'add') added.push(h.path);
      else if (h.type === 'delete') deleted.push(h.path);
      else modified.push(h.movePath ?? h.path);
    }
    return { added, modified, deleted, summary: formatSummary({ added, modified, deleted }) };
  }
  const said = run.output.replace(/\n+$/, '');
  const how = run.signal !== null ? `was ended by ${run.signal}` : `exited with status ${run.code}`;
  const message = run.code === 1 && said !== '' ? said : `sandboxed apply_patch ${how}${said === '' ? '' : `: ${said}`}; run \`codex-sandbox doctor\``;
  throw new PatchApplyError(message, {
    details: { reason: 'sandboxed_apply_failed', referenceText: message, exitCode: run.code, signal: run.signal, output: run.output },
  });
}

/**
 * Applies a patch in apply_patch format (see docs/apply-patch.md). Resolves with the reference's
 * summary; rejects with PatchParseError or PatchApplyError, in which case no file was changed.
 */
export function applyPatch(text: string, opts: ApplyPatchOptions): Promise<ApplyPatchResult> {
  const host = nodeHost();
  try {
    if (opts === null || typeof opts !== 'object' || typeof opts.cwd !== 'string') {
      throw new UsageError('applyPatch needs options with a cwd string; pass { cwd }', { path: ['cwd'], value: opts });
    }
    if (typeof text !== 'string') throw new UsageError('applyPatch needs the patch as a string', { value: typeof text });
    if (isUnrestricted(parsePolicyInput(policyOf(opts), undefined, { cwd: opts.cwd, host }))) {
      return Promise.resolve(applyPatchLocally(text, opts.cwd, opts.lineEndings ?? 'preserve'));
    }
  } catch (err) {
    return Promise.reject(err);
  }
  return applyPatchSandboxed(text, opts, host);
}

/** The policy applied when the caller names none. */
export const DEFAULT_APPLY_PATCH_POLICY: PolicyInput = 'workspace-write';

function policyOf(opts: ApplyPatchOptions): PolicyInput {
  return opts.policy ?? DEFAULT_APPLY_PATCH_POLICY;
}

/** Nothing to enforce: no sandbox is needed to apply the patch as this process would. */
function isUnrestricted(policy: SandboxPolicy): boolean {
  return policy.fileSystem.kind === 'unrestricted';
}
