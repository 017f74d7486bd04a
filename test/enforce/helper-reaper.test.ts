import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { helperPath } from '../../lib/native';

const HELPER = helperPath();

/** A `sleep` duration no other process uses, so its processes can be found in /proc. */
function uniqueDuration(): string {
  return `${600 + Math.floor(Math.random() * 1e6)}.${process.pid}`;
}

/** Live (non-zombie) processes whose argv is exactly `sleep <duration>`. */
function sleepers(duration: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8') !== `sleep\0${duration}\0`) continue;
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'));
      if (state !== null && state[1] !== 'Z') out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const leftovers: string[] = [];

afterEach(() => {
  // A failing test must not leave its sleepers behind on the shared machine.
  for (const duration of leftovers.splice(0)) {
    for (const pid of sleepers(duration)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

function track(): string {
  const duration = uniqueDuration();
  leftovers.push(duration);
  return duration;
}

describe('helper: --reaper', () => {
  it('control: without --reaper a setsid background child outlives the command', async () => {
    const d = track();
    const r = spawnSync(HELPER, ['--network', 'enabled', '--', 'sh', '-c', `setsid sleep ${d} > /dev/null 2>&1 < /dev/null & exit 0`], {
      timeout: 20_000,
    });
    expect(r.status).toBe(0);
    await waitFor(() => sleepers(d).length === 1, 'the orphaned sleeper');
  });

  it('reaper: a background child that called setsid is killed when the command exits, and the status is kept', () => {
    const d = track();
    const r = spawnSync(HELPER, ['--network', 'enabled', '--reaper', '--', 'sh', '-c', `setsid sleep ${d} & sleep ${d} & exit 3`], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(3);
    // The helper kills and reaps before it exits, so nothing may be left at this point.
    expect(sleepers(d)).toEqual([]);
  });

  it('reaper: grandchildren of a double fork are killed too', () => {
    const d = track();
    const r = spawnSync(HELPER, ['--network', 'restricted', '--reaper', '--', 'sh', '-c', `(sh -c 'setsid sleep ${d} & sleep ${d}' &) ; exit 0`], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(0);
    expect(sleepers(d)).toEqual([]);
  });

  it("reaper: killing the helper's parent kills the command and every descendant", async () => {
    const d = track();
    // The parent is a shell that waits on the helper; the trailing `true` stops it exec'ing.
    const parent = spawn('sh', ['-c', `"$0" --network enabled --reaper -- sh -c 'setsid sleep ${d} & sleep ${d}'; true`, HELPER], {
      stdio: 'ignore',
    });
    try {
      await waitFor(() => sleepers(d).length === 2, 'both sleepers to start');
      parent.kill('SIGKILL');
      await waitFor(() => sleepers(d).length === 0, 'the reaper to kill every sleeper after its parent died');
    } finally {
      parent.kill('SIGKILL');
    }
    expect(sleepers(d)).toEqual([]);
  });

  it('reaper: SIGTERM to the helper is forwarded to the command, and the exit status is 128+15', async () => {
    const d = track();
    const child = spawn(HELPER, ['--network', 'enabled', '--reaper', '--', 'sleep', d], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => sleepers(d).length === 1, 'the command to start');
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(sleepers(d)).toEqual([]);
  });

  it('reaper: SIGUSR1 to the helper ends the sandbox, even a command that ignores SIGTERM, with 137', async () => {
    const d = track();
    const child = spawn(HELPER, ['--network', 'enabled', '--reaper', '--', 'sh', '-c', `trap '' TERM; setsid sleep ${d} & sleep ${d}`], {
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => sleepers(d).length === 2, 'both sleepers to start');
    child.kill('SIGUSR1');
    expect(await exited).toBe(137);
    expect(sleepers(d)).toEqual([]);
  });

  it('reaper: a terminal ^C reaches the command once (the helper does not forward what the tty sent to the group)', () => {
    // The helper runs as session leader on a pty; ^C goes to the foreground group, which holds
    // both the helper and the command.
    const inner = [
      'import signal, time',
      'n = [0]',
      'signal.signal(signal.SIGINT, lambda s, f: n.__setitem__(0, n[0] + 1))',
      "print('ready', flush=True)",
      'while n[0] == 0: time.sleep(0.01)',
      'time.sleep(0.5)',
      "print('count=%d' % n[0], flush=True)",
    ].join('\n');
    const outer = [
      'import os, pty, sys',
      'helper, inner = sys.argv[1], sys.argv[2]',
      'pid, fd = pty.fork()',
      'if pid == 0:',
      "    os.execv(helper, [helper, '--network', 'enabled', '--reaper', '--', sys.executable, '-c', inner])",
      "buf, sent = b'', False",
      'while True:',
      '    try:',
      '        data = os.read(fd, 1024)',
      '    except OSError:',
      '        break',
      '    if not data:',
      '        break',
      '    buf += data',
      "    if not sent and b'ready' in buf:",
      "        os.write(fd, b'\\x03')",
      '        sent = True',
      '_, status = os.waitpid(pid, 0)',
      "print(buf.decode(errors='replace').replace('\\r', ''))",
      "print('status=%d' % os.waitstatus_to_exitcode(status))",
    ].join('\n');
    const r = spawnSync('python3', ['-c', outer, HELPER, inner], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('count=1\n');
    expect(r.stdout).toContain('status=0');
  });

  it('reaper: a command killed by a signal exits 128+N; an exec failure keeps 127', () => {
    expect(spawnSync(HELPER, ['--network', 'enabled', '--reaper', '--', 'sh', '-c', 'kill -9 $$']).status).toBe(137);
    const r = spawnSync(HELPER, ['--network', 'enabled', '--reaper', '--', 'codex-sandbox-no-such-command'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin' },
    });
    expect(r.status).toBe(127);
    expect(r.stderr).toBe('codex-sandbox-helper: execvp codex-sandbox-no-such-command: No such file or directory (errno 2)\n');
  });

  it('reaper: the command runs under the same restrictions as without --reaper', () => {
    const r = spawnSync(HELPER, ['--network', 'restricted', '--reaper', '--', 'grep', '-E', '^(NoNewPrivs|Seccomp):', '/proc/self/status'], {
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('NoNewPrivs:\t1\nSeccomp:\t2\n');
  });
});
