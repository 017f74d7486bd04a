// cli/foreground: a terminal's or supervisor's signal reaches the sandbox even when it arrives
// while the sandbox is being started (the child can print, and so be seen, before spawn returns).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import { waitForeground } from '../../lib/cli/foreground';

describe.runIf(process.platform !== 'win32')('waitForeground', () => {
  it('a SIGTERM delivered while the child is being started is passed on once it exists: 143', async () => {
    const status = await waitForeground(() => {
      const child = spawn('/bin/sh', ['-c', 'sleep 30'], { stdio: 'ignore' });
      // As a supervisor's kill would land between spawn() and the caller's next line.
      process.emit('SIGTERM', 'SIGTERM');
      return child;
    });
    expect(status).toBe(143);
  });

  it('a signal after the start is forwarded, and the handlers are gone afterwards', async () => {
    const before = process.listenerCount('SIGINT');
    const waiting = waitForeground(() => spawn('/bin/sh', ['-c', 'sleep 30'], { stdio: 'ignore' }));
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGINT', 'SIGINT');
    expect(await waiting).toBe(130);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('a start that throws leaves no handler behind', () => {
    const before = process.listenerCount('SIGTERM');
    expect(() =>
      waitForeground(() => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
