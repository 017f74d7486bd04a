// policy/public-entry: the policy core as lib/index.ts exports it. Each stage requires a Host;
// these entry points are the one place a caller's missing host becomes the live one
// (nodeHost()), made once per call and passed down. test/unit/host-defaults.test.ts keeps any
// other policy module from defaulting on its own.

import { isSemanticallyEquivalent as equivalentOn, legacyPoliciesMatch as legacyMatchOn, needsDirectRuntimeEnforcement as needsDirectOn } from './equivalence';
import { explain as explainOn, type ExplainOptions as StageExplainOptions } from './explain';
import { fromLegacySandboxPolicy as fromLegacyOn, legacyRuntimeFileSystemPolicy as legacyRuntimeOn, toLegacySandboxPolicy as toLegacyOn } from './legacy-bridge';
import { nodeHost } from './node-host';
import { parsePolicyInput as parseOn, type PolicyInputContext as StagePolicyInputContext } from './parse-policy';
import { withAdditionalReadableRoots as readableOn, withAdditionalWritableRoots as writableOn } from './policy-transforms';
import { resolvePolicy as resolveOn, type ResolveOptions as StageResolveOptions } from './resolve';
import type { WindowsResolvedPolicy, WindowsResolveOptions as StageWindowsResolveOptions } from './resolve-windows';
import { lexicalWindowsHost, type WindowsHostView } from './windows-host';
import type { Decision, Host, LegacySandboxPolicy, ResolvedPolicy, SandboxPolicy } from './types';
import type { PolicyInput } from './wire-types';
import type { ErrorSource } from '../errors';

/** The host the stage reads; default: this machine, as the process sees it now. */
type WithOptionalHost<T extends { host: unknown }> = Omit<T, 'host'> & { host?: T['host'] };

export type PolicyInputContext = WithOptionalHost<StagePolicyInputContext>;
export type ResolveOptions = WithOptionalHost<StageResolveOptions>;
/** The Windows flavour: without a Windows view, nothing on the Windows host is known to exist. */
export type WindowsResolveOptions = Omit<WithOptionalHost<StageWindowsResolveOptions>, 'windowsHost'> & { windowsHost?: WindowsHostView };
export type ExplainOptions = WithOptionalHost<StageExplainOptions>;

/**
 * One live view for every explain() without a host, so the canonical rules are derived once per
 * resolved policy (explain caches them per host object) rather than on every call.
 */
let explainHost: Host | undefined;

export function parsePolicyInput(input: unknown, source?: ErrorSource, context: PolicyInputContext = {}): SandboxPolicy {
  return parseOn(input, source, { ...context, host: context.host ?? nodeHost() });
}

// The POSIX overload last: `ReturnType<typeof resolvePolicy>` stays ResolvedPolicy, as before the Windows flavour.
export function resolvePolicy(input: PolicyInput, opts: WindowsResolveOptions): WindowsResolvedPolicy;
export function resolvePolicy(input: PolicyInput, opts: ResolveOptions): ResolvedPolicy;
export function resolvePolicy(input: PolicyInput, opts: ResolveOptions | WindowsResolveOptions): ResolvedPolicy | WindowsResolvedPolicy {
  // Malformed options go to the stage as given, so its refusal names what the caller passed.
  if (opts === null || typeof opts !== 'object') return resolveOn(input, opts as StageResolveOptions);
  const host = opts.host ?? nodeHost();
  if (opts.flavour === 'windows') return resolveOn(input, { ...opts, host, windowsHost: opts.windowsHost ?? lexicalWindowsHost });
  return resolveOn(input, { ...opts, host });
}

export function explain(resolved: ResolvedPolicy, path: string, access: 'read' | 'write', opts: ExplainOptions = {}): Decision {
  const host = opts.host === undefined ? (explainHost ??= nodeHost()) : opts.host;
  return explainOn(resolved, path, access, { ...opts, host });
}

export function fromLegacySandboxPolicy(legacy: LegacySandboxPolicy, cwd: string, host: Host = nodeHost()): SandboxPolicy {
  return fromLegacyOn(legacy, cwd, host);
}

export function legacyRuntimeFileSystemPolicy(legacy: LegacySandboxPolicy, cwd: string, host: Host = nodeHost()): SandboxPolicy {
  return legacyRuntimeOn(legacy, cwd, host);
}

export function toLegacySandboxPolicy(policy: SandboxPolicy, cwd: string, host: Host = nodeHost()): LegacySandboxPolicy {
  return toLegacyOn(policy, cwd, host);
}

export function isSemanticallyEquivalent(a: SandboxPolicy, b: SandboxPolicy, cwd: string, host: Host = nodeHost()): boolean {
  return equivalentOn(a, b, cwd, host);
}

export function legacyPoliciesMatch(a: LegacySandboxPolicy, b: LegacySandboxPolicy, cwd: string, host: Host = nodeHost()): boolean {
  return legacyMatchOn(a, b, cwd, host);
}

export function needsDirectRuntimeEnforcement(policy: SandboxPolicy, cwd: string, host: Host = nodeHost()): boolean {
  return needsDirectOn(policy, cwd, host);
}

export function withAdditionalReadableRoots(policy: SandboxPolicy, cwd: string, roots: readonly string[], host: Host = nodeHost()): SandboxPolicy {
  return readableOn(policy, cwd, roots, host);
}

export function withAdditionalWritableRoots(policy: SandboxPolicy, cwd: string, roots: readonly string[], host: Host = nodeHost()): SandboxPolicy {
  return writableOn(policy, cwd, roots, host);
}
