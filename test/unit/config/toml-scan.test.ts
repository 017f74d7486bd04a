import { describe, expect, it } from 'vitest';
import { locateKey, scanToml } from '../../../lib/config/toml-scan';
import { parseTomlText } from '../../../lib/config/toml-source';
import { isSandboxError } from '../../../lib/errors';

describe('toml-scan: key locator', () => {
  const text = [
    '# top comment',
    'sandbox_mode = "workspace-write" # trailing',
    '',
    '[sandbox_workspace_write]',
    'writable_roots = [',
    '  "/a", # one',
    '  "/b",',
    ']',
    'network_access = true',
    '',
    '[permissions.dev.filesystem]',
    '":root" = "read"',
    '"/opt/x" = { "docs" = "read", sub = "deny" }',
    '\'lit.key\' = "write"',
    '',
    '[[arr]]',
    'a = 1',
    '[[arr]]',
    'a = """multi',
    'line = not a key',
    '"""',
    '[arr.sub]',
    'when = 1979-05-27 07:32:00Z',
    'after = 2',
  ].join('\n');

  it('finds top-level, table, quoted, dotted and inline keys at 1-based line:col', () => {
    expect(locateKey(text, ['sandbox_mode'])).toEqual({ line: 2, column: 1 });
    expect(locateKey(text, ['sandbox_mode'], 'value')).toEqual({ line: 2, column: 16 });
    expect(locateKey(text, ['sandbox_workspace_write', 'network_access'])).toEqual({ line: 9, column: 1 });
    expect(locateKey(text, ['permissions', 'dev', 'filesystem', ':root'])).toEqual({ line: 12, column: 1 });
    expect(locateKey(text, ['permissions', 'dev', 'filesystem', '/opt/x', 'sub'])).toEqual({ line: 13, column: 31 });
    expect(locateKey(text, ['permissions', 'dev', 'filesystem', 'lit.key'])).toEqual({ line: 14, column: 1 });
  });

  it('skips multi-line strings and arrays, and indexes arrays of tables', () => {
    const keys = scanToml(text)
      .filter((i) => i.kind === 'keyval')
      .map((i) => i.path.join('.'));
    expect(keys).not.toContain('arr.1.line');
    expect(keys).toContain('arr.1.a');
    expect(keys).toContain('arr.1.sub.after');
    expect(locateKey(text, ['arr', 1, 'sub', 'after'])).toEqual({ line: 24, column: 1 });
  });

  it('falls back to the nearest written ancestor for a key that is not written', () => {
    expect(locateKey(text, ['sandbox_workspace_write', 'missing'])).toEqual({ line: 4, column: 1 });
  });

  it('every scanned key/value path exists in the parsed document', () => {
    const parsed = parseTomlText(text, 'x.toml');
    for (const item of scanToml(text)) {
      if (item.kind !== 'keyval') continue;
      let cur: unknown = parsed;
      for (const seg of item.path) cur = (cur as Record<string | number, unknown>)[seg];
      expect(cur, item.path.join('.')).not.toBeUndefined();
    }
  });
});

describe('toml-source: parse errors', () => {
  it('malformed TOML is one ConfigParseError naming file:line:col', () => {
    try {
      parseTomlText('a = 1\nb = \n', '/etc/codex/config.toml');
      expect.unreachable();
    } catch (err) {
      expect(isSandboxError(err) && err.code).toBe('E_CONFIG_PARSE');
      expect((err as Error).message).toMatch(/^invalid TOML in config file \/etc\/codex\/config\.toml:2:5: /);
      expect((err as { source: unknown }).source).toEqual({ file: '/etc/codex/config.toml', line: 2, column: 5 });
    }
  });
});
