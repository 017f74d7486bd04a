// Fuzzing the CLI (issue #7): random argv over the real flag vocabulary never produces a stack
// trace or an internal error; every refusal is exit 125 with exactly one stderr line that names
// the problem. `apply-patch` and `config lock export` are left out: they write files by design.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CommandContext, CommandHandler } from '../../lib/cli/command';
import { configCommand } from '../../lib/cli/commands/config';
import { doctorCommand } from '../../lib/cli/commands/doctor';
import { explainCommand } from '../../lib/cli/commands/explain';
import { planCommand } from '../../lib/cli/commands/plan';
import { runCommand } from '../../lib/cli/commands/run';
import { reportError } from '../../lib/cli/report';
import { makeTempDir } from '../helpers/temp';
import { fuzzParams, hostilePath } from '../security/harness/fuzz-settings';

const COMMANDS: Record<string, CommandHandler> = {
  run: runCommand,
  plan: planCommand,
  doctor: doctorCommand,
  explain: explainCommand,
  config: configCommand,
};

let home: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  home = makeTempDir('fuzz-cli');
});
afterAll(() => home.remove());

async function cli(name: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const env = { PATH: '/usr/bin:/bin', HOME: home.path, CODEX_HOME: home.path };
  const ctx: CommandContext = { json: argv.includes('--json'), stdout: (t) => (out += t), stderr: (t) => (err += t), env, processCwd: home.path };
  let code: number;
  try {
    code = await COMMANDS[name](argv, ctx);
  } catch (e) {
    // As runCli does: a thrown error becomes one line (a SandboxError) or an internal-error stack.
    code = reportError(e, ctx);
  }
  return { code, out, err };
}

describe.runIf(process.platform === 'linux')('fuzz: CLI arguments', () => {
  it('random argv: refusals are exit 125 with one stderr line naming the problem, never an internal error', async () => {
    const flag = fc.constantFrom(
      '--sandbox',
      '--permission-profile',
      '--permissions',
      '--writable-root',
      '--network',
      '--no-network',
      '--backend',
      '--cwd',
      '-c',
      '--json',
      '--platform',
      '--access',
      '--help',
      '--',
      'show',
      '--unknown',
      '-x',
      '',
    );
    const value = fc.oneof(
      fc.constantFrom(
        'read-only',
        'workspace-write',
        'danger-full-access',
        'auto',
        'bwrap',
        'landlock',
        'seccomp',
        'linux',
        'macos',
        'windows',
        'read',
        'write',
        '{}',
        '{"type":"read-only"}',
        '{"type":"managed"}',
        'null',
        '[',
        'sandbox_mode=read-only',
        'sandbox_mode=bogus',
        'writeable_roots=[1]',
        '=',
        'a.b.c=[',
        ':workspace',
        ':read-only',
        '/bin/true',
        '/tmp',
        '/nonexistent',
      ),
      hostilePath(),
      fc.string({ maxLength: 10 }),
    );
    const argv = fc.tuple(fc.constantFrom(...Object.keys(COMMANDS)), fc.array(fc.oneof(flag, value), { maxLength: 8 }), fc.boolean());
    const seen = { refused: 0, ok: 0 };
    await fc.assert(
      fc.asyncProperty(argv, async ([name, rest, endWithTrue]) => {
        // `run` and `plan` need a command; give one that does nothing when the policy is accepted.
        const args = endWithTrue ? [...rest, '--', '/bin/true'] : rest;
        const r = await cli(name, args);
        const what = `${name} ${JSON.stringify(args)} -> ${r.code}: ${r.err}`;
        if (r.code === 125) seen.refused += 1;
        if (r.code === 0) seen.ok += 1;
        expect(r.err, what).not.toMatch(/internal error|\n\s+at |TypeError|ReferenceError/);
        if (r.code === 125 && !args.includes('--json')) {
          const lines = r.err.split('\n').filter((l) => l !== '');
          expect(lines.length, what).toBe(1);
          expect(lines[0].startsWith('codex-sandbox: '), what).toBe(true);
        }
      }),
      { ...fuzzParams('fuzz CLI argv'), timeout: 20_000 },
    );
    // Not vacuous: both outcomes occurred.
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.ok).toBeGreaterThan(0);
  }, 300_000);

  it('regression (seed 351683904): a program path Linux cannot exec is refused by codex-sandbox, one line, exit 125', async () => {
    for (const program of [`/${'abcdefghijklmnopqrstuvwxyz/'.repeat(160)}x`, `/${'a'.repeat(4095)}`]) {
      const r = await cli('run', ['--', program]);
      expect(r.code).toBe(125);
      expect(r.err).toMatch(/^codex-sandbox: invalid command: the program name "[^"\n]+" is \d+ bytes with a \d+-byte component; [^\n]+\n$/);
    }
  });
});
