// The CLI runs in-process (no compiled dist/ needed): commands load through import().
import { describe, expect, it } from 'vitest';

import type { CommandContext } from '../../lib/cli/command';
import { runCli } from '../../lib/cli/main';

function capture(): { ctx: CommandContext; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const ctx: CommandContext = {
    json: false,
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    env: { ...process.env, CODEX_HOME: '/nonexistent-codex-home' },
    processCwd: process.cwd(),
  };
  return { ctx, out: () => out, err: () => err };
}

describe('cli main', () => {
  it('without a command: a one-line usage error listing the commands, exit 125 (docs/cli.md#exit-statuses)', async () => {
    const c = capture();
    expect(await runCli([], 'codex-sandbox', c.ctx)).toBe(125);
    expect(c.out()).toBe('');
    expect(c.err()).toMatch(/^codex-sandbox: no command given; usage: .*commands: apply-patch, config, doctor, explain, plan, run/);
    expect(c.err().trim().split('\n')).toHaveLength(1);
  });

  it('--help lists the commands on stdout, exit 0', async () => {
    const c = capture();
    expect(await runCli(['--help'], 'codex-sandbox', c.ctx)).toBe(0);
    expect(c.out()).toMatch(/commands: apply-patch, config, doctor, explain, plan, run/);
  });

  it('an unknown command is a one-line usage error with exit 125', async () => {
    const c = capture();
    expect(await runCli(['bogus'], 'codex-sandbox', c.ctx)).toBe(125);
    expect(c.err()).toMatch(/^codex-sandbox: unknown command "bogus"; usage: /);
    expect(c.err().trim().split('\n')).toHaveLength(1);
  });

  it('loads a command module lazily and runs it in-process', async () => {
    const c = capture();
    const code = await runCli(['explain', '--sandbox', 'read-only', '/etc/passwd', '--access', 'write'], 'codex-sandbox', c.ctx);
    expect(code).toBe(1);
    expect(c.out()).toMatch(/write denied/);
  });
});
