// arg0/conditional-dotenv: `$CODEX_HOME/.env.<suffix>` overlays that apply only when a TCP
// endpoint answers (docs/reference.md#arg0-dispatch), e.g. a proxy setting used only while the proxy is reachable:
//
//   # codex-env-if: {"type": "tcp_connect", "from": "HTTPS_PROXY", "timeout_ms": 300}
//   # codex-env-unset: ["NO_PROXY"]
//   HTTPS_PROXY=http://proxy.local:3128
//
// Files are taken in sorted order; backups and editor copies are skipped by name. A file whose
// first non-blank line is not `# codex-env-if:` is ignored. When the condition holds, the listed
// variables are unset and the file's assignments set, never a CODEX_* name. Any problem skips
// that file with a warning and the program continues.
//
// The probe is a real connect attempt. It runs in a short-lived node child (spawnSync) so that
// the environment is final before the caller's program starts; only users with overlay files
// pay for it.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { isReservedName, parseDotenv } from './dotenv';

const BACKUP_EXTENSIONS = new Set([
  'bak',
  'back',
  'backup',
  'bkp',
  'old',
  'orig',
  'original',
  'save',
  'saved',
  'disable',
  'disabled',
  'inactive',
  'off',
  'tmp',
  'temp',
  'swp',
  'swo',
  'example',
  'sample',
  'template',
  'dist',
]);
const IF_PREFIX = '# codex-env-if:';
const UNSET_PREFIX = '# codex-env-unset:';
const DEFAULT_TIMEOUT_MS = 500;
const MAX_TIMEOUT_MS = 5000;

export type OverlayCondition =
  | { type: 'tcp_connect'; host: string; port: number; timeoutMs: number }
  | { type: 'tcp_connect'; from: string; timeoutMs: number }
  | { not: OverlayCondition };

export interface OverlayHeader {
  condition: OverlayCondition;
  unset: string[];
}

/** Answers whether a TCP connection to host:port opens within timeoutMs. */
export type TcpProbe = (host: string, port: number, timeoutMs: number) => boolean;

/** Overlay files in CODEX_HOME, sorted, without backups and editor copies. */
export function listOverlayFiles(codexHome: string): string[] {
  let names: string[];
  try {
    names = readdirSync(codexHome);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    if (!name.startsWith('.env.') || name.length === '.env.'.length || name.endsWith('~')) continue;
    const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
    if (BACKUP_EXTENSIONS.has(ext)) continue;
    const path = join(codexHome, name);
    try {
      if (!statSync(path).isFile()) continue;
    } catch {
      continue;
    }
    out.push(path);
  }
  return out.sort();
}

function parseCondition(value: unknown, where: string): OverlayCondition {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected an object`);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if ('not' in record) {
    if (keys.length !== 1) throw new Error(`${where}: "not" takes no other fields, got ${keys.join(', ')}`);
    return { not: parseCondition(record.not, `${where}.not`) };
  }
  if (record.type !== 'tcp_connect') throw new Error(`${where}.type: expected "tcp_connect", got ${JSON.stringify(record.type)}`);
  const allowed = new Set(['type', 'from', 'host', 'port', 'timeout_ms']);
  const unknown = keys.filter((k) => !allowed.has(k));
  if (unknown.length > 0) throw new Error(`${where}: unknown field ${JSON.stringify(unknown[0])}`);
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (record.timeout_ms !== undefined) {
    const t = record.timeout_ms;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > MAX_TIMEOUT_MS) {
      throw new Error(`${where}.timeout_ms: expected an integer 1..${MAX_TIMEOUT_MS}, got ${JSON.stringify(t)}`);
    }
    timeoutMs = t;
  }
  if (record.from !== undefined) {
    if (record.host !== undefined || record.port !== undefined) throw new Error(`${where}: give either "from" or "host" and "port"`);
    if (typeof record.from !== 'string' || record.from === '') throw new Error(`${where}.from: expected a variable name`);
    return { type: 'tcp_connect', from: record.from, timeoutMs };
  }
  const { host, port } = record;
  if (typeof host !== 'string' || host === '') throw new Error(`${where}.host: expected a host name`);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${where}.port: expected an integer 1..65535, got ${JSON.stringify(port)}`);
  }
  return { type: 'tcp_connect', host, port, timeoutMs };
}

/** The header of an overlay file, null when it is not one; throws a reason when it is malformed. */
export function parseOverlayHeader(text: string): OverlayHeader | null {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  const first = (lines[i] ?? '').trim();
  if (!first.startsWith(IF_PREFIX)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(first.slice(IF_PREFIX.length));
  } catch (err) {
    throw new Error(`codex-env-if: invalid JSON: ${(err as Error).message}`);
  }
  const condition = parseCondition(parsed, 'codex-env-if');
  let unset: string[] | null = null;
  for (i++; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (!line.startsWith('#')) break;
    if (!line.startsWith(UNSET_PREFIX)) continue;
    if (unset !== null) throw new Error('codex-env-unset: given more than once');
    let list: unknown;
    try {
      list = JSON.parse(line.slice(UNSET_PREFIX.length));
    } catch (err) {
      throw new Error(`codex-env-unset: invalid JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) throw new Error('codex-env-unset: expected an array of variable names');
    unset = list as string[];
  }
  return { condition, unset: unset ?? [] };
}

/** Host and port of a proxy-like value; the scheme is optional and http is assumed. */
export function endpointFromValue(value: string): { host: string; port: number } {
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`cannot parse ${JSON.stringify(value)} as a URL`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new Error(`no host in ${JSON.stringify(value)}`);
  const defaults: Record<string, number> = { 'http:': 80, 'https:': 443, 'socks5:': 1080, 'socks5h:': 1080, 'socks4:': 1080 };
  const port = url.port !== '' ? Number(url.port) : defaults[url.protocol];
  if (port === undefined) throw new Error(`no port in ${JSON.stringify(value)} and no default for ${url.protocol}`);
  return { host, port };
}

function evaluate(condition: OverlayCondition, assigned: Map<string, string>, probe: TcpProbe): boolean {
  if ('not' in condition) return !evaluate(condition.not, assigned, probe);
  if ('from' in condition) {
    const value = assigned.get(condition.from);
    if (value === undefined) throw new Error(`"from" names ${condition.from}, which this file does not assign`);
    const { host, port } = endpointFromValue(value);
    return probe(host, port, condition.timeoutMs);
  }
  return probe(condition.host, condition.port, condition.timeoutMs);
}

const PROBE_SCRIPT = `
const [host, port, timeout] = process.argv.slice(1);
const s = require('net').connect({ host, port: Number(port) });
s.setTimeout(Number(timeout));
s.on('connect', () => process.exit(0));
s.on('timeout', () => process.exit(1));
s.on('error', () => process.exit(1));
`;

/** A real connect attempt, run in a node child so that this process stays single-step. */
export const tcpProbeSync: TcpProbe = (host, port, timeoutMs) => {
  // Loaded here: arg0 is on the start-up path of every dispatch, and only overlay users probe.
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const r = spawnSync(process.execPath, ['-e', PROBE_SCRIPT, host, String(port), String(timeoutMs)], {
    stdio: 'ignore',
    timeout: timeoutMs + 2000,
  });
  return r.status === 0;
};

/** Applies every overlay whose condition holds; returns the files applied. */
export function loadConditionalOverlays(codexHome: string, env: NodeJS.ProcessEnv, warn: (text: string) => void, probe: TcpProbe = tcpProbeSync): string[] {
  const applied: string[] = [];
  for (const path of listOverlayFiles(codexHome)) {
    try {
      const text = readFileSync(path, 'utf8');
      const header = parseOverlayHeader(text);
      if (header === null) continue;
      const assignments = parseDotenv(text, env);
      const assigned = new Map(assignments);
      if (!evaluate(header.condition, assigned, probe)) continue;
      for (const name of header.unset) if (!isReservedName(name)) delete env[name];
      for (const [key, value] of assignments) if (!isReservedName(key)) env[key] = value;
      applied.push(path);
    } catch (err) {
      warn(`WARNING: skipped conditional dotenv overlay: ${path}: ${(err as Error).message}\n`);
    }
  }
  return applied;
}
