// The public API of codex-sandbox: the only barrel in lib/. Everything a caller may rely on is
// exported here; deep imports are not part of the contract.

export {
  SandboxError,
  PolicyInvalidError,
  UnsupportedPolicyError,
  BackendUnavailableError,
  ConstraintError,
  ConfigParseError,
  PatchParseError,
  PatchApplyError,
  UsageError,
  SpawnError,
  isSandboxError,
} from './errors';
export type { SandboxErrorCode, ErrorSource, ErrorIssue } from './errors';

export type * from './policy/types';
export type * from './policy/wire-types';
export type * from './platform/common/types';

// Policy core: parse, convert, resolve, explain (lib/policy).
export {
  parsePermissionProfile,
  parseLegacySandboxPolicy,
  parseFileSystemSandboxPolicy,
  parseNetworkSandboxPolicy,
} from './policy/parse-policy';
export { parsePolicyInput, resolvePolicy, explain } from './policy/public-entry';
export type { PolicyInputContext, ResolveOptions, WindowsResolveOptions, ExplainOptions } from './policy/public-entry';
export type { PathFlavour } from './policy/resolve';
export { permissionProfileToPolicy, policyToPermissionProfile } from './policy/profile';
export { permissionProfileToWire, legacySandboxPolicyToWire, fileSystemPolicyToWire } from './policy/wire';
export { WRITES_OUTSIDE_WORKSPACE_MESSAGE } from './policy/legacy-bridge';
export {
  fromLegacySandboxPolicy,
  toLegacySandboxPolicy,
  legacyRuntimeFileSystemPolicy,
  needsDirectRuntimeEnforcement,
  isSemanticallyEquivalent,
  legacyPoliciesMatch,
  withAdditionalReadableRoots,
  withAdditionalWritableRoots,
} from './policy/public-entry';
export { semanticSignature } from './policy/equivalence';
export type { SemanticSignature } from './policy/equivalence';
export { explainNetwork } from './policy/explain-network';
export type { NetworkExplanation } from './policy/explain-network';
export { decideNetwork } from './policy/network-decide';
export type { NetworkReason, NetworkVerdict } from './policy/network-decide';
export { parseDomainPattern } from './policy/domain-pattern';
export type { DomainPattern, DomainRuleList } from './policy/domain-pattern';
export { isProxiedNetwork, isOpenNetwork } from './policy/network-predicates';
export { isPathWritableInRoot } from './policy/effective-roots';
export { builtinPolicy, builtinProfilePolicy, BUILTIN_POLICY_NAMES, BUILTIN_PROFILE_NAMES } from './policy/builtin';
export type { BuiltinPolicyName, BuiltinPolicyOptions, BuiltinProfileName } from './policy/builtin';
export { PROTECTED_METADATA_NAMES } from './policy/protected-metadata';
export { applyEnvPolicy, parseEnvPolicy, CORE_ENV_VARS, DEFAULT_ENV_EXCLUDES, DEFAULT_ENV_POLICY } from './policy/env-policy';
export type { EnvPolicy, EnvInherit } from './policy/env-policy';
export { PLATFORM_DEFAULT_READ_ROOTS_LINUX } from './policy/platform-defaults';
export { nodeHost } from './policy/node-host';
export {
  withAdditionalPermissions,
  shouldRequirePlatformSandbox,
  usesPlatformSandbox,
} from './policy/policy-transforms';
export type { AdditionalPermissions, SandboxPreference } from './policy/policy-transforms';

// The host-side network proxy for proxied networks (lib/network).
export { createNetworkProxy, sharedNetworkProxy } from './network/proxy';
export type { NetworkProxy, ProxyLease, ProxyOptions, NetworkDecision, Resolver } from './network/proxy';
export type { Dialer } from './network/open-checked';

// apply_patch and arg0 dispatch (lib/apply-patch, lib/arg0).
export { parsePatch } from './apply-patch/parse-patch';
export type { Hunk, UpdateChunk, ParsedPatch } from './apply-patch/parse-patch';
export { parsePatchStreaming, StreamingPatchParser } from './apply-patch/streaming-parser';
export { applyPatch, DEFAULT_APPLY_PATCH_POLICY } from './apply-patch/apply-patch';
export type { ApplyPatchOptions } from './apply-patch/apply-patch';
export type { ApplyPatchResult } from './apply-patch/apply-local';
export { maybeParseApplyPatch } from './apply-patch/invocation';
export type { ApplyPatchInvocation } from './apply-patch/invocation';
export { maybeParseApplyPatchVerified } from './apply-patch/verify-invocation';
export type { VerifiedApplyPatch, VerifiedFileChange } from './apply-patch/verify-invocation';
export { arg0Dispatch } from './arg0/arg0-dispatch';
export type { Arg0Options, Arg0Outcome } from './arg0/arg0-dispatch';
export type { PathAliases } from './arg0/path-aliases';

// Linux capability probing (lib/platform/linux/probe.ts): loads the addon on first call only.
export { probeCapabilities } from './platform/linux/probe';

// macOS Seatbelt planning (lib/platform/macos): pure, runs on any host.
export { planMacos, SANDBOX_EXEC_PATH, SEATBELT_UNAVAILABLE_MESSAGE } from './platform/macos/plan-macos';
export type { PlanMacosOptions, SeatbeltPlan } from './platform/macos/plan-macos';
export type { MacosNetworkOptions } from './platform/macos/network-rules';
export { SEATBELT_PLATFORM_DEFAULT_READ_ROOTS } from './platform/macos/platform-defaults';

// Config layers, requirements, lockfile and edits (lib/config).
export { loadConfig, assertEnforceable } from './config/load-config';
export type { LoadConfigOptions, EffectiveConfig, SourcedValue } from './config/load-config';
export type { ConfigReader, MdmReader } from './config/reader';
export type { ConfigLayer, LayerSource, TrustDecision } from './config/layer-types';
export type { Requirements, DenyReadRequirement, Sourced } from './config/requirements';
export type { PolicySource, UnenforceableSetting } from './config/resolve-sandbox';
export { exportConfigLock, verifyConfigLock } from './config/config-lock';
export type { ExportConfigLockOptions, VerifyConfigLockOptions } from './config/config-lock';
export { editConfigFile, applyConfigEdits } from './config/config-edit';
export type { ConfigEdit, ConfigWriter, EditConfigFileOptions } from './config/config-edit';

// Windows planning (lib/platform/windows): pure, runs on any host; the native runner and setup
// executables apply the rendered requests on Windows.
export { planWindows, windowsPlatformDefaultReadRoots, SANDBOX_ACCOUNTS, WINDOWS_SETUP_VERSION } from './platform/windows/plan-windows';
export type { PlanWindowsOptions } from './platform/windows/plan-windows';
export type {
  WindowsPlan,
  WindowsTokenPlan,
  WindowsElevatedPlan,
  AclOp,
  AceOp,
  ChildrenAceOp,
  NulDeviceOp,
  TokenSpec,
  LaunchSpec,
  CapabilityRoot,
} from './platform/windows/plan-types';
export type { WindowsHostView } from './policy/windows-host';
export type { WindowsResolvedPolicy, WindowsEntry, WindowsWritableRoot } from './policy/resolve-windows';
export type { WindowsPath } from './policy/windows-paths';
export { lexicalWindowsHost } from './policy/windows-host';
export { nodeWindowsHostView } from './platform/windows/node-host';
export { buildWindowsCommandLine, quoteWindowsArg, MAX_COMMAND_LINE_CHARS } from './platform/windows/command-line';
export { normalizeWindowsPath, isWindowsAbsolute } from './policy/windows-paths';

// Linux planning and running sandboxed commands (lib/platform/linux, lib/platform/plan-sandbox.ts,
// lib/spawn): planners are pure; spawn/ is the only module that starts sandboxed processes.
export { planSandbox, planResolved } from './platform/plan-sandbox';
export type { PlanSandboxOptions, SandboxPlan } from './platform/plan-sandbox';
export { planLinux, WSL1_MESSAGE } from './platform/linux/plan';
export type { LinuxPlan, BwrapPlan, LandlockPlan, SeccompPlan, PlanLinuxOptions, PlanFd } from './platform/linux/plan';
export type { MountOp } from './platform/linux/mount-ops';
export type { LandlockRule } from './platform/linux/landlock-plan';
export { spawnSandboxed, stopSandbox } from './spawn/spawn-sandboxed';
export type { SandboxSpawnOptions, SandboxChildProcess, SandboxOutcome } from './spawn/spawn-sandboxed';
export { runSandboxed, DEFAULT_MAX_BUFFER } from './spawn/run-sandboxed';
export type { SandboxRunResult, SandboxRunOptions } from './spawn/run-sandboxed';
export type { Denial } from './spawn/denials';
export type { NetworkDenial } from './spawn/proxy-lease';
