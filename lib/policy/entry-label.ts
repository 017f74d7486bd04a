// policy/entry-label: the short human spelling of an entry used in decisions, warnings and errors
// (`:root`, `:project_roots/docs`, `/home/u/.ssh`, a glob pattern), in the TOML key style.

import type { FileSystemEntry, FileSystemSpecialPath } from './types';

export function specialLabel(value: FileSystemSpecialPath): string {
  switch (value.kind) {
    case 'project_roots':
      return value.subpath === undefined ? ':project_roots' : `:project_roots/${value.subpath}`;
    case 'unknown':
      return value.subpath === undefined ? value.path : `${value.path}/${value.subpath}`;
    default:
      return `:${value.kind}`;
  }
}

export function entryLabel(entry: FileSystemEntry): string {
  switch (entry.path.type) {
    case 'path':
      return entry.path.path;
    case 'special':
      return specialLabel(entry.path.value);
    case 'glob_pattern':
      return entry.path.pattern;
  }
}
