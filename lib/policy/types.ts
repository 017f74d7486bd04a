// policy/types: the typed forms of every policy, resolved policies and decisions.
//
// The policy/ folder owns the policy wire schemas and parsers, resolution against a cwd, the
// effective roots, the legacy bridge and explain(). It is pure and may import lib/errors.ts only;
// host lookups go through the injected Host (node-host.ts is the real one).
//
// Internal code is camelCase; the reference's wire formats (snake_case JSON) are converted once,
// in the parsers (parse-*.ts) and the serializers (wire.ts). String *values* such as
// 'project_roots' or 'external-sandbox' keep the reference spelling because they are data.

export type FileSystemAccessMode = 'read' | 'write' | 'deny';

export type FileSystemSpecialPath =
  | { kind: 'root' }
  | { kind: 'minimal' }
  | { kind: 'project_roots'; subpath?: string }
  | { kind: 'tmpdir' }
  | { kind: 'slash_tmp' }
  | { kind: 'unknown'; path: string; subpath?: string };

export type FileSystemPath = { type: 'path'; path: string } | { type: 'special'; value: FileSystemSpecialPath } | { type: 'glob_pattern'; pattern: string };

export interface FileSystemEntry {
  path: FileSystemPath;
  access: FileSystemAccessMode;
  /** 'skip': drop the entry when its path does not exist (default protected-metadata entries). */
  missingPathBehavior?: 'skip';
}

export type FileSystemPolicy = { kind: 'restricted'; entries: FileSystemEntry[]; globScanMaxDepth?: number } | { kind: 'unrestricted' } | { kind: 'external-sandbox' };

/** The reference's `NetworkSandboxPolicy` / `NetworkAccess`: no network, or the host's network. */
export type NetworkAccess = 'restricted' | 'enabled';

/**
 * The third mode: every connection goes through codex-sandbox's proxy, which decides it from
 * these rules (docs/network.md). Patterns are kept as written (validated, not normalized) so the
 * policy prints back as given; domain-pattern.ts parses them.
 */
export interface ProxiedNetwork {
  mode: 'proxied';
  /** `host`, `*.suffix` (subdomains only), `**.suffix` (apex and subdomains), `*` (anything); each with an optional `:port`. */
  allowedDomains: string[];
  /** The same patterns except the global `*`; a deny match always wins. */
  deniedDomains: string[];
  /** Loopback, link-local and private destinations are refused unless this is true. */
  allowLocalBinding: boolean;
  /** Absolute paths of unix sockets the sandboxed command may connect to. */
  unixSockets: string[];
}

/**
 * Compare with `isOpenNetwork` / `isProxiedNetwork` (network-predicates.ts), never by a bare
 * `!== 'restricted'`: a proxied policy is neither restricted nor open.
 */
export type NetworkPolicy = NetworkAccess | ProxiedNetwork;

/** The split pair every input form is converted into. */
export interface SandboxPolicy {
  fileSystem: FileSystemPolicy;
  network: NetworkPolicy;
}

/** The reference's newest runtime form (Era C). */
export type PermissionProfile =
  | {
      type: 'managed';
      fileSystem: { type: 'restricted'; entries: FileSystemEntry[]; globScanMaxDepth?: number } | { type: 'unrestricted' };
      network: NetworkPolicy;
    }
  | { type: 'disabled' }
  | { type: 'external'; network: NetworkAccess };

/** Era B `ReadOnlyAccess`, accepted as legacy input. */
export type ReadOnlyAccess = { type: 'full-access' } | { type: 'restricted'; includePlatformDefaults: boolean; readableRoots: string[] };

/** Legacy `SandboxPolicy` JSON (all eras). */
export type LegacySandboxPolicy =
  | { type: 'danger-full-access' }
  | { type: 'read-only'; access: ReadOnlyAccess; networkAccess: boolean }
  | { type: 'external-sandbox'; networkAccess: NetworkAccess }
  | {
      type: 'workspace-write';
      writableRoots: string[];
      readOnlyAccess: ReadOnlyAccess;
      networkAccess: boolean;
      excludeTmpdirEnvVar: boolean;
      excludeSlashTmp: boolean;
    };

export type HostKind = 'file' | 'dir' | 'symlink' | 'other';

/**
 * The one read-only view of the host every stage reads it through: resolution (existence,
 * symlinks, gitdir pointers, env) and the planners (canonical paths, deny-glob listings, empty
 * mount targets). Required and passed down, so the plan memo (spawn/plan-memo.ts) sees every
 * question a plan depends on; `nodeHost()` is the real one, tests pass fakes.
 */
export interface Host {
  /** The process's current directory, used to absolutize a relative cwd or $TMPDIR. */
  processCwd(): string;
  homeDir(): string | undefined;
  env(name: string): string | undefined;
  /** Does not follow a final symlink; undefined when the path does not exist. */
  lstat(path: string): HostKind | undefined;
  /** Follows symlinks; undefined when the path (or its target) does not exist. */
  stat(path: string): Exclude<HostKind, 'symlink'> | undefined;
  /** The canonical path (realpath(3)), or undefined when it cannot be resolved. */
  realpath(path: string): string | undefined;
  readFile(path: string): string | undefined;
  /** Entries of a directory (no `.`/`..`) with their lstat kind; undefined when unreadable. */
  readdir(path: string): { name: string; kind: HostKind }[] | undefined;
  /** True when the path is an empty regular file or an empty directory. */
  isEmpty(path: string): boolean;
}

/** Where a resolved rule came from, so explain() and denial hints can name it. */
export type RuleOrigin = { kind: 'entry'; index: number; entry: FileSystemEntry; label: string } | { kind: 'protected'; name: string; root: string };

export interface ResolvedEntry {
  /** Absolute, lexically normalized. */
  path: string;
  access: FileSystemAccessMode;
  origin: RuleOrigin;
}

export interface WritableRoot {
  root: string;
  readOnlySubpaths: string[];
  protectedMetadataNames: string[];
}

export interface ResolvedPolicy {
  cwd: string;
  policy: SandboxPolicy;
  /** Path entries that resolved, in input order (specials expanded, skip-missing dropped). */
  entries: ResolvedEntry[];
  fullDiskRead: boolean;
  fullDiskWrite: boolean;
  includePlatformDefaults: boolean;
  readableRoots: string[];
  writableRoots: WritableRoot[];
  unreadableRoots: string[];
  unreadableGlobs: string[];
  globScanMaxDepth?: number;
  /** Non-fatal notes (unknown special paths ignored, unparsable gitdir pointers, ...). */
  warnings: string[];
  /**
   * Platform default read roots that exist on the host, present when `includePlatformDefaults`
   * (a readable `:minimal` entry). explain() makes them readable where the entries deny only by
   * default (no covering entry, or a deny of `/`); an explicit deny elsewhere still wins.
   */
  platformDefaultReadRoots?: string[];
  /** Project roots the `project_roots` specials expanded against (default `[cwd]`). */
  workspaceRoots?: string[];
  /**
   * Protected metadata paths that are not `<writable root>/<protected name>`: the resolved
   * `gitdir:` target of a `.git` pointer file. Lexical, for explain()'s write guard.
   */
  protectedPaths?: { path: string; root: string; name: string }[];
}

export type DecidedBy =
  | { kind: 'unrestricted' }
  | { kind: 'entry'; index: number; label: string; path: string; access: FileSystemAccessMode }
  | { kind: 'protected'; name: string; root: string; path: string }
  | { kind: 'glob'; pattern: string }
  | { kind: 'default-deny' };

export interface Decision {
  /** The candidate, absolute and lexically normalized. */
  path: string;
  requested: 'read' | 'write';
  allowed: boolean;
  /** The effective access at this path (before the protected-name guard for writes). */
  effective: FileSystemAccessMode;
  decidedBy: DecidedBy;
  /** One sentence a person can read: "write denied: /w/.git is protected metadata under /w". */
  reason: string;
}
