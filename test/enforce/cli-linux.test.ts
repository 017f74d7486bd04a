// `codex-sandbox run` and `codex-linux-sandbox` as real processes (the built CLI in dist/, as
// users run it): exit statuses, effects on the host, the reference helper's flags and messages.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect } from 'vitest';

import { makeTempDir } from '../helpers/temp';
import { itOn, MOUNT_BACKEND, pathEntry, profile, rootEntry } from './support';

const ROOT = resolve(__dirname, '../..');
let tmp: { path: string; remove: () => void };
let t: string;
beforeEach(() => {
  tmp = makeTempDir('cli');
  t = tmp.path;
});
afterEach(() => tmp.remove());

function cli(bin: 'codex-sandbox' | 'codex-linux-sandbox', args: string[], cwd = t): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', `${bin}.js`), ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const readOnly = JSON.stringify(profile([rootEntry('read')]));

describe('codex-sandbox run', () => {
  itOn('bwrap')('bwrap: run returns the command exit status and writes only inside the workspace', () => {
    const r = cli('codex-sandbox', [
      'run',
      '--sandbox',
      'workspace-write',
      '--backend',
      MOUNT_BACKEND,
      '--',
      'sh',
      '-c',
      `echo in > ${t}/in.txt; echo out > /etc/csbx-out.txt; exit 7`,
    ]);
    expect(r.status).toBe(7);
    expect(readFileSync(join(t, 'in.txt'), 'utf8')).toBe('in\n');
    expect(existsSync('/etc/csbx-out.txt')).toBe(false);
    expect(readdirSync(t).sort()).toEqual(['in.txt']);
  });

  itOn('bwrap')('bwrap: the README example, --writable-root alone with --network, makes that root writable and nothing else', () => {
    const scratch = makeTempDir('scratch');
    try {
      const r = cli('codex-sandbox', [
        'run',
        '--writable-root',
        scratch.path,
        '--network',
        '--backend',
        MOUNT_BACKEND,
        '--',
        'sh',
        '-c',
        `echo s > ${scratch.path}/s.txt && echo w > ${t}/w.txt; echo out > /etc/csbx-out.txt; exit 3`,
      ]);
      expect(r.status, r.stderr).toBe(3);
      expect(readFileSync(join(scratch.path, 's.txt'), 'utf8')).toBe('s\n');
      expect(readFileSync(join(t, 'w.txt'), 'utf8')).toBe('w\n');
      expect(existsSync('/etc/csbx-out.txt')).toBe(false);
    } finally {
      scratch.remove();
    }
  });

  itOn('bwrap')('bwrap: a command killed by signal 9 gives exit status 137', () => {
    expect(cli('codex-sandbox', ['run', '--backend', MOUNT_BACKEND, '--', 'sh', '-c', 'kill -9 $$']).status).toBe(137);
  });

  itOn('bwrap')('bwrap: a missing command gives 127 and a non-executable one 126', () => {
    writeFileSync(join(t, 'noexec.sh'), 'true');
    expect(cli('codex-sandbox', ['run', '--backend', MOUNT_BACKEND, '--', 'csbx-no-such-command']).status).toBe(127);
    expect(cli('codex-sandbox', ['run', '--backend', MOUNT_BACKEND, '--', join(t, 'noexec.sh')]).status).toBe(126);
  });

  itOn('landlock')('landlock: a policy Landlock cannot represent exits 125 with one line naming bwrap', () => {
    const r = cli('codex-sandbox', ['run', '--sandbox', 'workspace-write', '--backend', 'landlock', '--', 'true']);
    expect(r.status).toBe(125);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--backend namespaces or bwrap');
  });

  itOn('bwrap')('bwrap: run without a command is a usage error (125)', () => {
    expect(cli('codex-sandbox', ['run']).status).toBe(125);
  });

  // workspace-write is spawned (its mount targets are removed afterwards); read-only on the
  // namespaces backend replaces run with the helper (spawn/exec-plan.ts).
  const planCases = [
    ...new Map(
      (
        [
          [MOUNT_BACKEND, 'workspace-write'],
          ['namespaces', 'workspace-write'],
          ['namespaces', 'read-only'],
          ['landlock', 'read-only'],
        ] as const
      ).map((c) => [c.join(' '), c]),
    ).values(),
  ];
  for (const [backend, sandbox] of planCases) {
    itOn(backend)(`${backend}, ${sandbox}: plan --json shows exactly the argv run executes (the helper's command line, read inside the sandbox)`, () => {
      // The shell's parent is the helper that forked it (the reaper; PID 1 in a PID namespace).
      const command = ['/bin/sh', '-c', 'tr "\\0" "\\n" < /proc/$PPID/cmdline'];
      const policyArgs = ['--sandbox', sandbox, '--backend', backend, '--cwd', t];
      // A first run makes the host mount-target registry, which every later plan masks.
      expect(cli('codex-sandbox', ['run', ...policyArgs, '--', '/bin/true']).status).toBe(0);
      const plan = JSON.parse(cli('codex-sandbox', ['plan', ...policyArgs, '--json', '--', ...command]).stdout) as { backend: string; argv: string[] };
      const r = cli('codex-sandbox', ['run', ...policyArgs, '--', ...command]);
      expect(r.status, r.stderr).toBe(0);
      const helperArgv = r.stdout.replace(/\n$/, '').split('\n');
      expect(plan.backend).toBe(backend);
      // Under bwrap the helper is its inner stage: the plan's argv after bwrap's own `--`.
      expect(helperArgv).toStrictEqual(backend === 'bwrap' ? plan.argv.slice(plan.argv.indexOf('--') + 1) : plan.argv);
    });
  }
});

describe('codex-linux-sandbox', () => {
  itOn('bwrap')('bwrap: --permission-profile read-only blocks a host write and passes the exit status through', () => {
    const file = join(t, 'f');
    writeFileSync(file, 'original');
    const r = cli('codex-linux-sandbox', ['--sandbox-policy-cwd', t, '--permission-profile', readOnly, '--', 'sh', '-c', `echo x > ${file}; exit 3`]);
    expect(r.status).toBe(3);
    expect(readFileSync(file, 'utf8')).toBe('original');
  });

  itOn('bwrap')('bwrap: a workspace profile masks missing metadata and leaves nothing behind on the host', () => {
    const policy = JSON.stringify(profile([rootEntry('read'), pathEntry(t, 'write')]));
    const r = cli('codex-linux-sandbox', [
      '--sandbox-policy-cwd',
      t,
      '--permission-profile',
      policy,
      '--',
      'sh',
      '-c',
      `mkdir ${t}/.codex/x || printf blocked; printf ok > ${t}/ok`,
    ]);
    expect(r.stdout).toBe('blocked');
    expect(readdirSync(t)).toEqual(['ok']);
  });

  itOn('bwrap')('bwrap: SIGTERM to codex-linux-sandbox ends the sandbox (143) and removes the host mount targets', async () => {
    const policy = JSON.stringify(profile([rootEntry('read'), pathEntry(t, 'write')]));
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'codex-linux-sandbox.js'), '--sandbox-policy-cwd', t, '--permission-profile', policy, '--', 'sh', '-c', 'echo started; sleep 30'],
      {
        cwd: t,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    await new Promise((r) => child.stdout?.once('data', r));
    expect(readdirSync(t).length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', (c, sig) => r(c ?? sig)));
    expect(code).toBe(143);
    expect(readdirSync(t)).toEqual([]);
  });

  itOn('bwrap')('bwrap: the legacy --sandbox-policy flag alone is accepted', () => {
    const r = cli('codex-linux-sandbox', ['--sandbox-policy-cwd', t, '--sandbox-policy', '{"type":"read-only"}', '--', 'sh', '-c', 'printf ran']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('ran');
  });

  itOn('bwrap')('bwrap: a file-system policy without a network policy is refused with the reference message', () => {
    const r = cli('codex-linux-sandbox', ['--sandbox-policy-cwd', t, '--file-system-sandbox-policy', '{"kind":"unrestricted"}', '--', 'true']);
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('file-system and network sandbox policies must be provided together');
  });

  itOn('bwrap')('bwrap: an invalid --permission-profile names the reference prefix', () => {
    const r = cli('codex-linux-sandbox', ['--sandbox-policy-cwd', t, '--permission-profile', '{nope', '--', 'true']);
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('invalid permission profile JSON:');
  });

  itOn('bwrap')('bwrap: no command after -- is a usage error (exit 2) with the reference message', () => {
    const r = cli('codex-linux-sandbox', ['--sandbox-policy-cwd', t, '--permission-profile', readOnly, '--']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('No command specified to execute.');
  });

  itOn('bwrap')('bwrap: an unknown flag is a usage error (exit 2)', () => {
    expect(cli('codex-linux-sandbox', ['--sandbox-policy-cwd', t, '--bogus', '--', 'true']).status).toBe(2);
  });

  itOn('landlock')('landlock: --use-legacy-landlock runs a read-only profile on Landlock', () => {
    const file = join(t, 'f');
    writeFileSync(file, 'original');
    const r = cli('codex-linux-sandbox', [
      '--sandbox-policy-cwd',
      t,
      '--permission-profile',
      readOnly,
      '--use-legacy-landlock',
      '--',
      'sh',
      '-c',
      `cat /proc/self/status | grep -c Landlock >/dev/null; echo x > ${file} || printf denied`,
    ]);
    expect(r.stdout).toBe('denied');
    expect(readFileSync(file, 'utf8')).toBe('original');
  });

  itOn('landlock')('landlock: --use-legacy-landlock with restricted reads is refused with the reference message', () => {
    const policy = JSON.stringify(profile([pathEntry(t, 'read')]));
    const r = cli('codex-linux-sandbox', ['--sandbox-policy-cwd', t, '--permission-profile', policy, '--use-legacy-landlock', '--', 'true']);
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('Restricted read-only access is not supported by the legacy Linux Landlock filesystem backend.');
  });

  itOn('landlock')('landlock: --use-legacy-landlock with a workspace profile that needs direct enforcement is refused', () => {
    const policy = JSON.stringify(profile([rootEntry('read'), pathEntry(t, 'write'), pathEntry(join(t, 'docs'), 'read')]));
    const r = cli('codex-linux-sandbox', ['--sandbox-policy-cwd', t, '--permission-profile', policy, '--use-legacy-landlock', '--', 'true']);
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('permission profiles requiring direct runtime enforcement are incompatible with --use-legacy-landlock');
  });

  itOn('landlock')('landlock: an unrestricted profile with a restricted network runs the full-write Landlock ruleset and cannot connect', () => {
    const policy = JSON.stringify({ type: 'managed', file_system: { type: 'unrestricted' }, network: 'restricted' });
    const r = cli('codex-linux-sandbox', [
      '--sandbox-policy-cwd',
      t,
      '--permission-profile',
      policy,
      '--',
      'sh',
      '-c',
      `printf w > ${t}/w; echo hi > /dev/tcp/127.0.0.1/80 || printf blocked`,
    ]);
    expect(r.stdout).toBe('blocked');
    expect(readFileSync(join(t, 'w'), 'utf8')).toBe('w');
  });
});
