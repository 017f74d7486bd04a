// spawn/denials: turns EACCES / EPERM / EROFS messages in a sandboxed command's output into
// hints that name the policy entry responsible, using explain() as the single source of truth.
// Heuristic by nature (tools word errors differently); a line is reported only when explain()
// agrees that the path is denied.
import { posix } from 'node:path';

import { explain } from '../policy/explain';
import type { DecidedBy, Host, ResolvedPolicy } from '../policy/types';

export interface Denial {
  path: string;
  access: 'read' | 'write';
  /** The output line the denial was found in. */
  line: string;
  decidedBy: DecidedBy;
  reason: string;
}

// Case-insensitive: Node spells them `EACCES: permission denied, open '…'`, `EROFS: read-only file system`.
const ERROR_PHRASE = /permission denied|read-only file system|operation not permitted/i;
const WRITE_HINTS =
  /Read-only file system|cannot (?:touch|create|remove|write|make|open .* for writing|move|overwrite)|Errno 30|EROFS|, (?:mkdir|unlink|rename|rmdir|symlink|link|copyfile|utime|chmod|chown) '/i;
/** Tools and phrases that only read: an ambiguous "Permission denied" from them is a read. */
const READ_HINTS = /^(?:cat|ls|head|tail|less|more|grep|rg|find|stat|du|wc|sort|diff|file|md5sum|sha\d+sum):|cannot (?:open directory|access)|for reading/;
const MAX_DENIALS = 50;

/**
 * `sh: 1: cannot create .git/config2: Read-only file system`, `bash: out.txt: Permission denied`:
 * the field just before the error phrase, a verb such as "cannot create" taken off.
 */
const FIELD_BEFORE_PHRASE = /(?:^|: )([^:]+): (?:permission denied|read-only file system|operation not permitted)/i;
const LEADING_VERB = /^cannot (?:create(?: directory| regular file)?|touch|remove|open|access|write(?: to)?|make directory|move|overwrite|stat) /;

/** Quoted strings first (most tools quote paths), then bare absolute or ./ paths, then the field before the phrase. */
function candidatePaths(line: string): string[] {
  const out: string[] = [];
  const quoted = /'([^']+)'|‘([^’]+)’|"([^"]+)"|`([^`]+)'/g;
  for (let m = quoted.exec(line); m !== null; m = quoted.exec(line)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  const bare = /(?:^|[\s:])((?:\/|\.\.?\/)[^\s:'"‘’`]*)/g;
  for (let m = bare.exec(line); m !== null; m = bare.exec(line)) out.push(m[1]);
  const field = FIELD_BEFORE_PHRASE.exec(line)?.[1]?.trim().replace(LEADING_VERB, '');
  if (out.length === 0 && field !== undefined && field !== '' && !/\s/.test(field)) out.push(field);
  return out;
}

/** Denials found in `text`, each mapped to the policy entry that caused it. */
export function findDenials(text: string, resolved: ResolvedPolicy, cwd: string, host: Host): Denial[] {
  const out: Denial[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    if (!ERROR_PHRASE.test(line)) continue;
    const trimmed = line.trim();
    const writeLikely = WRITE_HINTS.test(trimmed);
    const readLikely = !writeLikely && READ_HINTS.test(trimmed);
    for (const candidate of candidatePaths(line)) {
      const path = posix.resolve(cwd, candidate);
      // A bare "P: Permission denied" (a shell redirect, say) may be either: read first.
      const order: ('read' | 'write')[] = writeLikely ? ['write'] : readLikely ? ['read'] : ['read', 'write'];
      for (const access of order) {
        const decision = explain(resolved, path, access, { host });
        if (decision.allowed) continue;
        const key = `${access}:${decision.path}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ path: decision.path, access, line: trimmed, decidedBy: decision.decidedBy, reason: decision.reason });
        }
        break;
      }
      if (out.length >= MAX_DENIALS) return out;
    }
  }
  return out;
}

const MAX_LINE_CHARS = 4096;
const MAX_KEPT_LINES = 200;

/**
 * Keeps, from a stream of output chunks, only the lines that could hold a denial, so denials can
 * be found in any amount of output at the cost of a few lines. One collector per stream: lines of
 * two streams would interleave.
 */
export class DenialLineCollector {
  private carry = '';
  private readonly kept: string[] = [];

  push(chunk: Buffer | string): void {
    if (this.kept.length >= MAX_KEPT_LINES) return;
    // latin1 keeps every byte one character, so scanning a huge output stays cheap; the lines
    // kept are re-decoded as UTF-8 in lines().
    const text = this.carry + (typeof chunk === 'string' ? Buffer.from(chunk).toString('latin1') : chunk.toString('latin1'));
    const lastNewline = text.lastIndexOf('\n');
    const complete = lastNewline < 0 ? '' : text.slice(0, lastNewline);
    const rest = lastNewline < 0 ? text : text.slice(lastNewline + 1);
    this.carry = rest.length > MAX_LINE_CHARS ? rest.slice(0, MAX_LINE_CHARS) : rest;
    if (complete === '' || !ERROR_PHRASE.test(complete)) return;
    for (const line of complete.split('\n')) {
      if (ERROR_PHRASE.test(line)) this.kept.push(line.slice(0, MAX_LINE_CHARS));
      if (this.kept.length >= MAX_KEPT_LINES) return;
    }
  }

  /** The kept lines, and a last one without its newline, as UTF-8 text. */
  lines(): string[] {
    const all = this.carry !== '' && ERROR_PHRASE.test(this.carry) ? [...this.kept, this.carry] : this.kept;
    return all.map((line) => Buffer.from(line, 'latin1').toString('utf8'));
  }

  denials(resolved: ResolvedPolicy, cwd: string, host: Host, ...others: DenialLineCollector[]): Denial[] {
    const lines = [this, ...others].flatMap((c) => c.lines());
    return findDenials(lines.join('\n'), resolved, cwd, host);
  }
}
