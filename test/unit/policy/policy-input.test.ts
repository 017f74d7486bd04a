// One policy input for every entry (issue #19): built-in names, the short form, typed policies
// and the wire forms all go through parsePolicyInput's strict schemas, and the exported wire
// types describe exactly what the parser accepts.
import { describe, expect, it } from 'vitest';

import * as api from '../../../lib/index';
import type { LegacySandboxPolicyWire, PermissionProfileWire, PolicyInput, ShortPolicy } from '../../../lib/index';
import { capsFixture } from '../linux/fixtures';
import { thrown } from '../../helpers/errors';

describe('parsePolicyInput', () => {
  it.each(api.BUILTIN_POLICY_NAMES)('the built-in name %s is the built-in policy', (name) => {
    expect(api.parsePolicyInput(name)).toEqual(api.builtinPolicy(name));
  });

  it('builtinPolicy() output parses back to itself', () => {
    const ws = api.builtinPolicy('workspace-write');
    expect(api.parsePolicyInput(ws)).toEqual(ws);
  });

  it('the short form is the built-in policy with its knobs', () => {
    const short: ShortPolicy = { sandbox: 'workspace-write', writableRoots: ['/scratch'], network: true };
    expect(api.parsePolicyInput(short)).toEqual(api.builtinPolicy('workspace-write', { writableRoots: ['/scratch'], network: true }));
    expect(api.parsePolicyInput({ sandbox: 'read-only', network: 'enabled' })).toEqual(api.builtinPolicy('read-only', { network: 'enabled' }));
  });

  it('the short form is strict', () => {
    expect(thrown(() => api.parsePolicyInput({ sandbox: 'read-only', writeableRoots: [] }))).toMatchObject({ code: 'E_POLICY_INVALID' });
    expect(thrown(() => api.parsePolicyInput({ sandbox: 'rw' }))).toMatchObject({ code: 'E_POLICY_INVALID', path: ['sandbox'] });
    expect(thrown(() => api.parsePolicyInput({ sandbox: 'workspace-write', writableRoots: ['rel'] }))).toMatchObject({ code: 'E_POLICY_INVALID' });
    expect(thrown(() => api.parsePolicyInput({ sandbox: 'read-only', writableRoots: ['/x'] }))).toMatchObject({ code: 'E_POLICY_INVALID' });
  });

  it('a typed camelCase PermissionProfile is accepted and checked', () => {
    const typed: api.PermissionProfile = { type: 'managed', fileSystem: { type: 'unrestricted' }, network: 'restricted' };
    expect(api.parsePolicyInput(typed)).toEqual({ fileSystem: { kind: 'unrestricted' }, network: 'restricted' });
    expect(thrown(() => api.parsePolicyInput({ type: 'managed', fileSystem: { type: 'open' }, network: 'restricted' }))).toMatchObject({ code: 'E_POLICY_INVALID' });
  });

  it('a wire form written with the exported types parses to the same policy as its JSON text', () => {
    const profile: PermissionProfileWire = {
      type: 'managed',
      file_system: {
        type: 'restricted',
        entries: [
          { path: { type: 'special', value: { kind: 'root' } }, access: 'read' },
          { path: { type: 'path', path: '/w' }, access: 'write' },
        ],
      },
      network: 'restricted',
    };
    expect(api.parsePolicyInput(profile)).toEqual(api.parsePolicyInput(JSON.stringify(profile)));
    const legacy: LegacySandboxPolicyWire = { type: 'workspace-write', writable_roots: ['/w'], network_access: false };
    expect(api.parsePolicyInput(legacy, undefined, { cwd: '/w' }).fileSystem.kind).toBe('restricted');
  });
});

describe('the one option name, on every entry', () => {
  const cwd = '/';
  const caps = capsFixture();
  const inputs: PolicyInput[] = ['read-only', { sandbox: 'read-only' }, api.builtinPolicy('read-only'), { type: 'read-only' }, '{"type":"read-only"}'];

  it.each(inputs.map((input) => [JSON.stringify(input), input]))('planSandbox and resolvePolicy take %s', (_name, input) => {
    const plan = api.planSandbox(input, { platform: 'linux', cwd, capabilities: caps, command: ['true'] });
    expect(plan.backend).toBeDefined();
    expect(api.resolvePolicy(input, { cwd }).fullDiskWrite).toBe(false);
  });

  it('resolvePolicy of a wire PermissionProfile resolves instead of throwing a TypeError', () => {
    const r = api.resolvePolicy({ type: 'managed', file_system: { type: 'unrestricted' } }, { cwd });
    expect(r.fullDiskWrite).toBe(true);
  });
});
