import { describe, expect, it } from 'vitest';

import { ConfigParseError, PolicyInvalidError, SandboxError, isSandboxError, renderPath, truncateValue } from '../../lib/errors';

describe('SandboxError', () => {
  it('carries a stable code, one-line message and structured fields', () => {
    const err = new PolicyInvalidError('unknown key "writeable_roots"\nin policy', {
      source: { flag: '--permission-profile' },
      path: ['file_system', 'entries', 2, 'acces'],
      value: 'x'.repeat(500),
    });
    expect(err.code).toBe('E_POLICY_INVALID');
    expect(err.message).toBe('unknown key "writeable_roots" in policy');
    expect(err).toBeInstanceOf(SandboxError);
    expect(isSandboxError(err)).toBe(true);
    const json = err.toJSON();
    expect(json.path).toBe('file_system.entries[2].acces');
    expect(String(json.value).length).toBeLessThan(210);
    expect(json.issues).toEqual([{ message: err.message, path: 'file_system.entries[2].acces' }]);
  });

  it('isSandboxError rejects look-alikes', () => {
    expect(isSandboxError(new Error('x'))).toBe(false);
    expect(isSandboxError({ code: 'E_POLICY_INVALID', message: 'x' })).toBe(false);
    expect(isSandboxError(null)).toBe(false);
    expect(isSandboxError(new ConfigParseError('bad'))).toBe(true);
  });

  it('renders paths and truncates values', () => {
    expect(renderPath(['a', 0, 'b'])).toBe('a[0].b');
    expect(renderPath([])).toBe('');
    expect(truncateValue(42)).toBe(42);
    expect(truncateValue('short')).toBe('short');
  });
});

describe('truncateValue on hostile values', () => {
  it('survives cyclic and very deeply nested values', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(truncateValue(cyclic)).toBe('[unserializable value]');
    let deep: unknown[] = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(truncateValue(deep)).toBe('[unserializable value]');
  });
});
