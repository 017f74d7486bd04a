// config/toml-source: TOML text to a plain table, with every failure a located ConfigParseError.
// smol-toml reports line and column for syntax errors; positions of keys come from toml-scan.
import { parseToml as parse, TomlError } from './toml-lib';
import { ConfigParseError } from '../errors';
import { locateKey } from './toml-scan';

export type TomlTable = Record<string, unknown>;

/** Where a config value came from: a file (with its text, for positions) or a -c flag. */
export type ValueOrigin = { kind: 'file'; file: string; text: string } | { kind: 'flag'; flag: string };

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Parses a whole document; a syntax error names `file:line:col` and the parser's reason. */
export function parseTomlText(text: string, file: string, what = 'config file'): TomlTable {
  try {
    return parse(text) as TomlTable;
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
      throw new ConfigParseError(`invalid TOML in ${what} ${file}:${err.line}:${err.column}: ${reason}; fix the file and retry`, {
        source: { file, line: err.line, column: err.column },
        cause: err,
      });
    }
    throw err;
  }
}

/** Renders the TOML type of a value the way messages name it. */
export function tomlTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'datetime';
  if (isTable(value)) return 'table';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'bigint') return 'integer';
  return typeof value;
}

/** Builds a ConfigParseError located at `path` in its origin (file:line:col, or the -c flag). */
export function configError(origin: ValueOrigin, path: (string | number)[], message: string, value?: unknown, target: 'key' | 'value' = 'key'): ConfigParseError {
  const key = path.join('.');
  if (origin.kind === 'flag') {
    return new ConfigParseError(`${message} (${origin.flag} ${key})`, { source: { flag: origin.flag }, path, value });
  }
  const pos = locateKey(origin.text, path, target);
  const where = pos === undefined ? origin.file : `${origin.file}:${pos.line}:${pos.column}`;
  return new ConfigParseError(`${message} (${where})`, {
    source: { file: origin.file, key, ...(pos === undefined ? {} : { line: pos.line, column: pos.column }) },
    path,
    value,
  });
}
