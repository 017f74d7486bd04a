// The pure parts of a run's report: how a stopped run's status reads (sandbox-stop.ts), bounded
// output (output-capture.ts) and the denial line collector over chunked output (denials.ts).
import { describe, expect, it } from 'vitest';

import { nodeHost } from '../../lib/policy/node-host';
import { resolvePolicy } from '../../lib/policy/public-entry';
import { DenialLineCollector } from '../../lib/spawn/denials';
import { BoundedCapture } from '../../lib/spawn/output-capture';
import { normalizeExit, type StopRecord } from '../../lib/spawn/sandbox-stop';

const stopped = (...sent: NodeJS.Signals[]): StopRecord => ({ timedOut: true, aborted: false, sent: new Set(sent) });

describe('normalizeExit', () => {
  it('a run nothing stopped reads as observed, 128+N included', () => {
    expect(normalizeExit(137, null, stopped())).toEqual({ exitCode: 137, signal: null });
    expect(normalizeExit(null, 'SIGSEGV', stopped())).toEqual({ exitCode: null, signal: 'SIGSEGV' });
  });

  it('a stopped run that died of the signal sent reads signal, exitCode null, whether relayed as 128+N or not', () => {
    expect(normalizeExit(137, null, stopped('SIGKILL'))).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(normalizeExit(null, 'SIGKILL', stopped('SIGKILL'))).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(normalizeExit(143, null, stopped('SIGTERM'))).toEqual({ exitCode: null, signal: 'SIGTERM' });
  });

  it('a stopped run that exited on its own terms keeps its status', () => {
    expect(normalizeExit(7, null, stopped('SIGTERM'))).toEqual({ exitCode: 7, signal: null });
    expect(normalizeExit(137, null, stopped('SIGTERM'))).toEqual({ exitCode: 137, signal: null });
  });
});

describe('BoundedCapture', () => {
  it('keeps the first limit bytes across chunks and flags the rest', () => {
    const c = new BoundedCapture(5);
    c.push(Buffer.from('abc'));
    c.push(Buffer.from('defg'));
    c.push(Buffer.from('h'));
    expect(c.toBuffer().toString()).toBe('abcde');
    expect(c.truncated).toBe(true);
  });

  it('output exactly at the limit is not truncated', () => {
    const c = new BoundedCapture(3);
    c.push(Buffer.from('abc'));
    expect(c.truncated).toBe(false);
    c.push(Buffer.alloc(0));
    expect(c.truncated).toBe(false);
  });
});

describe('DenialLineCollector', () => {
  const resolved = resolvePolicy('read-only', { cwd: '/' });

  it('finds a denial line split across chunks, and one without a final newline', () => {
    const c = new DenialLineCollector();
    for (const chunk of ['noise\nsh: 1: cannot create /etc/', 'a: Read-only file system\nmore noise\n', "EROFS: read-only file system, open '/etc/b'"]) c.push(Buffer.from(chunk));
    expect(c.denials(resolved, '/', nodeHost()).map((d) => [d.path, d.access])).toEqual([
      ['/etc/a', 'write'],
      ['/etc/b', 'write'],
    ]);
  });

  it('keeps UTF-8 paths intact', () => {
    const c = new DenialLineCollector();
    const line = Buffer.from("touch: cannot touch '/etc/é': Read-only file system\n");
    c.push(line.subarray(0, 27));
    c.push(line.subarray(27));
    expect(c.denials(resolved, '/', nodeHost()).map((d) => d.path)).toEqual(['/etc/é']);
  });

  it('keeps no more than a bounded number of lines however much is printed', () => {
    const c = new DenialLineCollector();
    const many = Buffer.from("touch: cannot touch '/etc/x': Read-only file system\n".repeat(10_000));
    c.push(many);
    expect(c.lines().length).toBeLessThanOrEqual(200);
  });
});
