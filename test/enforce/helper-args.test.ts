import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { helperPath } from '../../lib/native';
import { withTempDir } from '../helpers/temp';
import { propertySettings } from '../helpers/property-settings';

const HELPER = helperPath();
const { numRuns, seed } = propertySettings('helper argv property');

function helper(args: string[]): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const r = spawnSync(HELPER, args, { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A usage failure: exit 125, nothing on stdout, exactly one stderr line with the helper's prefix. */
function expectUsageError(args: string[], pattern: RegExp): void {
  const r = helper(args);
  expect(r.signal).toBeNull();
  expect(r.status).toBe(125);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^codex-sandbox-helper: [^\n]*\n$/);
  expect(r.stderr).toMatch(pattern);
}

describe('helper: argument validation (exit 125, one stderr line)', () => {
  it.each<[string, string[], RegExp]>([
    ['no arguments', [], /missing '--'/],
    ['no command after --', ['--network', 'enabled', '--'], /no command after '--'/],
    ['no --network', ['--', 'true'], /missing --network/],
    ['unknown flag', ['--network', 'enabled', '--bogus', '--', 'true'], /unknown option '--bogus'/],
    ['--flag=value spelling', ['--network=enabled', '--', 'true'], /unknown option '--network=enabled'/],
    ['short option', ['-n', '--', 'true'], /unknown option '-n'/],
    ['positional before --', ['--network', 'enabled', 'true'], /unexpected argument 'true' before '--'/],
    ['duplicate --network', ['--network', 'enabled', '--network', 'restricted', '--', 'true'], /duplicate option '--network'/],
    ['duplicate --reaper', ['--network', 'enabled', '--reaper', '--reaper', '--', 'true'], /duplicate option '--reaper'/],
    ['duplicate --deny-ipc', ['--network', 'enabled', '--deny-ipc', '--deny-ipc', '--', 'true'], /duplicate option '--deny-ipc'/],
    ['missing value at the end', ['--network'], /missing value for '--network'/],
    ['missing value before --', ['--network', '--', 'true'], /missing value for '--network'/],
    ['bad --network value', ['--network', 'off', '--', 'true'], /invalid --network 'off'/],
    ['proxied without a route', ['--network', 'proxied', '--reaper', '--', 'true'], /--network proxied and --proxy-route go together/],
    ['a route without proxied', ['--network', 'restricted', '--proxy-route', '3128=/tmp/s', '--reaper', '--', 'true'], /go together/],
    ['a route without --reaper', ['--network', 'proxied', '--proxy-route', '3128=/tmp/s', '--', 'true'], /--proxy-route needs --reaper/],
    ['route port 0', ['--network', 'proxied', '--proxy-route', '0=/tmp/s', '--reaper', '--', 'true'], /invalid --proxy-route '0=\/tmp\/s'/],
    ['route port too big', ['--network', 'proxied', '--proxy-route', '65536=/tmp/s', '--reaper', '--', 'true'], /PORT from 1 to 65535/],
    ['route hex port', ['--network', 'proxied', '--proxy-route', '0x50=/tmp/s', '--reaper', '--', 'true'], /PORT from 1 to 65535/],
    ['route without =', ['--network', 'proxied', '--proxy-route', '3128', '--reaper', '--', 'true'], /expected PORT=PATH/],
    ['relative route path', ['--network', 'proxied', '--proxy-route', '3128=s.sock', '--reaper', '--', 'true'], /PATH must be absolute/],
    ['route path too long', ['--network', 'proxied', '--proxy-route', `3128=/${'a'.repeat(107)}`, '--reaper', '--', 'true'], /longer than a unix socket address allows/],
    ['duplicate route port', ['--network', 'proxied', '--proxy-route', '3128=/tmp/a', '--proxy-route', '3128=/tmp/b', '--reaper', '--', 'true'], /duplicate --proxy-route port/],
    ['proxied in the host network namespace', ['--network', 'proxied', '--proxy-route', '3128=/tmp/s', '--reaper', '--', 'true'], /found a network device besides loopback/],
    ['zero ABI', ['--network', 'enabled', '--landlock-abi', '0', '--landlock-fs-handled', '1', '--', 'true'], /invalid --landlock-abi '0'/],
    ['hex ABI', ['--network', 'enabled', '--landlock-abi', '0x7', '--landlock-fs-handled', '1', '--', 'true'], /invalid --landlock-abi '0x7'/],
    ['mask without ABI', ['--network', 'enabled', '--landlock-fs-handled', '0x1', '--', 'true'], /need --landlock-abi/],
    ['ABI without anything handled', ['--network', 'enabled', '--landlock-abi', '1', '--', 'true'], /needs --landlock-fs-handled or --landlock-scope/],
    ['garbage mask', ['--network', 'enabled', '--landlock-abi', '1', '--landlock-fs-handled', '0xzz', '--', 'true'], /invalid mask '0xzz'/],
    ['overflowing mask', ['--network', 'enabled', '--landlock-abi', '1', '--landlock-fs-handled', '0x10000000000000000', '--', 'true'], /invalid mask/],
    ['negative mask', ['--network', 'enabled', '--landlock-abi', '1', '--landlock-fs-handled', '-1', '--', 'true'], /invalid mask '-1'/],
    ['rule without colon', ['--network', 'enabled', '--landlock-abi', '1', '--landlock-fs-handled', '1', '--landlock-rule', '0x1', '--', 'true'], /expected MASK:PATH/],
    ['relative rule path', ['--network', 'enabled', '--landlock-abi', '1', '--landlock-fs-handled', '1', '--landlock-rule', '0x1:tmp', '--', 'true'], /PATH must be absolute/],
    ['rule mask 0', ['--network', 'enabled', '--landlock-abi', '1', '--landlock-fs-handled', '1', '--landlock-rule', '0:/', '--', 'true'], /grants nothing/],
    [
      'rule outside handled',
      ['--network', 'enabled', '--landlock-abi', '1', '--landlock-fs-handled', '0x1', '--landlock-rule', '0x5:/', '--', 'true'],
      /allows 0x4 outside --landlock-fs-handled 0x1/,
    ],
    [
      'rule without handled',
      ['--network', 'enabled', '--landlock-abi', '6', '--landlock-scope', '1', '--landlock-rule', '0x1:/', '--', 'true'],
      /--landlock-rule needs --landlock-fs-handled/,
    ],
    ['scope below ABI 6', ['--network', 'enabled', '--landlock-abi', '5', '--landlock-scope', '0x1', '--', 'true'], /needs --landlock-abi 6/],
    ['unknown scope bit', ['--network', 'enabled', '--landlock-abi', '6', '--landlock-scope', '0x4', '--', 'true'], /unknown bits/],
    [
      'the removed restrict-flags option',
      ['--network', 'enabled', '--landlock-abi', '7', '--landlock-fs-handled', '1', '--landlock-restrict-flags', '0x2', '--', 'true'],
      /unknown option '--landlock-restrict-flags'/,
    ],
    ['probe with a command', ['--probe', 'namespaces', '--', 'true'], /--probe takes no other options/],
    ['probe with other options', ['--network', 'enabled', '--probe', 'namespaces'], /--probe takes no other options/],
    ['the old userns probe', ['--probe', 'userns'], /unknown --probe mode 'userns': expected namespaces/],
    ['mount step without --namespaces', ['--network', 'enabled', '--ro-bind', '/', '--', 'true'], /mount steps and --chdir need --namespaces/],
    ['--chdir without --namespaces', ['--network', 'enabled', '--chdir', '/tmp', '--', 'true'], /need --namespaces/],
    ['--namespaces without --reaper', ['--network', 'enabled', '--namespaces', '--ro-bind', '/', '--', 'true'], /--namespaces needs --reaper/],
    ['--namespaces without a root', ['--network', 'enabled', '--reaper', '--namespaces', '--', 'true'], /needs a root first/],
    ['--namespaces with a root that is not /', ['--network', 'enabled', '--reaper', '--namespaces', '--ro-bind', '/usr', '--', 'true'], /needs a root first/],
    ['--namespaces with --dev as its root', ['--network', 'enabled', '--reaper', '--namespaces', '--dev', '/', '--', 'true'], /needs a root first/],
    ['relative mount path', ['--network', 'enabled', '--reaper', '--namespaces', '--ro-bind', '/', '--bind', 'tmp', '--', 'true'], /invalid mount path 'tmp': must be absolute/],
    ['relative --chdir', ['--network', 'enabled', '--reaper', '--namespaces', '--ro-bind', '/', '--chdir', 'tmp', '--', 'true'], /invalid --chdir 'tmp'/],
    ['--perms not octal', ['--network', 'enabled', '--reaper', '--namespaces', '--perms', '9', '--tmpfs', '/', '--', 'true'], /invalid --perms '9'/],
    ['--perms too long', ['--network', 'enabled', '--reaper', '--namespaces', '--perms', '01234', '--tmpfs', '/', '--', 'true'], /invalid --perms '01234'/],
    [
      '--perms before a bind',
      ['--network', 'enabled', '--reaper', '--namespaces', '--perms', '555', '--ro-bind', '/', '--', 'true'],
      /--perms does not apply to the mount step for '\/'/,
    ],
    ['--perms twice', ['--network', 'enabled', '--reaper', '--namespaces', '--perms', '555', '--perms', '555', '--tmpfs', '/', '--', 'true'], /--perms given twice/],
    ['--perms at the end', ['--network', 'enabled', '--reaper', '--namespaces', '--tmpfs', '/', '--perms', '555', '--', 'true'], /--perms must be followed by the mount step/],
    ['duplicate --namespaces', ['--network', 'enabled', '--reaper', '--namespaces', '--namespaces', '--tmpfs', '/', '--', 'true'], /duplicate option '--namespaces'/],
    ['unknown probe', ['--probe', 'landlock'], /unknown --probe mode 'landlock'/],
    ['command scope without --reaper', ['--network', 'enabled', '--command-landlock-scope', '0x2', '--', 'true'], /--command-landlock-scope needs --reaper/],
    ['command scope 0', ['--network', 'enabled', '--reaper', '--command-landlock-scope', '0', '--', 'true'], /scopes nothing/],
    ['unknown command scope bit', ['--network', 'enabled', '--reaper', '--command-landlock-scope', '0x4', '--', 'true'], /unknown bits/],
    [
      'command scope with --landlock-abi below 6',
      ['--network', 'enabled', '--reaper', '--landlock-abi', '5', '--landlock-fs-handled', '1', '--command-landlock-scope', '0x2', '--', 'true'],
      /needs --landlock-abi 6/,
    ],
    [
      'duplicate --command-landlock-scope',
      ['--network', 'enabled', '--reaper', '--command-landlock-scope', '0x2', '--command-landlock-scope', '0x2', '--', 'true'],
      /duplicate option '--command-landlock-scope'/,
    ],
    ['duplicate --proc-sys-readonly', ['--network', 'enabled', '--proc-sys-readonly', '--proc-sys-readonly', '--', 'true'], /duplicate option '--proc-sys-readonly'/],
    ['--print-seccomp-filter with a command', ['--print-seccomp-filter', '--network', 'enabled', '--', 'true'], /--print-seccomp-filter runs no command/],
    ['--print-seccomp-filter with -- alone', ['--network', 'enabled', '--print-seccomp-filter', '--'], /--print-seccomp-filter runs no command/],
    ['--print-seccomp-filter without --network', ['--print-seccomp-filter', '--deny-ipc'], /missing --network/],
    ['--print-seccomp-filter with a bad --network', ['--print-seccomp-filter', '--network', 'off'], /invalid --network 'off'/],
    ['duplicate --print-seccomp-filter', ['--print-seccomp-filter', '--print-seccomp-filter', '--network', 'enabled'], /duplicate option '--print-seccomp-filter'/],
    ['--print-seccomp-filter with --probe', ['--print-seccomp-filter', '--probe', 'namespaces'], /--probe takes no other options/],
  ])('%s', (_name, args, pattern) => {
    expectUsageError(args, pattern);
  });

  it('a control character or a huge value in argv still gives one bounded line', () => {
    expectUsageError(['--network', 'enabled', `--evil\nsecond line${'x'.repeat(5000)}`, '--', 'true'], /unknown option '--evil\?second linex+\.\.\.'/);
    const r = helper(['--network', 'enabled', `--evil\n${'x'.repeat(5000)}`, '--', 'true']);
    expect(r.stderr.length).toBeLessThan(400);
  });

  it('property: random argv without a valid configuration never runs anything and always exits 125 with one line', async () => {
    await withTempDir((dir) => {
      const marker = join(dir, 'ran');
      const command = ['/bin/sh', '-c', `: > '${marker}'`];
      const known = fc.constantFrom(
        '--network',
        '--landlock-abi',
        '--landlock-fs-handled',
        '--landlock-rule',
        '--landlock-scope',
        '--reaper',
        '--probe',
        '--command-landlock-scope',
        '--proc-sys-readonly',
        '--namespaces',
        '--tmpfs',
        '--perms',
      );
      const values = fc.constantFrom('restricted', 'enabled', '7', '1', '0x1', '0xffff', '0xd:/', '0x3', 'namespaces', '', '-', '0x', '/');
      const junk = fc.string({ unit: 'binary-ascii', maxLength: 12 }).filter((s) => !s.includes('\0'));
      const token = fc.oneof(known, values, junk).filter((t) => t !== '--');
      const tokens = fc.array(token, { maxLength: 10 });
      // Each defect is invalid both as options and as the value of whatever flag precedes it.
      const defect = fc.constantFrom(
        ['--no-such-flag'],
        ['--network', 'enabled', '--network', 'enabled'],
        ['--landlock-rule', '0x1:relative/path'],
        ['--reaper', '--reaper'],
        ['--probe', 'namespaces', '--probe', 'namespaces'],
      );
      const argv = fc.oneof(
        // No separator: nothing can be a command (`--probe namespaces` alone is the one valid form).
        tokens.filter((t) => !(t.length === 2 && t[0] === '--probe' && t[1] === 'namespaces')),
        // A separator and no command.
        tokens.map((t) => [...t, '--']),
        // A defect spliced anywhere before a real command.
        fc.tuple(tokens, defect, fc.nat()).map(([t, d, at]) => {
          const i = t.length === 0 ? 0 : at % (t.length + 1);
          return [...t.slice(0, i), ...d, ...t.slice(i), '--', ...command];
        }),
      );
      console.log(`helper argv property: seed=${seed} numRuns=${numRuns}`);
      fc.assert(
        fc.property(argv, (args) => {
          const r = helper(args);
          expect(r.signal).toBeNull();
          expect(r.status).toBe(125);
          expect(r.stdout).toBe('');
          expect(r.stderr.split('\n')).toHaveLength(2);
          expect(r.stderr.startsWith('codex-sandbox-helper: ')).toBe(true);
          expect(existsSync(marker)).toBe(false);
        }),
        { numRuns, seed },
      );
    });
  });
});
