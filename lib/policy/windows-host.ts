// policy/windows-host: the read-only view of a Windows host that planning needs.
//
// Planning runs on any OS (`codex-sandbox plan --platform windows` on Linux), so the planner
// never touches the real file system: callers on Windows pass a view backed by the addon
// (GetFinalPathNameByHandleW, GetFileAttributesW), tests pass fakes, and everyone else gets the
// lexical view, under which nothing is known to exist. Imports nothing.

export interface WindowsHostView {
  /**
   * The final path of an existing file or directory, with junctions and symlinks resolved and
   * 8.3 short names expanded (GetFinalPathNameByHandleW), or undefined when it does not exist.
   */
  finalPath(path: string): string | undefined;
  /** What is at the path after following reparse points, or undefined when nothing is. */
  kind(path: string): 'file' | 'dir' | undefined;
  /** The names in a directory, or undefined when it cannot be listed. */
  listDir(path: string): string[] | undefined;
  /** A small text file's contents (a `.git` pointer), or undefined. */
  readText(path: string): string | undefined;
}

/** A host about which nothing is known: no path exists, no name is an alias. */
export const lexicalWindowsHost: WindowsHostView = {
  finalPath: () => undefined,
  kind: () => undefined,
  listDir: () => undefined,
  readText: () => undefined,
};
