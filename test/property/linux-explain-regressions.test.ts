// Shrunk counterexamples of the Linux explain() property, kept as named regression cases.
import { describe, expect } from 'vitest';

import { itOn } from '../enforce/support';
import { runCase } from './linux-explain-harness';

describe('linux explain() property regressions', () => {
  itOn('bwrap')('bwrap: a readable file alone does not make its parent directories listable (restricted read)', async () => {
    expect(await runCase('bwrap', { fullRead: false, entries: [{ rel: 'd/e/r.txt', access: 'read' }] })).toEqual([]);
  });

  itOn('bwrap')('bwrap: a writable file root runs without masking protected names below the file', async () => {
    expect(await runCase('bwrap', { fullRead: false, entries: [{ rel: 'a/r.txt', access: 'write' }] })).toEqual([]);
  });

  itOn('bwrap')('bwrap: a denied directory with a writable grandchild stays traverse-only, the grandchild writable', async () => {
    expect(
      await runCase('bwrap', {
        fullRead: true,
        entries: [
          { rel: 'a', access: 'none' },
          { rel: 'a/b/c', access: 'write' },
        ],
      }),
    ).toEqual([]);
  });

  itOn('landlock')('landlock: restricted read with no tree entries denies the whole tree', async () => {
    expect(await runCase('landlock', { fullRead: false, entries: [] })).toEqual([]);
  });

  itOn('bwrap')('bwrap: two readable files reopened below a denied tree root both get mount points (bwrap --file fd reuse)', async () => {
    expect(
      await runCase('bwrap', {
        fullRead: true,
        entries: [
          { rel: 'd/e/r.txt', access: 'read' },
          { rel: 'a/r.txt', access: 'read' },
          { rel: '', access: 'none' },
        ],
      }),
    ).toEqual([]);
  });
});
