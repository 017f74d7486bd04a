// policy/glob/dialect: what differs between the platforms' glob syntax, as data. Everything else
// (wildcards, classes, `**` components, fail-closed handling of malformed patterns) is shared by
// the one tokenizer (tokenize.ts) and its renderers.

export interface GlobDialect {
  /** The path separator: `*`, `?` and classes never match it; `**` spans whole components. */
  separator: '/' | '\\';
  /** `\` escapes the next character. Off on Windows, where `\` is the separator. */
  escape: boolean;
  /** `{a,b}` alternates. */
  braces: boolean;
  /** Windows file names compare without case (docs/policy.md, "Deny globs"). */
  caseInsensitive: boolean;
}

/** Linux, macOS and explain(): the policy's own glob syntax. */
export const POSIX_GLOB: GlobDialect = { separator: '/', escape: true, braces: true, caseInsensitive: false };

/**
 * Windows deny-read globs: backslash-separated, so no escapes; the Windows expansion has never
 * read braces, and reading them now would change which files a Windows plan denies.
 */
export const WINDOWS_GLOB: GlobDialect = { separator: '\\', escape: false, braces: false, caseInsensitive: true };

/** The dialect a path key is written in: a drive or UNC path is Windows, anything else POSIX. */
export function dialectOfPath(path: string): GlobDialect {
  return /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\') ? WINDOWS_GLOB : POSIX_GLOB;
}
