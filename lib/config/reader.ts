// config/reader: the only way config/ touches the host. Every file read, existence check and
// canonicalization goes through a ConfigReader, so tests can use fakes or real temp dirs and the
// rest of config/ stays pure. nodeConfigReader() is the real one.
import { readFileSync } from 'node:fs';

import { ConfigParseError } from '../errors';
import { nodeHost } from '../policy/node-host';
import type { Host } from '../policy/types';

/**
 * The Host's stat and realpath, with a stricter readFile: a config file that exists but cannot be
 * read, or is not UTF-8, is an error rather than a missing file.
 */
export interface ConfigReader extends Pick<Host, 'stat' | 'realpath'> {
  /** The file's text, or undefined when nothing exists at `path`. Any other failure throws. */
  readFile(path: string): string | undefined;
}

/**
 * macOS managed preferences (app id `com.openai.codex`). Reading them needs `defaults`, a child
 * process, which config/ may not start: the CLI injects a real reader on macOS, elsewhere none.
 */
export interface MdmReader {
  /** The raw value of the key (base64 text), or undefined when the key is not set. */
  read(key: 'config_toml_base64' | 'requirements_toml_base64'): string | undefined;
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Fatal: an invalid byte is an error, not U+FFFD. `ignoreBOM` keeps a BOM as readFileSync did. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A config file's text. Invalid UTF-8 would decode to U+FFFD, so a path in the file (a deny
 * entry, a writable root) would name another file than the one its author meant: refused, naming
 * the file (issue #20).
 */
export function decodeConfigText(bytes: Uint8Array, file: string): string {
  try {
    return utf8.decode(bytes);
  } catch (err) {
    throw new ConfigParseError(`${file} is not valid UTF-8: an invalid byte would decode to U+FFFD and a path in it would name another file; save the file as UTF-8`, {
      source: { file },
      cause: err,
    });
  }
}

export function nodeConfigReader(): ConfigReader {
  const host = nodeHost();
  return {
    stat: host.stat,
    realpath: host.realpath,
    readFile(path) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
      return decodeConfigText(bytes, path);
    },
  };
}

/**
 * Memoizes stat and realpath for one load: trust lookups canonicalize the same few directories
 * many times, and each realpath is an lstat per path component. Reads are not cached.
 */
export function cachingReader(reader: ConfigReader): ConfigReader {
  const stats = new Map<string, ReturnType<ConfigReader['stat']>>();
  const reals = new Map<string, string | undefined>();
  return {
    readFile: (path) => reader.readFile(path),
    stat(path) {
      if (!stats.has(path)) stats.set(path, reader.stat(path));
      return stats.get(path);
    },
    realpath(path) {
      if (!reals.has(path)) reals.set(path, reader.realpath(path));
      return reals.get(path);
    },
  };
}
