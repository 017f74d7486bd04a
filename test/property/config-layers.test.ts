// Property tests of layer precedence: for any assignment of sandbox keys to the system, user,
// trusted/untrusted project, -c and managed layers, the effective value and its recorded source
// are those of the highest enabled layer that sets the key, and the policy source agrees.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load-config';
import { fakeReader } from '../unit/config/fake-reader';
import { propertySettings } from '../helpers/property-settings';

const { numRuns, seed } = propertySettings('config layer precedence', { defaultRuns: 100, ciRuns: 200 });

const MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
const mode = fc.option(fc.constantFrom(...MODES), { nil: undefined });
const net = fc.option(fc.boolean(), { nil: undefined });

const SYSTEM = '/etc/codex/config.toml';
const USER = '/home/u/.codex/config.toml';
const PROJECT = '/w/.codex/config.toml';
const MANAGED = '/etc/codex/managed_config.toml';

function text(m: string | undefined, n: boolean | undefined, extra = ''): string {
  return `${extra}${m === undefined ? '' : `sandbox_mode = "${m}"\n`}${n === undefined ? '' : `[sandbox_workspace_write]\nnetwork_access = ${n}\n`}`;
}

describe(`config layer precedence (seed ${seed}, ${numRuns} runs)`, () => {
  it('the highest enabled layer that sets a key decides it, and is recorded as its source', () => {
    fc.assert(
      fc.property(
        fc.tuple(mode, net),
        fc.tuple(mode, net),
        fc.tuple(mode, net),
        fc.constantFrom('trusted', 'untrusted', 'unknown'),
        fc.tuple(mode, net),
        fc.tuple(mode, net),
        (sys, user, project, trust, cli, managed) => {
          const trustText = trust === 'unknown' ? '' : `[projects."/w"]\ntrust_level = "${trust}"\n`;
          const files: Record<string, string> = {
            [SYSTEM]: text(...sys),
            [USER]: `${text(user[0], undefined)}${trustText}${user[1] === undefined ? '' : `[sandbox_workspace_write]\nnetwork_access = ${user[1]}\n`}`,
            [PROJECT]: text(...project),
          };
          if (managed[0] !== undefined || managed[1] !== undefined) files[MANAGED] = text(...managed);
          const cliOverrides = [...(cli[0] === undefined ? [] : [`sandbox_mode=${cli[0]}`]), ...(cli[1] === undefined ? [] : [`sandbox_workspace_write.network_access=${cli[1]}`])];
          const cfg = loadConfig({
            cwd: '/w',
            codexHome: '/home/u/.codex',
            reader: fakeReader({ files, dirs: ['/w/.git'] }),
            cliOverrides,
            homeDir: '/home/u',
            hostname: 'h',
            platform: 'linux',
            env: {},
          });
          // Lowest first; an untrusted or unknown project is loaded but never merged.
          const layers: [string, [string | undefined, boolean | undefined]][] = [
            [`system (${SYSTEM})`, sys],
            [`user (${USER})`, user],
            ...(trust === 'trusted' ? [[`project (${PROJECT})`, project] as [string, [string | undefined, boolean | undefined]]] : []),
            ['session-flags', cli],
            ...(files[MANAGED] === undefined ? [] : [[`legacy managed_config.toml (${MANAGED})`, managed] as [string, [string | undefined, boolean | undefined]]]),
          ];
          const top = (i: 0 | 1) => [...layers].reverse().find(([, v]) => v[i] !== undefined);
          const m = top(0);
          const n = top(1);
          expect(cfg.values.sandbox_mode).toEqual(m === undefined ? undefined : { value: m[1][0], layer: m[0] });
          expect(cfg.values['sandbox_workspace_write.network_access']).toEqual(n === undefined ? undefined : { value: n[1][1], layer: n[0] });
          // The managed file also constrains: it allows read-only plus its own mode.
          const allowed = managed[0] === undefined ? undefined : managed[0] === 'read-only' ? ['read-only'] : ['read-only', managed[0]];
          const effective = m?.[1][0] ?? (trust === 'unknown' ? 'read-only' : 'workspace-write');
          const expectedMode = allowed === undefined || allowed.includes(effective) ? effective : 'read-only';
          expect(cfg.source.value).toBe(expectedMode);
          if (expectedMode === 'danger-full-access') expect(cfg.policy.fileSystem.kind).toBe('unrestricted');
          else expect(cfg.policy.network).toBe(expectedMode === 'workspace-write' && n?.[1][1] === true ? 'enabled' : 'restricted');
        },
      ),
      { numRuns, seed },
    );
  });
});
