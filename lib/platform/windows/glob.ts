// platform/windows/glob: deny-read glob patterns on Windows paths, and their snapshot expansion.
//
// Matching is policy/glob's with the Windows dialect (backslash separators, no escapes or braces,
// case-insensitive). Expansion walks a snapshot of the host, so files created later are not
// covered (docs/platforms/windows.md).
// May import errors, policy and the other files of this folder.

import { PolicyInvalidError } from '../../errors';
import { compileWindowsGlob } from '../../policy/glob/compile-windows';
import { WINDOWS_GLOB } from '../../policy/glob/dialect';
import { isGlob } from '../../policy/glob/tokenize';
import type { WindowsHostView } from '../../policy/windows-host';
import { formatWindowsPath, tryParseWindowsPath, windowsPathKey, type WindowsPath } from '../../policy/windows-paths';

/** Where the snapshot walk of a pattern starts, and how deep it may go. */
export interface DenyReadGlob {
  /** Absolute, backslash-separated. */
  pattern: string;
  /** The literal directory before the first glob character (a volume root at least). */
  walkRoot: string;
  /** Directory levels below walkRoot to visit; null means unbounded. */
  maxDepth: number | null;
}

/**
 * Splits an absolute pattern into its literal walk root and depth (docs/reference.md#windows-deny-read): depth is the number of
 * pattern components after the root, unbounded with `**`, capped by glob_scan_max_depth.
 */
export function describeDenyReadGlob(pattern: string, scanMaxDepth: number | undefined): DenyReadGlob {
  const normalized = pattern.replace(/\//g, '\\');
  const comps = normalized.split('\\');
  const firstGlob = comps.findIndex((c) => isGlob(c, WINDOWS_GLOB));
  const literal = firstGlob === -1 ? comps : comps.slice(0, firstGlob);
  const root = tryParseWindowsPath(literal.join('\\') === '' ? normalized : `${literal.join('\\')}\\`);
  if (root === null) {
    throw new PolicyInvalidError(
      `invalid deny-read glob pattern "${pattern}": it must be absolute after resolution (C:\\... or \\\\server\\share\\...); fix the glob_pattern entry`,
      { value: pattern },
    );
  }
  const globComps = firstGlob === -1 ? [] : comps.slice(firstGlob).filter((c) => c !== '');
  let depth: number | null = globComps.includes('**') ? null : globComps.length;
  if (scanMaxDepth !== undefined) depth = depth === null ? scanMaxDepth : Math.min(depth, scanMaxDepth);
  return { pattern: normalized, walkRoot: formatWindowsPath(root), maxDepth: depth };
}

/**
 * Expands a deny-read glob against a snapshot of the host: every existing file or directory under
 * walkRoot (within maxDepth) whose lexical spelling matches. Directories are visited once per
 * final path, so junction loops end. Files created later are not covered (docs/reference.md#windows-deny-read; documented).
 */
export function expandDenyReadGlob(glob: DenyReadGlob, host: WindowsHostView): string[] {
  const re = compileWindowsGlob(glob.pattern);
  const matches: string[] = [];
  const seen = new Set<string>();
  const rootPath = tryParseWindowsPath(glob.walkRoot) as WindowsPath;
  const visit = (dir: WindowsPath, depth: number): void => {
    const final = tryParseWindowsPath(host.finalPath(formatWindowsPath(dir)) ?? formatWindowsPath(dir)) ?? dir;
    const key = windowsPathKey(final);
    if (seen.has(key)) return;
    seen.add(key);
    const names = host.listDir(formatWindowsPath(dir));
    if (names === undefined) return;
    for (const name of [...names].sort()) {
      const child: WindowsPath = { ...dir, parts: [...dir.parts, name] };
      const text = formatWindowsPath(child);
      if (re.test(text)) matches.push(text);
      if (host.kind(text) === 'dir' && (glob.maxDepth === null || depth + 1 < glob.maxDepth)) visit(child, depth + 1);
    }
  };
  visit(rootPath, 0);
  return matches;
}
