// policy/glob/compile-windows: a Windows deny-read glob as a RegExp, or a typed refusal. Used by
// the Windows resolution (is the volume root denied?) and the Windows snapshot expansion.

import { PolicyInvalidError } from '../../errors';
import { WINDOWS_GLOB } from './dialect';
import { globToRegExp } from './to-regexp';

/** An absolute Windows glob (backslash-separated) as an anchored, case-insensitive regex. */
export function compileWindowsGlob(pattern: string): RegExp {
  const regex = globToRegExp(pattern, WINDOWS_GLOB);
  if (regex === undefined) {
    throw new PolicyInvalidError(`invalid deny-read glob pattern "${pattern}": it is malformed (a reversed range such as [z-a]); fix the glob_pattern entry`, {
      value: pattern,
    });
  }
  return regex;
}
