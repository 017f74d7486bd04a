// spawn/denials: turns EACCES / EPERM / EROFS messages in a sandboxed command's output into
// hints that name the policy entry responsible, using explain() as the single source of truth.
// Heuristic by nature (tools word errors differently); a line is reported only when explain()
// agrees that the path is denied.
import { posix } from 'node:path';

import { explain } from '../policy/explain';
import type { DecidedBy, ResolvedPolicy } from '../policy/types';

export interface Denial {
  path: string;
  access: 'read' | 'write';
  /** The output line the denial was found in. */
  line: string;
  decidedBy: DecidedBy;
  reason: string;
}

const ERROR_PHRASES = [/Permission denied/, /Read-only file system/, /Operation not permitted/];
const WRITE_HINTS = /Read-only file system|cannot (?:touch|create|remove|write|make|open .* for writing|move|overwrite)|Errno 30|EROFS/i;
/** Tools and phrases that only read: an ambiguous "Permission denied" from them is a read. */
const READ_HINTS = /^(?:cat|ls|head|tail|less|more|grep|rg|find|stat|du|wc|sort|diff|file|md5sum|sha\d+sum):|cannot (?:open directory|access)|for reading/;
const MAX_DENIALS = 50;

/** Quoted strings first (most tools quote paths), then bare absolute or ./ paths. */
function candidatePaths(line: string): string[] {
  const out: string[] = [];
  const quoted = /'([^']+)'|‘([^’]+)’|"([^"]+)"|`([^`]+)'/g;
  for (let m = quoted.exec(line); m !== null; m = quoted.exec(line)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  const bare = /(?:^|[\s:])((?:\/|\.\.?\/)[^\s:'"‘’`]*)/g;
  for (let m = bare.exec(line); m !== null; m = bare.exec(line)) out.push(m[1]);
  return out;
}

/** Denials found in `text`, each mapped to the policy entry that caused it. */
export function findDenials(text: string, resolved: ResolvedPolicy, cwd: string): Denial[] {
  const out: Denial[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    if (!ERROR_PHRASES.some((re) => re.test(line))) continue;
    const trimmed = line.trim();
    const writeLikely = WRITE_HINTS.test(trimmed);
    const readLikely = !writeLikely && READ_HINTS.test(trimmed);
    for (const candidate of candidatePaths(line)) {
      const path = posix.resolve(cwd, candidate);
      // A bare "P: Permission denied" (a shell redirect, say) may be either: read first.
      const order: ('read' | 'write')[] = writeLikely ? ['write'] : readLikely ? ['read'] : ['read', 'write'];
      for (const access of order) {
        const decision = explain(resolved, path, access);
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
