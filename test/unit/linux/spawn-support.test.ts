// spawn/ helpers that need no sandbox: the /proc preflight's failure test (docs/reference.md#proc-check, #conformance-cases), host
// mount-target clean-up, denial hints, and the deny-glob walker's limits.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { expandDenyGlobs, GLOB_MATCH_CAP, globSearchRoot } from '../../../lib/platform/linux/glob-expand';
import { nodeHost } from '../../../lib/policy/node-host';
import { resolvePolicy } from '../../../lib/policy/public-entry';
import { findDenials } from '../../../lib/spawn/denials';
import { pruneDeadHostPrep, trackHostPrep } from '../../../lib/spawn/host-prep';
import { isProcMountFailure } from '../../../lib/spawn/proc-preflight';
import { makeTempDir } from '../../helpers/temp';

/** The registry's hash of a target path, the first part of its markers' names. */
const hashOf = (path: string): string => createHash('sha256').update(path).digest('hex').slice(0, 16);
/** Field 22 of /proc/<pid>/stat, the start time the registry names runs by. */
const startTime = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
};

let tmp: { path: string; remove: () => void };
let t: string;
beforeEach(() => {
  tmp = makeTempDir('spawnsup');
  t = tmp.path;
});
afterEach(() => tmp.remove());

describe('/proc preflight', () => {
  it.each(['Invalid argument', 'Operation not permitted', 'Permission denied'])('detects "Can\'t mount proc on /newroot/proc: %s"', (errno) => {
    expect(isProcMountFailure(`bwrap: Can't mount proc on /newroot/proc: ${errno}\n`)).toBe(true);
  });

  it('does not mistake other mount failures for it', () => {
    expect(isProcMountFailure("bwrap: Can't bind mount /dev/null: Operation not permitted")).toBe(false);
    expect(isProcMountFailure("bwrap: Can't mount proc on /newroot/proc: No such device")).toBe(false);
  });
});

describe('host mount targets', () => {
  it('removes targets this run created that are still empty, deepest first', () => {
    const cleanup = trackHostPrep([
      { path: join(t, 'made-dir'), kind: 'dir' },
      { path: join(t, 'made-file'), kind: 'file' },
    ]);
    mkdirSync(join(t, 'made-dir'));
    writeFileSync(join(t, 'made-file'), '');
    cleanup();
    expect(readdirSync(t)).toStrictEqual([]);
  });

  it('never removes a target that existed before or that is no longer empty', () => {
    mkdirSync(join(t, 'mine'));
    const cleanup = trackHostPrep([
      { path: join(t, 'mine'), kind: 'dir' },
      { path: join(t, 'filled'), kind: 'file' },
    ]);
    writeFileSync(join(t, 'filled'), 'data');
    cleanup();
    expect(readdirSync(t).sort()).toStrictEqual(['filled', 'mine']);
  });
});

describe('host mount-target registry (concurrent runs)', () => {
  it('a target another live process registered is left for that process to remove', () => {
    const registry = join(t, 'registry');
    const target = { path: join(t, 'shared'), kind: 'dir' as const };
    const cleanup = trackHostPrep([target], registry);
    mkdirSync(target.path);
    // Pid 1 is always alive: it stands for a concurrent run in another process.
    writeFileSync(join(registry, `${hashOf(target.path)}.1-${startTime(1)}-1`), JSON.stringify(target));
    cleanup();
    expect(readdirSync(t)).toContain('shared');
  });

  it('markers of dead processes are pruned, so a crashed run does not keep targets forever', () => {
    const registry = join(t, 'registry');
    const target = { path: join(t, 'stub'), kind: 'file' as const };
    const cleanup = trackHostPrep([target], registry);
    writeFileSync(target.path, '');
    writeFileSync(join(registry, `${hashOf(target.path)}.999999999-1-1`), JSON.stringify(target));
    cleanup();
    expect(readdirSync(t)).toStrictEqual(['registry']);
  });

  it('the next run finishes the clean-up of a run that died: its empty stubs and markers go', () => {
    const registry = join(t, 'registry');
    const stub = join(t, '.codex');
    mkdirSync(registry);
    mkdirSync(stub);
    writeFileSync(join(registry, `${hashOf(stub)}.999999999-1-1`), JSON.stringify({ kind: 'dir', path: stub }));
    trackHostPrep([{ path: join(t, 'other'), kind: 'file' }], registry)();
    expect(readdirSync(t)).toStrictEqual(['registry']);
    expect(readdirSync(registry).filter((n) => n !== 'lock')).toStrictEqual([]);
  });

  it('a marker of a live pid with another start time (the pid was reused) counts as dead: its stub goes', () => {
    const registry = join(t, 'registry');
    const stub = join(t, '.git');
    mkdirSync(registry);
    mkdirSync(stub);
    // Our own pid is alive, but this run started at another time: it is a dead run's marker.
    const wrongStart = String(Number(startTime(process.pid)) + 1);
    writeFileSync(join(registry, `${hashOf(stub)}.${process.pid}-${wrongStart}-1`), JSON.stringify({ kind: 'dir', path: stub }));
    pruneDeadHostPrep(registry);
    expect(readdirSync(t)).toStrictEqual(['registry']);
    expect(readdirSync(registry).filter((n) => n !== 'lock')).toStrictEqual([]);
  });

  it('a marker of a live pid with its own start time keeps the stub', () => {
    const registry = join(t, 'registry');
    const stub = join(t, '.git');
    mkdirSync(registry);
    mkdirSync(stub);
    writeFileSync(join(registry, `${hashOf(stub)}.1-${startTime(1)}-1`), JSON.stringify({ kind: 'dir', path: stub }));
    pruneDeadHostPrep(registry);
    expect(existsSync(stub)).toBe(true);
  });

  it.each([
    ['the old TAB format', (p: string) => `dir\t${p}`],
    ['a path its name is not hashed from', (p: string) => JSON.stringify({ kind: 'dir', path: `${p}-other` })],
    ['an extra field', (p: string) => JSON.stringify({ kind: 'dir', path: p, x: 1 })],
    ['a relative path', () => JSON.stringify({ kind: 'dir', path: 'rel' })],
  ])("a dead run's marker holding %s is left alone, and so is its target", (_label, body) => {
    const registry = join(t, 'registry');
    const stub = join(t, '.codex');
    mkdirSync(registry);
    mkdirSync(stub);
    mkdirSync(`${stub}-other`);
    writeFileSync(join(registry, `${hashOf(stub)}.999999999-1-1`), body(stub));
    pruneDeadHostPrep(registry);
    expect(readdirSync(t).sort()).toStrictEqual(['.codex', '.codex-other', 'registry']);
    expect(readdirSync(registry)).toStrictEqual([`${hashOf(stub)}.999999999-1-1`]);
  });

  it('an empty registry is one readdir: no lock is taken', () => {
    const registry = join(t, 'registry');
    mkdirSync(registry);
    pruneDeadHostPrep(registry);
    pruneDeadHostPrep(join(t, 'missing'));
    expect(readdirSync(t)).toStrictEqual(['registry']);
    expect(readdirSync(registry)).toStrictEqual([]);
  });

  it('a registry that is a symlink is refused', () => {
    mkdirSync(join(t, 'elsewhere'));
    require('node:fs').symlinkSync(join(t, 'elsewhere'), join(t, 'registry'));
    expect(() => trackHostPrep([{ path: join(t, 'x'), kind: 'file' }], join(t, 'registry'))).toThrow('not a directory owned by this user');
  });
});

describe('denial hints', () => {
  const policy = {
    fileSystem: { kind: 'restricted' as const, entries: [{ path: { type: 'special' as const, value: { kind: 'root' as const } }, access: 'read' as const }] },
    network: 'restricted' as const,
  };

  it('maps a read-only write failure to the entry that decided it', () => {
    const resolved = resolvePolicy(policy, { cwd: t });
    const denials = findDenials(`touch: cannot touch '${t}/x': Read-only file system\n`, resolved, t, nodeHost());
    expect(denials).toHaveLength(1);
    expect(denials[0]).toMatchObject({ path: `${t}/x`, access: 'write' });
    expect(denials[0].reason).toContain('write denied');
  });

  it('resolves relative paths against the cwd and ignores lines explain() allows', () => {
    const resolved = resolvePolicy(policy, { cwd: t });
    // A relative path without ./ is found too (dash prints them so; issue #19).
    expect(findDenials('sh: 1: cannot create out.txt: Permission denied\n', resolved, t, nodeHost()).map((d) => d.path)).toStrictEqual([`${t}/out.txt`]);
    expect(findDenials(`sh: 1: cannot create ./out.txt: Permission denied\n`, resolved, t, nodeHost()).map((d) => d.path)).toStrictEqual([`${t}/out.txt`]);
    expect(findDenials(`cat: /etc/hostname: Permission denied\n`, resolved, t, nodeHost())).toStrictEqual([]);
  });
});

describe('deny-glob walker', () => {
  it('skips patterns whose static prefix is empty or /', () => {
    expect(globSearchRoot('/**/*.env')).toBeNull();
    expect(globSearchRoot('/a/b*/c')).toBe('/a');
  });

  it(`refuses more than ${GLOB_MATCH_CAP} matches`, () => {
    const dir = join(t, 'many');
    mkdirSync(dir);
    for (let i = 0; i <= GLOB_MATCH_CAP; i++) writeFileSync(join(dir, `f${i}.env`), '');
    expect(() => expandDenyGlobs([`${dir}/*.env`], undefined, nodeHost())).toThrow(`matched more than ${GLOB_MATCH_CAP} paths`);
  });

  it('a malformed pattern is refused rather than half-masked', () => {
    expect(() => expandDenyGlobs([`${t}/{a,b`], undefined, nodeHost())).toThrow('unreadable glob pattern is invalid');
  });

  it('does not follow symlinked directories', () => {
    mkdirSync(join(t, 'real'));
    writeFileSync(join(t, 'real/.env'), '');
    mkdirSync(join(t, 'p'));
    require('node:fs').symlinkSync(join(t, 'real'), join(t, 'p/link'));
    expect(expandDenyGlobs([`${t}/p/**/.env`], undefined, nodeHost())).toStrictEqual([]);
  });
});
