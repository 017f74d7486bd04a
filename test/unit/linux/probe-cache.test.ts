// The helper's namespaces probe answered once per boot (lib/platform/linux/probe-cache.ts): kept
// only under the exact key, only in a file of this user's that nobody else can write, and renewed
// when asked for a fresh answer.
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { NAMESPACES_PROBE_FILE, namespacesProbeKey, namespacesProbeOnce, type NamespacesProbeRun } from '../../../lib/platform/linux/probe-cache';
import { withTempDir } from '../../helpers/temp';

/** A probe that counts its runs and answers `answer`. */
function counting(answer: NamespacesProbeRun): { probe: () => NamespacesProbeRun; runs: () => number } {
  let runs = 0;
  return {
    probe: () => {
      runs++;
      return answer;
    },
    runs: () => runs,
  };
}

/** A stand-in helper binary: the key names the file, not what it does. */
function fakeHelper(dir: string): string {
  const helper = join(dir, 'helper');
  copyFileSync('/bin/true', helper);
  return helper;
}

/** A helper, a state directory and a counting probe that answers "usable"; `once` asks the cache. */
function setup(dir: string): { helper: string; state: string; runs: () => number; once: () => NamespacesProbeRun } {
  const helper = fakeHelper(dir);
  const state = join(dir, 'state');
  const p = counting({ status: 0, output: '' });
  return { helper, state, runs: p.runs, once: () => namespacesProbeOnce(helper, p.probe, { dir: state }) };
}

/** Where entries are kept at all: Linux with a boot id, this process under no seccomp filter. */
const CACHING = process.platform === 'linux' && existsSync('/proc/sys/kernel/random/boot_id') && /^Seccomp:\s*0$/m.test(readFileSync('/proc/self/status', 'utf8'));

describe.runIf(CACHING)('probe cache (per boot)', () => {
  it('probes once, keeps the answer in a private file, and answers later calls from it', async () => {
    await withTempDir((dir) => {
      const helper = fakeHelper(dir);
      const state = join(dir, 'state');
      const p = counting({ status: 3, output: 'codex-sandbox-helper: namespaces probe: mount proc: Operation not permitted (errno 1)\n' });
      const first = namespacesProbeOnce(helper, p.probe, { dir: state });
      const second = namespacesProbeOnce(helper, p.probe, { dir: state });
      expect(p.runs()).toBe(1);
      expect(second).toStrictEqual(first);
      expect(lstatSync(state).mode & 0o777).toBe(0o700);
      expect(lstatSync(join(state, NAMESPACES_PROBE_FILE)).mode & 0o777).toBe(0o600);
    });
  });

  it('fresh probes again and replaces the entry', async () => {
    await withTempDir((dir) => {
      const helper = fakeHelper(dir);
      const state = join(dir, 'state');
      namespacesProbeOnce(helper, counting({ status: 125, output: 'codex-sandbox-helper: unshare: EPERM\n' }).probe, { dir: state });
      const now = counting({ status: 0, output: '' });
      expect(namespacesProbeOnce(helper, now.probe, { dir: state, fresh: true })).toStrictEqual({ status: 0, output: '' });
      expect(namespacesProbeOnce(helper, now.probe, { dir: state })).toStrictEqual({ status: 0, output: '' });
      expect(now.runs()).toBe(1);
    });
  });

  it('another helper binary, or the same path rebuilt, is probed anew', async () => {
    await withTempDir((dir) => {
      const { helper, state, runs, once } = setup(dir);
      once();
      const before = namespacesProbeKey(helper);
      utimesSync(helper, new Date(2000, 0, 1), new Date(2000, 0, 1));
      expect(namespacesProbeKey(helper)).not.toBe(before);
      once();
      expect(runs()).toBe(2);
      const other = join(dir, 'other-helper');
      copyFileSync(helper, other);
      const probed = counting({ status: 0, output: '' });
      namespacesProbeOnce(other, probed.probe, { dir: state });
      expect(probed.runs()).toBe(1);
    });
  });

  it('ignores an entry others could have written, a symlink, or one that is not its format', async () => {
    await withTempDir((dir) => {
      const { state, runs, once } = setup(dir);
      once();
      const file = join(state, NAMESPACES_PROBE_FILE);
      const good = readFileSync(file, 'utf8');

      chmodSync(file, 0o622);
      once();
      expect(runs()).toBe(2);

      unlinkSync(file);
      writeFileSync(join(dir, 'planted.json'), good, { mode: 0o600 });
      symlinkSync(join(dir, 'planted.json'), file);
      once();
      expect(runs()).toBe(3);

      for (const text of ['not json', JSON.stringify({ ...JSON.parse(good), status: 'usable' }), JSON.stringify({ ...JSON.parse(good), key: 'another boot' })]) {
        unlinkSync(file);
        writeFileSync(file, text, { mode: 0o600 });
        once();
      }
      expect(runs()).toBe(6);
    });
  });

  it('has no key (so always probes) under a seccomp filter, whose refusals cannot be told apart', async () => {
    await withTempDir((dir) => {
      const helper = fakeHelper(dir);
      const status = readFileSync('/proc/self/status', 'utf8');
      // This test process may itself run filtered (a container); the key follows what it reads.
      const filtered = status.replace(/^Seccomp:.*$/m, 'Seccomp:\t2').replace(/^Seccomp_filters:.*$/m, 'Seccomp_filters:\t1');
      const unfiltered = status.replace(/^Seccomp:.*$/m, 'Seccomp:\t0').replace(/^Seccomp_filters:.*$/m, 'Seccomp_filters:\t0');
      expect(namespacesProbeKey(helper, filtered)).toBeUndefined();
      expect(namespacesProbeKey(helper, unfiltered)).toContain(helper);
    });
  });

  it('keeps nothing in a directory others can write, and nothing for a probe that did not start', async () => {
    await withTempDir((dir) => {
      const helper = fakeHelper(dir);
      const shared = join(dir, 'shared');
      namespacesProbeOnce(helper, () => ({ status: null, output: '' }), { dir: shared });
      expect(existsSync(shared)).toBe(false);
      mkdirSync(shared);
      chmodSync(shared, 0o777);
      namespacesProbeOnce(helper, () => ({ status: 0, output: '' }), { dir: shared });
      expect(existsSync(join(shared, NAMESPACES_PROBE_FILE))).toBe(false);
    });
  });
});
