// The config schemas' shared checks (lib/config/schema-checks.ts): an unknown key is named in the
// message, and a huge one is cut short there, so the message stays one bounded line.
import { describe, expect, it } from 'vitest';
import { rejectUnknownKeys } from '../../../lib/config/schema-checks';

const origin = { kind: 'file' as const, file: '/home/u/.codex/config.toml', text: '' };

function messageFor(key: string): string {
  try {
    rejectUnknownKeys({ [key]: 1 }, ['enabled', 'domains'], origin, ['permissions', 'p', 'network'], '[permissions.p.network]');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('rejectUnknownKeys', () => {
  it('names an unknown key as it is spelled, with a near miss suggested', () => {
    expect(messageFor('domain')).toBe('unknown key "domain" in [permissions.p.network]; did you mean "domains"? (/home/u/.codex/config.toml)');
  });

  it('cuts a 4 kB key short in the message (found by fuzz-config, seed 855221692)', () => {
    const message = messageFor(`/${'a'.repeat(4200)}`);
    expect(message.length).toBeLessThan(500);
    expect(message).toContain('… (4203 chars)');
  });
});
