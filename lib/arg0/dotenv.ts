// arg0/dotenv: `<CODEX_HOME>/.env` loading with the reference's rules (docs/reference.md#arg0-dispatch): entries that do
// not parse are skipped, and no key starting with CODEX_ (any case) is ever set, because those
// variables steer Codex itself (its home, sandbox and line-ending switches).
//
// Syntax accepted (the common dotenv subset): `KEY=value`, optional `export `, `#` comment lines,
// unquoted values (trimmed, ` #` starts a comment), 'single-quoted' values taken literally, and
// "double-quoted" values with \n \r \t \" \\ \$ escapes that may span lines. `$VAR` and `${VAR}`
// in unquoted and double-quoted values expand from keys set earlier in the file, then the
// environment.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function expand(value: string, seen: Map<string, string>, env: NodeJS.ProcessEnv): string {
  return value.replace(/\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced?: string, bare?: string) => {
    if (match === '\\$') return '$';
    const name = braced ?? bare ?? '';
    return seen.get(name) ?? env[name] ?? '';
  });
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** Parses dotenv text into assignments in file order; malformed entries are skipped. */
export function parseDotenv(text: string, env: NodeJS.ProcessEnv = {}): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const seen = new Map<string, string>();
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  let pos = 0;
  while (pos < src.length) {
    let end = src.indexOf('\n', pos);
    if (end < 0) end = src.length;
    let line = src.slice(pos, end);
    pos = end + 1;
    line = line.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice('export '.length).trimStart();
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    let rest = line.slice(eq + 1).trimStart();
    let value: string;
    if (rest.startsWith("'")) {
      const close = rest.indexOf("'", 1);
      if (close < 0) continue;
      value = rest.slice(1, close);
    } else if (rest.startsWith('"')) {
      // May span lines: consume source text until the closing unescaped quote.
      let raw = rest.slice(1);
      let close = findClosingQuote(raw);
      while (close < 0 && pos < src.length) {
        let next = src.indexOf('\n', pos);
        if (next < 0) next = src.length;
        raw += `\n${src.slice(pos, next)}`;
        pos = next + 1;
        close = findClosingQuote(raw);
      }
      if (close < 0) continue;
      const body = raw.slice(0, close).replace(/\\([nrt"\\])/g, (_m, ch: string) => ESCAPES[ch]);
      value = expand(body, seen, env);
    } else {
      const hash = rest.search(/\s#/);
      if (hash >= 0) rest = rest.slice(0, hash);
      value = expand(rest.trim(), seen, env);
    }
    if (!KEY.test(key)) continue;
    seen.set(key, value);
    out.push([key, value]);
  }
  return out;
}

function findClosingQuote(raw: string): number {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\') i++;
    else if (raw[i] === '"') return i;
  }
  return -1;
}

/** True for names Codex reserves; a .env file may never set them. */
export function isReservedName(key: string): boolean {
  return key.slice(0, 6).toUpperCase() === 'CODEX_';
}

/** Loads `<codexHome>/.env` into `env`, overriding inherited values; returns the keys it set. */
export function loadCodexDotenv(codexHome: string, env: NodeJS.ProcessEnv): string[] {
  let text: string;
  try {
    text = readFileSync(join(codexHome, '.env'), 'utf8');
  } catch {
    return [];
  }
  const set: string[] = [];
  for (const [key, value] of parseDotenv(text, env)) {
    if (isReservedName(key)) continue;
    env[key] = value;
    set.push(key);
  }
  return set;
}
