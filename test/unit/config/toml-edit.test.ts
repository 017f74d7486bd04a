import { lstatSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyConfigEdits, editConfigFile } from '../../../lib/config/config-edit';
import { removeTomlValue, setTomlValue } from '../../../lib/config/toml-edit';
import { parseTomlText } from '../../../lib/config/toml-source';
import { withTempDir } from '../../helpers/temp';
import { thrown } from '../../helpers/errors';

const F = 'config.toml';
const DOC = [
  '# Codex config, hand-written',
  'model = "gpt-5.4"   # my model',
  'sandbox_mode = "read-only" # was workspace-write',
  '',
  '[sandbox_workspace_write]',
  '# roots I need',
  'writable_roots = ["/srv/a"]',
  'network_access = false',
  '',
  '[permissions.dev.filesystem]',
  '":root" = "read" # whole disk',
  '"/opt/x" = "write"',
  '',
  '[permissions.dev.filesystem.":workspace_roots"]',
  '"." = "write"',
  '',
  '[mcp_servers.s]',
  'command = "x"',
  '',
].join('\n');

describe('toml-edit: set and remove keep untouched bytes', () => {
  it('replacing a value changes only the value bytes (comments stay)', () => {
    const out = setTomlValue(DOC, ['sandbox_mode'], 'workspace-write', F);
    expect(out).toBe(DOC.replace('sandbox_mode = "read-only"', 'sandbox_mode = "workspace-write"'));
  });

  it('blocking_set_model_top_level: an empty file gets exactly one line per key', () => {
    let out = setTomlValue('', ['model'], 'gpt-5.4', F);
    out = setTomlValue(out, ['model_reasoning_effort'], 'high', F);
    expect(out).toBe('model = "gpt-5.4"\nmodel_reasoning_effort = "high"\n');
  });

  it('a new top-level key goes after the last top-level pair, before the first table', () => {
    const out = setTomlValue(DOC, ['default_permissions'], 'dev', F);
    expect(out).toBe(DOC.replace('# was workspace-write\n', '# was workspace-write\ndefault_permissions = "dev"\n'));
  });

  it("a new key in an existing table goes after that table's last pair", () => {
    const out = setTomlValue(DOC, ['permissions', 'dev', 'filesystem', '~/.ssh'], 'deny', F);
    expect(out).toBe(DOC.replace('"/opt/x" = "write"\n', '"/opt/x" = "write"\n"~/.ssh" = "deny"\n'));
  });

  it('a key in a missing table appends that table at the end', () => {
    const out = setTomlValue(DOC, ['permissions', 'ci', 'filesystem', ':root'], 'read', F);
    expect(out).toBe(`${DOC}\n[permissions.ci.filesystem]\n":root" = "read"\n`);
  });

  it('an inline table gets the new pair inside its braces', () => {
    const doc = 'sandbox_workspace_write = { network_access = true } # inline\n';
    expect(setTomlValue(doc, ['sandbox_workspace_write', 'writable_roots'], ['/a'], F)).toBe(
      'sandbox_workspace_write = { network_access = true, writable_roots = ["/a"] } # inline\n',
    );
  });

  it('dotted keys stay dotted', () => {
    const doc = '[permissions]\ndev.filesystem.":root" = "read"\n';
    expect(setTomlValue(doc, ['permissions', 'dev', 'filesystem', ':tmpdir'], 'write', F)).toBe(
      '[permissions]\ndev.filesystem.":root" = "read"\ndev.filesystem.":tmpdir" = "write"\n',
    );
  });

  it('removing a pair deletes its line only; removing a missing key changes nothing', () => {
    const { text, changed } = removeTomlValue(DOC, ['permissions', 'dev', 'filesystem', '/opt/x'], F);
    expect(changed).toBe(true);
    expect(text).toBe(DOC.replace('"/opt/x" = "write"\n', ''));
    expect(removeTomlValue(DOC, ['nope'], F)).toEqual({ text: DOC, changed: false });
  });

  it('removing from an inline table keeps the rest of it', () => {
    const doc = 'p = { a = 1, b = 2, c = 3 }\n';
    expect(removeTomlValue(doc, ['p', 'b'], F).text).toBe('p = { a = 1, c = 3 }\n');
    expect(removeTomlValue(doc, ['p', 'c'], F).text).toBe('p = { a = 1, b = 2 }\n');
  });

  it('CRLF files keep CRLF line ends', () => {
    const doc = 'a = 1\r\n[t]\r\nb = 2\r\n';
    expect(setTomlValue(doc, ['t', 'c'], 3, F)).toBe('a = 1\r\n[t]\r\nb = 2\r\nc = 3\r\n');
  });

  it('setting through a scalar is refused with a clear error', () => {
    expect(thrown(() => setTomlValue('sandbox_workspace_write = 1\n', ['sandbox_workspace_write', 'writable_roots'], ['/a'], F)).message).toBe(
      'cannot set sandbox_workspace_write.writable_roots: sandbox_workspace_write is not a table; fix the file by hand',
    );
  });

  it('regression (property seed 112585518): setting a key that a sub-table header implies is refused', () => {
    expect(thrown(() => setTomlValue('[t.permissions]\n', ['t'], '', F)).message).toBe('cannot set t: it is a table in config.toml; edit its keys instead');
  });

  it('a malformed file is refused with its position', () => {
    expect(thrown(() => setTomlValue('a = \n', ['b'], 1, F)).message).toMatch(/^invalid TOML in config file config\.toml:1:/);
  });
});

describe('config edits', () => {
  it('set sandbox_mode, default_permissions; add and remove writable roots; set and remove a permission entry', () => {
    let r = applyConfigEdits(DOC, [{ kind: 'set-sandbox-mode', mode: 'workspace-write' }], F);
    expect(parseTomlText(r.text, F).sandbox_mode).toBe('workspace-write');
    r = applyConfigEdits(
      r.text,
      [
        { kind: 'add-writable-root', path: '/srv/b' },
        { kind: 'add-writable-root', path: '/srv/a' },
      ],
      F,
    );
    expect(r.text).toContain('writable_roots = ["/srv/a", "/srv/b"]\n');
    expect(r.text).toContain('# roots I need\n');
    r = applyConfigEdits(r.text, [{ kind: 'remove-writable-root', path: '/srv/a' }], F);
    expect(r.text).toContain('writable_roots = ["/srv/b"]\n');
    r = applyConfigEdits(r.text, [{ kind: 'set-permission-entry', profile: 'dev', path: ':workspace_roots', subpath: 'docs', access: 'read' }], F);
    expect(r.text).toContain('"." = "write"\ndocs = "read"\n');
    r = applyConfigEdits(r.text, [{ kind: 'remove-permission-entry', profile: 'dev', path: ':root' }], F);
    expect(r.text).not.toContain('":root"');
    r = applyConfigEdits(r.text, [{ kind: 'set-default-permissions', profile: 'dev' }], F);
    expect(parseTomlText(r.text, F).default_permissions).toBe('dev');
    expect(r.text).toContain('[mcp_servers.s]\ncommand = "x"\n');
  });

  it('an edit that changes nothing reports changed=false', () => {
    expect(applyConfigEdits(DOC, [{ kind: 'add-writable-root', path: '/srv/a' }], F).changed).toBe(false);
    expect(applyConfigEdits(DOC, [{ kind: 'set-sandbox-mode', mode: 'read-only' }], F).changed).toBe(false);
  });

  it('invalid edits are E_USAGE errors naming the value', () => {
    expect(thrown(() => applyConfigEdits(DOC, [{ kind: 'set-sandbox-mode', mode: 'open' as never }], F)).message).toBe(
      'invalid sandbox_mode "open"; use read-only, workspace-write, danger-full-access',
    );
    expect(thrown(() => applyConfigEdits(DOC, [{ kind: 'add-writable-root', path: 'rel' }], F)).message).toBe('writable root "rel" must be absolute or start with ~/');
    expect(thrown(() => applyConfigEdits(DOC, [{ kind: 'set-permission-entry', profile: ':workspace', path: '/x', access: 'read' }], F)).message).toMatch(
      /cannot be edited; built-in profiles start with ":"/,
    );
  });
});

describe('editConfigFile: atomic writes on disk', () => {
  it('writes through a symlink to its target, keeps the mode, and leaves no temp file', async () => {
    await withTempDir((dir) => {
      const real = join(dir, 'real.toml');
      writeFileSync(real, DOC, { mode: 0o640 });
      const link = join(dir, 'config.toml');
      symlinkSync(real, link);
      const res = editConfigFile({ file: link, edits: [{ kind: 'set-sandbox-mode', mode: 'workspace-write' }] });
      expect(res).toEqual({ file: real, changed: true });
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(real, 'utf8')).toBe(DOC.replace('"read-only"', '"workspace-write"'));
      expect(statSync(real).mode & 0o777).toBe(0o640);
      expect(readdirSync(dir).sort()).toEqual(['config.toml', 'real.toml']);
    });
  });

  it('creates a missing config.toml with mode 0600; writes nothing for a no-op', async () => {
    await withTempDir((dir) => {
      const file = join(dir, 'config.toml');
      expect(editConfigFile({ file, edits: [{ kind: 'remove-writable-root', path: '/x' }] }).changed).toBe(false);
      expect(readdirSync(dir)).toEqual([]);
      editConfigFile({ file, edits: [{ kind: 'set-default-permissions', profile: ':workspace' }] });
      expect(readFileSync(file, 'utf8')).toBe('default_permissions = ":workspace"\n');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });
  });

  it('a symlink cycle is replaced by a regular file', async () => {
    await withTempDir((dir) => {
      const a = join(dir, 'config.toml');
      const b = join(dir, 'other.toml');
      symlinkSync(b, a);
      symlinkSync(a, b);
      editConfigFile({ file: a, edits: [{ kind: 'set-sandbox-mode', mode: 'read-only' }] });
      expect(lstatSync(a).isFile()).toBe(true);
      expect(readFileSync(a, 'utf8')).toBe('sandbox_mode = "read-only"\n');
    });
  });

  it('a failed write leaves the old file intact and reports the path', async () => {
    await withTempDir((dir) => {
      const file = join(dir, 'config.toml');
      writeFileSync(file, DOC);
      const msg = thrown(() =>
        editConfigFile({
          file,
          edits: [{ kind: 'set-sandbox-mode', mode: 'workspace-write' }],
          writer: {
            writeFileAtomic: () => {
              throw new Error('disk full');
            },
          },
        }),
      ).message;
      expect(msg).toBe(`failed to persist config.toml at ${file}: disk full`);
      expect(readFileSync(file, 'utf8')).toBe(DOC);
    });
  });
});
