// Fuzzing config input (issue #7, probe P54 in docs/security.md#probe-table): TOML text, whole config files through loadConfig
// and `-c key=value` overrides either parse or fail with a typed error on one line, never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../lib/config/load-config';
import { parseCliOverride } from '../../lib/config/overrides';
import type { ConfigReader } from '../../lib/config/reader';
import { parseTomlText } from '../../lib/config/toml-source';
import { badErrorShape, fuzzParams, hostilePath } from '../security/harness/fuzz-settings';

const CONFIG_CODES = ['E_CONFIG_PARSE', 'E_POLICY_INVALID', 'E_CONSTRAINT', 'E_UNSUPPORTED_POLICY'];

function outcome(fn: () => unknown, codes: readonly string[]): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return badErrorShape(err, codes);
  }
}

/** TOML-ish text built from the keys the reference reads, misspellings included. */
function configText(): fc.Arbitrary<string> {
  const key = fc.constantFrom(
    'sandbox_mode',
    'approval_policy',
    'default_permissions',
    'writable_roots',
    'writeable_roots',
    'network_access',
    'exclude_tmpdir_env_var',
    'exclude_slash_tmp',
    'denyread',
    'filesystem',
    'network',
    'extends',
    'enabled',
  );
  const header = fc.constantFrom(
    '',
    '[sandbox_workspace_write]',
    '[permissions.p]',
    '[permissions.p.filesystem]',
    '[permissions.p.network]',
    '[profiles.x]',
    '[[x]]',
    '[',
    '[permissions."a b"]',
  );
  const value = fc.oneof(
    fc.constantFrom('"read-only"', '"workspace-write"', '"danger-full-access"', '"bogus"', 'true', 'false', '1', '[]', '{}', '"', "'''", 'nan', '1979-05-27'),
    hostilePath().map((p) => JSON.stringify([p])),
    hostilePath().map((p) => `{ ${JSON.stringify(p)} = "write" }`),
  );
  const line = fc.oneof(
    header,
    fc.tuple(key, value).map(([k, v]) => `${k} = ${v}`),
    fc.string({ maxLength: 20 }),
  );
  return fc.array(line, { maxLength: 10 }).map((lines) => lines.join('\n'));
}

function fakeReader(files: Record<string, string>): ConfigReader {
  return {
    readFile: (p) => files[p],
    stat: (p) => (p in files ? 'file' : p === '/w' || p === '/home/u' || p === '/home/u/.codex' ? 'dir' : undefined),
    realpath: (p) => p,
  } as ConfigReader;
}

describe('fuzz: config', () => {
  it('parseTomlText: any text is a table or E_CONFIG_PARSE on one line', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), configText()), (text) => {
        expect(outcome(() => parseTomlText(text, '/home/u/.codex/config.toml'), ['E_CONFIG_PARSE'])).toBeNull();
      }),
      fuzzParams('fuzz parseTomlText'),
    );
  });

  it('loadConfig: random user and project config files load or fail with a typed one-line error', () => {
    fc.assert(
      fc.property(configText(), configText(), (user, project) => {
        const reader = fakeReader({ '/home/u/.codex/config.toml': user, '/w/.codex/config.toml': project });
        const load = (): unknown =>
          loadConfig({
            cwd: '/w',
            codexHome: '/home/u/.codex',
            reader,
            env: {},
            homeDir: '/home/u',
            platform: 'linux',
            systemConfigPath: '/none/config.toml',
            systemRequirementsPath: '/none/requirements.toml',
          });
        expect(outcome(load, CONFIG_CODES)).toBeNull();
      }),
      fuzzParams('fuzz loadConfig'),
    );
  });

  it('-c overrides: any string parses or fails with E_CONFIG_PARSE, and a parsed override loads or fails typed', () => {
    const raw = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.tuple(fc.constantFrom('sandbox_mode', 'sandbox_workspace_write.writable_roots', 'a..b', '', ' '), fc.string({ maxLength: 20 })).map(([k, v]) => `${k}=${v}`),
    );
    fc.assert(
      fc.property(raw, (r) => {
        expect(outcome(() => parseCliOverride(r), ['E_CONFIG_PARSE'])).toBeNull();
        const load = (): unknown =>
          loadConfig({
            cwd: '/w',
            codexHome: '/home/u/.codex',
            reader: fakeReader({}),
            cliOverrides: [r],
            env: {},
            homeDir: '/home/u',
            platform: 'linux',
            systemConfigPath: '/none/config.toml',
            systemRequirementsPath: '/none/requirements.toml',
          });
        expect(outcome(load, CONFIG_CODES)).toBeNull();
      }),
      fuzzParams('fuzz -c overrides'),
    );
  });
});
