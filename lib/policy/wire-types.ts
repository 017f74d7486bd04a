// policy/wire-types: the reference's snake_case policy wire forms as TypeScript types, so a
// caller can write a policy object that type-checks before parsePolicyInput checks it at run
// time (wire-schema.ts holds the run-time schemas; test/unit/policy/wire-types.test.ts keeps the
// two in step). Older spellings the parser accepts (`none`, `current_working_directory`) are
// included because they are valid input.
import type { BuiltinPolicyName } from './builtin';
import type { FileSystemSpecialPath, NetworkPolicy, SandboxPolicy } from './types';

/** The typed special paths are spelled as on the wire, plus the older `current_working_directory`. */
export type SpecialPathWire = FileSystemSpecialPath | { kind: 'current_working_directory' };

export type FileSystemPathWire = { type: 'path'; path: string } | { type: 'special'; value: SpecialPathWire } | { type: 'glob_pattern'; pattern: string };

export interface FileSystemEntryWire {
  path: FileSystemPathWire;
  access: 'read' | 'write' | 'deny' | 'none';
  missing_path_behavior?: 'skip';
}

export type NetworkPolicyWire = NetworkPolicy;

/** The reference's `PermissionProfile` JSON (Era C), what `--permission-profile` takes. */
export type PermissionProfileWire =
  | {
      type: 'managed';
      file_system: { type: 'restricted'; entries?: readonly FileSystemEntryWire[]; glob_scan_max_depth?: number } | { type: 'unrestricted' };
      network?: NetworkPolicyWire;
    }
  | { type: 'disabled' }
  | { type: 'external'; network?: NetworkPolicyWire };

export type ReadOnlyAccessWire = { type: 'full-access' } | { type: 'restricted'; include_platform_defaults?: boolean; readable_roots?: readonly string[] };

/** The reference's legacy `SandboxPolicy` JSON (snake_case). */
export type LegacySandboxPolicyWire =
  | { type: 'danger-full-access' }
  | { type: 'read-only'; access?: ReadOnlyAccessWire; network_access?: boolean }
  | { type: 'external-sandbox'; network_access?: NetworkPolicyWire }
  | {
      type: 'workspace-write';
      writable_roots?: readonly string[];
      read_only_access?: ReadOnlyAccessWire;
      network_access?: boolean;
      exclude_tmpdir_env_var?: boolean;
      exclude_slash_tmp?: boolean;
    };

/** A bare `FileSystemSandboxPolicy` (the network is then restricted). */
export interface FileSystemSandboxPolicyWire {
  kind?: 'restricted' | 'unrestricted' | 'external-sandbox';
  entries?: readonly FileSystemEntryWire[];
  glob_scan_max_depth?: number;
}

/**
 * The short form: a built-in mode with its two common knobs. `writableRoots` needs
 * 'workspace-write'; `network` true or 'enabled' turns the network on.
 */
export interface ShortPolicy {
  sandbox: BuiltinPolicyName;
  writableRoots?: readonly string[];
  network?: boolean | NetworkPolicy;
}

/**
 * Every policy form the library entries accept under their `policy` option: a built-in name, the
 * short form, a wire form (object, or its JSON text), or a typed SandboxPolicy (builtinPolicy(),
 * parsePolicyInput() output).
 */
export type PolicyInput = BuiltinPolicyName | ShortPolicy | PermissionProfileWire | LegacySandboxPolicyWire | FileSystemSandboxPolicyWire | SandboxPolicy | (string & {});
