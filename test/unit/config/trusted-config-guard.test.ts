// A trusted project's `.codex` inside a writable root is kept read-only (issue #20).
import { describe, expect, it } from 'vitest';

import { protectTrustedProjectConfigs } from '../../../lib/config/trusted-config-guard';
import type { FileSystemEntry, SandboxPolicy } from '../../../lib/policy/types';

const write = (path: string): FileSystemEntry => ({ path: { type: 'path', path }, access: 'write' });
const read = (path: string): FileSystemEntry => ({ path: { type: 'path', path }, access: 'read' });
const policy = (...entries: FileSystemEntry[]): SandboxPolicy => ({ fileSystem: { kind: 'restricted', entries }, network: 'restricted' });
const trusting = (...dirs: string[]) => ({ projects: Object.fromEntries(dirs.map((d) => [d, { trust_level: 'trusted' }])) });

describe('protectTrustedProjectConfigs', () => {
  it('adds a read-only .codex (no skip) for a trusted project strictly inside a writable root', () => {
    const out = protectTrustedProjectConfigs(policy(write('/home/u')), trusting('/home/u/proj', '/elsewhere/p'), false);
    expect(out.fileSystem.kind === 'restricted' && out.fileSystem.entries).toEqual([write('/home/u'), read('/home/u/proj/.codex')]);
  });

  it('/tmp through the slash_tmp special counts as a writable directory', () => {
    const tmp: FileSystemEntry = { path: { type: 'special', value: { kind: 'slash_tmp' } }, access: 'write' };
    const out = protectTrustedProjectConfigs(policy(tmp), trusting('/tmp/p/'), false);
    expect(out.fileSystem.kind === 'restricted' && out.fileSystem.entries).toEqual([tmp, read('/tmp/p/.codex')]);
  });

  it('leaves the policy alone: project is a root itself, untrusted, already named, whole-disk write, unrestricted, Windows', () => {
    const p = policy(write('/home/u'), write('/home/u/proj'));
    expect(protectTrustedProjectConfigs(p, trusting('/home/u/proj'), false)).toBe(p);
    const q = policy(write('/home/u'));
    expect(protectTrustedProjectConfigs(q, { projects: { '/home/u/proj': { trust_level: 'untrusted' } } }, false)).toBe(q);
    const named = policy(write('/home/u'), write('/home/u/proj/.codex/x'));
    expect(protectTrustedProjectConfigs(named, trusting('/home/u/proj'), false)).toBe(named);
    const full = policy({ path: { type: 'special', value: { kind: 'root' } }, access: 'write' });
    expect(protectTrustedProjectConfigs(full, trusting('/home/u/proj'), false)).toBe(full);
    const open: SandboxPolicy = { fileSystem: { kind: 'unrestricted' }, network: 'enabled' };
    expect(protectTrustedProjectConfigs(open, trusting('/home/u/proj'), false)).toBe(open);
    expect(protectTrustedProjectConfigs(q, trusting('/home/u/proj'), true)).toBe(q);
  });
});
