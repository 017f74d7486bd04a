// The CLI's help, usage statuses and suggestions, the same for every command (issue #19):
// `<command> --help` prints help on stdout and exits 0; a usage error is one stderr line with
// status 125; a mistyped command, subcommand or flag names the nearest known spelling.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { patchFromArgument } from '../../lib/cli/commands/apply-patch';
import { runCli } from '../../lib/cli/main';
import { closest, editDistance } from '../../lib/cli/suggest';
import { type CapturedRun, runCaptured } from '../helpers/cli';

/** The whole CLI in-process, as `codex-sandbox ARGV` with no user config. */
function cli(argv: string[]): Promise<CapturedRun> {
  return runCaptured((args, ctx) => runCli(args, 'codex-sandbox', ctx), argv, { env: { ...process.env, CODEX_HOME: '/nonexistent-codex-home' }, processCwd: process.cwd() });
}

describe('--help on every command', () => {
  for (const command of ['run', 'plan', 'doctor', 'explain', 'config', 'apply-patch', 'windows-setup']) {
    for (const flag of ['--help', '-h']) {
      it(`${command} ${flag}: help on stdout, nothing on stderr, exit 0`, async () => {
        const r = await cli([command, flag]);
        expect(r.code).toBe(0);
        expect(r.out).toMatch(new RegExp(`^usage:[\\s\\S]*codex-sandbox ${command}`));
        expect(r.err).toBe('');
      });
    }
  }

  it('run: --help after "--" belongs to the command, not to run', async () => {
    // A missing backend or a real run would both be fine here; what matters is that no help was printed.
    expect((await cli(['run', '--backend', 'seatbelt', '--', 'true', '--help'])).out).not.toMatch(/usage:/);
  });

  it('apply-patch --help names its own default policy (workspace-write), not read-only', async () => {
    const { out } = await cli(['apply-patch', '--help']);
    expect(out).toMatch(/--sandbox MODE .*else workspace-write/);
    expect(out).not.toMatch(/else read-only/);
  });
});

describe('usage errors: one stderr line, exit 125', () => {
  const CASES: [string, string[], RegExp][] = [
    ['no command', [], /^codex-sandbox: no command given; usage: /],
    ['config without a subcommand', ['config'], /^codex-sandbox: config needs a subcommand: show, lock, set, unset/],
    ['a mistyped command', ['rnu', '--', 'true'], /unknown command "rnu"; did you mean "run"\?/],
    ['a mistyped config subcommand', ['config', 'shwo'], /unknown config subcommand "shwo"; did you mean "show"\?/],
    ['a mistyped flag of run', ['run', '--netwrok', '--', 'true'], /unknown option "--netwrok" for run; did you mean "--network"\?/],
    ['a mistyped flag with a value', ['run', '--sandbx=read-only', '--', 'true'], /unknown option "--sandbx=read-only" for run; did you mean "--sandbox"\?/],
    ['a mistyped flag of plan', ['plan', '--platfrom', 'linux'], /unknown option "--platfrom" for plan; did you mean "--platform"\?/],
    ['a mistyped flag of explain', ['explain', '--acess', 'write', '/etc'], /unknown option "--acess" for explain; did you mean "--access"\?/],
    ['a mistyped flag of doctor', ['doctor', '--jsno'], /unknown option "--jsno" for doctor; did you mean "--json"\?/],
    ['a mistyped flag of config', ['config', 'show', '--jsn'], /unknown option "--jsn" for config; did you mean "--json"\?/],
    ['a mistyped flag of apply-patch', ['apply-patch', '--writable-rot', '/tmp'], /unknown option "--writable-rot" for apply-patch; did you mean "--writable-root"\?/],
    ['an unrelated flag gets no guess', ['run', '--frobnicate', '--', 'true'], /unknown option "--frobnicate" for run; see codex-sandbox run --help$/],
    ['a command before "--"', ['run', 'make'], /unexpected argument "make" for run: the command goes after "--"/],
  ];
  for (const [what, argv, message] of CASES) {
    it(what, async () => {
      const r = await cli(argv);
      expect(r.code).toBe(125);
      const lines = r.err.trim().split('\n');
      expect(lines, r.err).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(r.out).toBe('');
    });
  }
});

describe('suggestions', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('--netwrok', '--network')).toBe(1);
    expect(editDistance('run', 'run')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only what is near', () => {
    expect(closest('pln', ['plan', 'run'])).toBe('plan');
    expect(closest('xyz', ['plan', 'run'])).toBeUndefined();
    expect(closest('--json', ['--json'])).toBe('--json');
  });
});

describe('apply-patch FILE', () => {
  const PATCH = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n';

  it('reads an existing file that is not patch text; keeps patch text and other words as they are', () => {
    const dir = mkdtempSync(join(tmpdir(), 'csbx-patch-arg-'));
    try {
      writeFileSync(join(dir, 'change.patch'), PATCH);
      expect(patchFromArgument('change.patch', dir)).toBe(PATCH);
      expect(patchFromArgument(join(dir, 'change.patch'), '/')).toBe(PATCH);
      expect(patchFromArgument(PATCH, dir)).toBe(PATCH);
      expect(patchFromArgument("<<'EOF'\n*** Begin Patch\n*** End Patch\nEOF", dir)).toMatch(/^<<'EOF'/);
      // A directory, or a name that is not there, stays text (and then fails to parse as a patch).
      expect(patchFromArgument('.', dir)).toBe('.');
      expect(patchFromArgument('missing.patch', dir)).toBe('missing.patch');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
