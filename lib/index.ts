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
export type * from './platform/common/types';
