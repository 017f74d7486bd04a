// config/path-fields: relative-path resolution per layer (docs/reference.md#relative-paths). Fields typed as absolute
// paths are resolved against the base directory of the layer that set them, before merging, so a
// relative path always means "relative to the file that wrote it". Unknown keys are untouched.
import { expandHome, resolveAgainstBase } from '../policy/paths';
import { getPath } from './merge';
import { isTable, type TomlTable } from './toml-source';

export interface PathContext {
  home: string | undefined;
  /** Trust keys are compared case-insensitively on Windows (docs/reference.md#project-trust). */
  windows: boolean;
}

/** Fields whose value is one path. Dotted; `*` matches any one key (`agents.<role>.config_file`). */
const SINGLE_PATH_FIELDS = [
  'model_instructions_file',
  'experimental_compact_prompt_file',
  'model_catalog_json',
  'log_dir',
  'sqlite_home',
  'js_repl_node_path',
  'debug.config_lockfile.export_dir',
  'debug.config_lockfile.load_path',
  'agents.*.config_file',
];

/** Fields whose value is an array of paths. */
const PATH_LIST_FIELDS = ['sandbox_workspace_write.writable_roots', 'js_repl_node_module_dirs'];

/** `~` and `~/x` become paths under home; anything else is returned unchanged. */
export function expandHomePath(path: string, ctx: PathContext): string {
  return expandHome(path, ctx.home);
}

/** Lexically resolves `path` against an absolute `base`: home first, absolute kept, `..` folded. */
export function resolveConfigPath(path: string, base: string, ctx: PathContext): string {
  return resolveAgainstBase(path, base, ctx.home);
}

function expandWildcards(table: TomlTable, pattern: string[]): string[][] {
  let paths: string[][] = [[]];
  for (let i = 0; i < pattern.length - 1; i++) {
    const next: string[][] = [];
    for (const p of paths) {
      if (pattern[i] !== '*') {
        next.push([...p, pattern[i]]);
        continue;
      }
      const parent = getPath(table, p);
      if (isTable(parent)) for (const k of Object.keys(parent)) next.push([...p, k]);
    }
    paths = next;
  }
  return paths.map((p) => [...p, pattern[pattern.length - 1]]);
}

/**
 * Resolves the known path fields of one layer in place. A value of the wrong type is left as is:
 * the schema check later reports it with its position.
 */
export function resolveLayerPaths(table: TomlTable, base: string, ctx: PathContext): void {
  const apply = (pattern: string, list: boolean): void => {
    for (const path of expandWildcards(table, pattern.split('.'))) {
      const parent = getPath(table, path.slice(0, -1));
      if (!isTable(parent)) continue;
      const key = path[path.length - 1];
      const value = parent[key];
      if (!list && typeof value === 'string') parent[key] = resolveConfigPath(value, base, ctx);
      if (list && Array.isArray(value)) {
        parent[key] = value.map((v) => (typeof v === 'string' ? resolveConfigPath(v, base, ctx) : v));
      }
    }
  };
  for (const field of SINGLE_PATH_FIELDS) apply(field, false);
  for (const field of PATH_LIST_FIELDS) apply(field, true);
}
