// Ordering tests of the bubblewrap mount plan (docs/reference.md#mount-order, #conformance-cases) on
// real temporary trees, so existence and symlink checks see a real host.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isSandboxError } from '../../../lib/errors';
import { nodeHost } from '../../../lib/policy/node-host';
import { planMountOps, type MountOp } from '../../../lib/platform/linux/mount-ops';
import { makeTempDir } from '../../helpers/temp';
import { resolvedFixture, type ResolvedShape } from './fixtures';

let tmp: { path: string; remove: () => void };
let t: string;
beforeEach(() => {
  tmp = makeTempDir('mountops');
  t = tmp.path;
});
afterEach(() => tmp.remove());

const host = nodeHost();
function ops(shape: ResolvedShape, extra: string[] = []): MountOp[] {
  return planMountOps({ resolved: resolvedFixture(shape), host, extraReadableRoots: extra }).ops;
}
function mk(...dirs: string[]): void {
  for (const d of dirs) mkdirSync(join(t, d), { recursive: true });
}
const BASE: MountOp[] = [
  { op: 'ro-bind', src: '/', dest: '/' },
  { op: 'dev', dest: '/dev' },
];

describe('bwrap mount ops', () => {
  it('full read, no writable roots: ro-bind / then --dev /dev only (docs/reference.md#mount-order)', () => {
    expect(ops({ fullDiskRead: true })).toStrictEqual(BASE);
  });

  it('restricted read: tmpfs / then --dev /dev, then each existing readable root (docs/reference.md#mount-order)', () => {
    mk('r');
    const plan = planMountOps({
      resolved: resolvedFixture({ readableRoots: [join(t, 'r'), join(t, 'missing')], includePlatformDefaults: true }),
      host,
      extraReadableRoots: [],
    });
    expect(plan.ops.slice(0, 2)).toStrictEqual([
      { op: 'tmpfs', dest: '/', perms: null },
      { op: 'dev', dest: '/dev' },
    ]);
    expect(plan.ops).toContainEqual({ op: 'ro-bind', src: '/usr', dest: '/usr' });
    expect(plan.ops).toContainEqual({ op: 'ro-bind', src: join(t, 'r'), dest: join(t, 'r') });
    expect(JSON.stringify(plan.ops)).not.toContain('missing');
    expect(plan.tmpfsRoot).toBe(true);
  });

  it('a readable root of / switches to the full-read base', () => {
    expect(ops({ readableRoots: ['/'] })).toStrictEqual(BASE);
  });

  it('missing writable roots are omitted (docs/reference.md#mount-order)', () => {
    mk('w');
    expect(ops({ fullDiskRead: true, writableRoots: [join(t, 'w'), join(t, 'nope')] })).toStrictEqual([...BASE, { op: 'bind', src: join(t, 'w'), dest: join(t, 'w') }]);
  });

  it('/repo=write, /repo/a=none, /repo/a/b=write: traverse-only mask with a mount point, then the reopened bind (docs/reference.md#mount-order)', () => {
    mk('repo/a/b');
    const r = join(t, 'repo');
    expect(ops({ fullDiskRead: false, readableRoots: ['/'], writableRoots: [r, `${r}/a/b`], unreadableRoots: [`${r}/a`] })).toStrictEqual([
      ...BASE,
      { op: 'bind', src: r, dest: r },
      { op: 'tmpfs', dest: `${r}/a`, perms: '111' },
      { op: 'dir', dest: `${r}/a/b`, perms: null },
      { op: 'remount-ro', dest: `${r}/a` },
      { op: 'bind', src: `${r}/a/b`, dest: `${r}/a/b` },
    ]);
  });

  it('root read + blocked=none + blocked/allowed=write orders tmpfs, dir, remount-ro, bind (docs/reference.md#mount-order)', () => {
    mk('blocked/allowed');
    const b = join(t, 'blocked');
    const out = ops({ readableRoots: ['/'], writableRoots: [`${b}/allowed`], unreadableRoots: [b] });
    const idx = (op: MountOp): number => out.findIndex((o) => JSON.stringify(o) === JSON.stringify(op));
    const tmpfs = idx({ op: 'tmpfs', dest: b, perms: '111' });
    const dir = idx({ op: 'dir', dest: `${b}/allowed`, perms: null });
    const ro = idx({ op: 'remount-ro', dest: b });
    const bind = idx({ op: 'bind', src: `${b}/allowed`, dest: `${b}/allowed` });
    expect([tmpfs, dir, ro, bind].every((i) => i >= 0)).toBe(true);
    expect(tmpfs < dir && dir < ro && ro < bind).toBe(true);
  });

  it('a writable file under a denied directory gets a directory mount point for its parent and a file mount point, never --dir on the file (docs/reference.md#mount-order)', () => {
    mk('blocked/sub');
    writeFileSync(join(t, 'blocked/sub/f.txt'), 'x');
    const b = join(t, 'blocked');
    const out = ops({ readableRoots: ['/'], writableRoots: [`${b}/sub/f.txt`], unreadableRoots: [b] });
    expect(out).toContainEqual({ op: 'dir', dest: `${b}/sub`, perms: '111' });
    expect(out).toContainEqual({ op: 'file', dest: `${b}/sub/f.txt`, fd: 4 });
    expect(out).not.toContainEqual({ op: 'dir', dest: `${b}/sub/f.txt`, perms: null });
  });

  it('workspace=write, docs=read, docs/public=write: ro-bind docs comes before bind docs/public (docs/reference.md#mount-order)', () => {
    mk('ws/docs/public');
    const w = join(t, 'ws');
    const out = ops({ fullDiskRead: true, writableRoots: [{ root: w, readOnlySubpaths: [`${w}/docs`] }, `${w}/docs/public`] });
    expect(out).toStrictEqual([
      ...BASE,
      { op: 'bind', src: w, dest: w },
      { op: 'ro-bind', src: `${w}/docs`, dest: `${w}/docs` },
      { op: 'bind', src: `${w}/docs/public`, dest: `${w}/docs/public` },
    ]);
  });

  it('root read + denied file: perms 000 over an empty data bind (docs/reference.md#mount-order)', () => {
    writeFileSync(join(t, 'blocked.txt'), 'secret');
    expect(ops({ readableRoots: ['/'], unreadableRoots: [join(t, 'blocked.txt')] })).toStrictEqual([...BASE, { op: 'ro-bind-data', dest: join(t, 'blocked.txt'), perms: '000' }]);
  });

  it('symlinked writable root binds its target and remaps carve-outs into it (docs/reference.md#mount-order)', () => {
    mk('real/blocked');
    symlinkSync(join(t, 'real'), join(t, 'link'));
    const out = ops({ fullDiskRead: false, readableRoots: ['/'], writableRoots: [join(t, 'link')], unreadableRoots: [join(t, 'link/blocked')] });
    expect(out).toStrictEqual([
      ...BASE,
      { op: 'bind', src: join(t, 'real'), dest: join(t, 'real') },
      { op: 'tmpfs', dest: join(t, 'real/blocked'), perms: '000' },
      { op: 'remount-ro', dest: join(t, 'real/blocked') },
    ]);
  });

  it('a writable root below a symlinked ancestor binds the canonical path, never the logical one (docs/reference.md#mount-order)', () => {
    mk('home', 'real-codex/memories');
    symlinkSync(join(t, 'real-codex'), join(t, 'home/.codex'));
    const out = ops({ fullDiskRead: true, writableRoots: [join(t, 'home/.codex/memories')] });
    expect(out).toStrictEqual([...BASE, { op: 'bind', src: join(t, 'real-codex/memories'), dest: join(t, 'real-codex/memories') }]);
  });

  it('missing protected metadata directories become read-only empty tmpfs dirs listed in hostPrep (docs/reference.md#protected-metadata)', () => {
    mk('w/.git');
    const w = join(t, 'w');
    const plan = planMountOps({
      resolved: resolvedFixture({ fullDiskRead: true, writableRoots: [{ root: w, protectedMetadataNames: ['.git', '.codex'] }] }),
      host,
      extraReadableRoots: [],
    });
    writeFileSync(join(w, '.git/HEAD'), 'ref');
    expect(plan.ops).toStrictEqual([
      ...BASE,
      { op: 'bind', src: w, dest: w },
      { op: 'tmpfs', dest: `${w}/.codex`, perms: '555' },
      { op: 'remount-ro', dest: `${w}/.codex` },
      { op: 'tmpfs', dest: `${w}/.git`, perms: '555' },
      { op: 'remount-ro', dest: `${w}/.git` },
    ]);
    expect(plan.hostPrep).toStrictEqual([
      { path: `${w}/.codex`, kind: 'dir' },
      { path: `${w}/.git`, kind: 'dir' },
    ]);
  });

  it('a missing writable root inside a writable root is made for the run (parents first), bound and masked', () => {
    mk('w');
    const w = join(t, 'w');
    const plan = planMountOps({
      resolved: resolvedFixture({ fullDiskRead: true, writableRoots: [w, { root: `${w}/out/build`, protectedMetadataNames: ['.git'] }] }),
      host,
      extraReadableRoots: [],
    });
    expect(plan.ops).toStrictEqual([
      ...BASE,
      { op: 'bind', src: w, dest: w },
      { op: 'bind', src: `${w}/out/build`, dest: `${w}/out/build` },
      { op: 'tmpfs', dest: `${w}/out/build/.git`, perms: '555' },
      { op: 'remount-ro', dest: `${w}/out/build/.git` },
    ]);
    expect(plan.hostPrep).toStrictEqual([
      { path: `${w}/out`, kind: 'dir', create: true },
      { path: `${w}/out/build`, kind: 'dir', create: true },
      { path: `${w}/out/build/.git`, kind: 'dir' },
    ]);
  });

  it('a missing writable root below a read-only carve-out or outside every writable root is not made', () => {
    mk('w/ro');
    const w = join(t, 'w');
    const plan = planMountOps({
      resolved: resolvedFixture({
        fullDiskRead: true,
        writableRoots: [
          { root: w, readOnlySubpaths: [`${w}/ro`] },
          { root: `${w}/ro/build`, protectedMetadataNames: ['.git'] },
          { root: `${t}/elsewhere/build`, protectedMetadataNames: ['.git'] },
        ],
      }),
      host,
      extraReadableRoots: [],
    });
    expect(plan.hostPrep).toStrictEqual([]);
  });

  it('existing non-empty protected metadata is bound read-only, not recreated', () => {
    mk('w/.git');
    writeFileSync(join(t, 'w/.git/HEAD'), 'ref');
    const w = join(t, 'w');
    const plan = planMountOps({ resolved: resolvedFixture({ fullDiskRead: true, writableRoots: [{ root: w, protectedMetadataNames: ['.git'] }] }), host, extraReadableRoots: [] });
    expect(plan.ops).toStrictEqual([...BASE, { op: 'bind', src: w, dest: w }, { op: 'ro-bind', src: `${w}/.git`, dest: `${w}/.git` }]);
    expect(plan.hostPrep).toStrictEqual([]);
  });

  it('a missing read-only subpath masks its first missing component with an empty file (docs/reference.md#mount-order)', () => {
    mk('w');
    const w = join(t, 'w');
    const plan = planMountOps({ resolved: resolvedFixture({ fullDiskRead: true, writableRoots: [{ root: w, readOnlySubpaths: [`${w}/a/b/c`] }] }), host, extraReadableRoots: [] });
    expect(plan.ops.at(-1)).toStrictEqual({ op: 'ro-bind-data', dest: `${w}/a`, perms: null });
    expect(plan.hostPrep).toStrictEqual([{ path: `${w}/a`, kind: 'file' }]);
  });

  it('a missing deny path inside a writable root is masked; outside writable roots it needs nothing', () => {
    mk('w');
    const w = join(t, 'w');
    expect(ops({ fullDiskRead: false, readableRoots: ['/'], writableRoots: [w], unreadableRoots: [`${w}/secret`, join(t, 'elsewhere')] })).toStrictEqual([
      ...BASE,
      { op: 'bind', src: w, dest: w },
      { op: 'ro-bind-data', dest: `${w}/secret`, perms: '000' },
    ]);
  });

  it('a read-only carve-out crossing a writable symlink fails closed with the reference message (docs/reference.md#mount-order)', () => {
    mk('w', 'decoy-codex');
    symlinkSync(join(t, 'decoy-codex'), join(t, 'w/.codex'));
    const w = join(t, 'w');
    let caught: unknown;
    try {
      ops({ fullDiskRead: true, writableRoots: [{ root: w, protectedMetadataNames: ['.codex'] }] });
    } catch (err) {
      caught = err;
    }
    expect(isSandboxError(caught) && caught.code).toBe('E_UNSUPPORTED_POLICY');
    expect((caught as Error).message).toContain(`cannot enforce sandbox read-only path ${w}/.codex because it crosses writable symlink ${w}/.codex`);
  });

  it('a deny path crossing a writable symlink fails closed with the deny-read message', () => {
    mk('w', 'target/x');
    symlinkSync(join(t, 'target'), join(t, 'w/l'));
    const w = join(t, 'w');
    expect(() => ops({ fullDiskRead: false, readableRoots: ['/'], writableRoots: [w], unreadableRoots: [`${w}/l/x`] })).toThrow(
      `cannot enforce sandbox deny-read path ${w}/l/x because it crosses writable symlink ${w}/l`,
    );
  });

  it('deny globs expand to concrete matches masked like deny files (docs/reference.md#deny-glob-expansion)', () => {
    mk('p/sub');
    writeFileSync(join(t, 'p/.env'), 'x');
    writeFileSync(join(t, 'p/sub/.env'), 'x');
    writeFileSync(join(t, 'p/keep.txt'), 'x');
    const plan = planMountOps({ resolved: resolvedFixture({ fullDiskRead: false, readableRoots: ['/'], unreadableGlobs: [`${t}/p/**/.env`] }), host, extraReadableRoots: [] });
    expect(plan.globMatches).toStrictEqual([join(t, 'p/.env'), join(t, 'p/sub/.env')]);
    expect(plan.ops.slice(2)).toStrictEqual([
      { op: 'ro-bind-data', dest: join(t, 'p/.env'), perms: '000' },
      { op: 'ro-bind-data', dest: join(t, 'p/sub/.env'), perms: '000' },
    ]);
  });

  it('glob_scan_max_depth bounds the walk; 0 disables scanning', () => {
    mk('p/sub');
    writeFileSync(join(t, 'p/.env'), 'x');
    writeFileSync(join(t, 'p/sub/.env'), 'x');
    const plan1 = planMountOps({ resolved: resolvedFixture({ readableRoots: ['/'], unreadableGlobs: [`${t}/p/**/.env`], globScanMaxDepth: 1 }), host, extraReadableRoots: [] });
    expect(plan1.globMatches).toStrictEqual([join(t, 'p/.env')]);
    const plan0 = planMountOps({ resolved: resolvedFixture({ readableRoots: ['/'], unreadableGlobs: [`${t}/p/**/.env`], globScanMaxDepth: 0 }), host, extraReadableRoots: [] });
    expect(plan0.globMatches).toStrictEqual([]);
  });

  it('writable /dev/shm is bound after --dev /dev so it stays visible (docs/reference.md#mount-order)', () => {
    const out = ops({ fullDiskRead: true, writableRoots: ['/dev/shm'] });
    expect(out.findIndex((o) => o.op === 'dev')).toBeLessThan(out.findIndex((o) => o.op === 'bind'));
  });

  it('a readable child below a denied directory is reopened read-only over a traverse-only mask', () => {
    mk('data/secret/pub');
    const d = join(t, 'data');
    expect(ops({ readableRoots: ['/', `${d}/secret/pub`], unreadableRoots: [`${d}/secret`] })).toStrictEqual([
      ...BASE,
      { op: 'tmpfs', dest: `${d}/secret`, perms: '111' },
      { op: 'dir', dest: `${d}/secret/pub`, perms: null },
      { op: 'remount-ro', dest: `${d}/secret` },
      { op: 'ro-bind', src: `${d}/secret/pub`, dest: `${d}/secret/pub` },
    ]);
  });

  it('a path that is both a readable and a writable root is bound writable (regression: restricted read + write root)', () => {
    mk('w');
    const w = join(t, 'w');
    expect(ops({ readableRoots: [w], writableRoots: [w] })).toContainEqual({ op: 'bind', src: w, dest: w });
    expect(ops({ readableRoots: [w], writableRoots: [w] })).not.toContainEqual({ op: 'ro-bind', src: w, dest: w });
  });

  it('a protected name also listed as a read-only subpath is still masked as a directory', () => {
    mk('w');
    const w = join(t, 'w');
    const out = ops({ fullDiskRead: true, writableRoots: [{ root: w, readOnlySubpaths: [`${w}/.codex`], protectedMetadataNames: ['.codex'] }] });
    expect(out).toContainEqual({ op: 'tmpfs', dest: `${w}/.codex`, perms: '555' });
  });

  it('restricted read: directories above a mount point are created traverse-only before it (property regression)', () => {
    mk('d/e');
    writeFileSync(join(t, 'd/e/r.txt'), 'x');
    const out = ops({ readableRoots: [join(t, 'd/e/r.txt')] });
    const bind = out.findIndex((o) => o.op === 'ro-bind' && o.dest === join(t, 'd/e/r.txt'));
    const parent = out.findIndex((o) => o.op === 'dir' && o.dest === join(t, 'd/e') && o.perms === '111');
    expect(parent).toBeGreaterThan(-1);
    expect(parent).toBeLessThan(bind);
  });

  it('a writable file root gets no protected-name masks below it (property regression)', () => {
    mk('a');
    writeFileSync(join(t, 'a/r.txt'), 'x');
    const out = ops({ fullDiskRead: true, writableRoots: [{ root: join(t, 'a/r.txt'), protectedMetadataNames: ['.git'] }] });
    expect(out).toStrictEqual([...BASE, { op: 'bind', src: join(t, 'a/r.txt'), dest: join(t, 'a/r.txt') }]);
  });

  it("the helper's directory stays readable below a deny entry, even with a full-read base", () => {
    mk('opt/helper');
    const out = ops({ readableRoots: ['/'], unreadableRoots: [join(t, 'opt')] }, [join(t, 'opt/helper')]);
    expect(out.at(-1)).toStrictEqual({ op: 'ro-bind', src: join(t, 'opt/helper'), dest: join(t, 'opt/helper') });
  });
});
