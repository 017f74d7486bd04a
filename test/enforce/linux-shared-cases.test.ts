// The reference's Linux sandbox suite (docs/reference.md#conformance-cases): its shared cases and the applicable later ones, each run in a
// real sandbox with the effect checked on the host, for every backend that can represent it.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect } from 'vitest';

import { isSandboxError } from '../../lib/errors';
import { hostPrepRegistryDir } from '../../lib/spawn/host-prep';
import { makeTempDir } from '../helpers/temp';
import { caps, itOn, minimalEntry, pathEntry, profile, rootEntry, run, unrestricted } from './support';

let tmp: { path: string; remove: () => void };
let t: string;
beforeEach(() => {
  tmp = makeTempDir('enforce');
  t = tmp.path;
});
afterEach(() => tmp.remove());

const readOnly = profile([rootEntry('read')]);
const helperDir = (): string => dirname(caps?.helperPath ?? '/');

describe.each(['bwrap', 'landlock'] as const)('%s: read-only policies', (backend) => {
  itOn(backend)(`${backend}: root read with no writable roots lists /bin (case 1)`, async () => {
    const r = await run(backend, readOnly, ['ls', '-l', '/bin']);
    expect(r.exitCode).toBe(0);
  });

  itOn(backend)(`${backend}: root read with no writable roots cannot write a host file (case 2)`, async () => {
    const file = join(t, 'host.txt');
    writeFileSync(file, 'original');
    const r = await run(backend, readOnly, `echo blah > ${file}`);
    expect(r.exitCode).not.toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('original');
    expect(r.denials.map((d) => ('path' in d ? d.path : d.host))).toContain(file);
  });

  itOn(backend)(`${backend}: writing /dev/null is allowed (case 3)`, async () => {
    const r = await run(backend, profile([rootEntry('read')], 'enabled'), 'echo blah > /dev/null');
    expect(r.exitCode).toBe(0);
  });

  itOn(backend)(`${backend}: no_new_privs is set for the command (case 8)`, async () => {
    const r = await run(backend, readOnly, ['grep', '^NoNewPrivs:', '/proc/self/status']);
    expect(r.stdout.trim()).toBe('NoNewPrivs:\t1');
  });

  itOn(backend)(`${backend}: a command past its timeout is killed and reported (case 9)`, async () => {
    const r = await run(backend, readOnly, ['sleep', '5'], { timeoutMs: 50 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode === 0).toBe(false);
  });

  itOn(backend)(`${backend}: restricted reads expose only the readable roots`, async () => {
    mkdirSync(join(t, 'r'));
    mkdirSync(join(t, 'other'));
    writeFileSync(join(t, 'r/ok.txt'), 'visible');
    writeFileSync(join(t, 'other/secret.txt'), 'secret');
    const policy = profile([minimalEntry(), pathEntry(helperDir(), 'read'), pathEntry(join(t, 'r'), 'read')]);
    const r = await run(backend, policy, `cat ${t}/r/ok.txt; cat ${t}/other/secret.txt`);
    expect(r.stdout).toBe('visible');
    expect(r.exitCode).not.toBe(0);
  });
});

// The third row is the unrestricted filesystem, which ran on seccomp alone before issue #20 and
// now runs on the Landlock full-write ruleset (seccomp alone refuses a restricted network).
describe.each([
  ['bwrap', 'bwrap', false],
  ['landlock', 'landlock', false],
  ['landlock (unrestricted filesystem)', 'landlock', true],
] as const)('%s: network restricted (case 10)', (label, backend, fullWrite) => {
  const policy = fullWrite ? unrestricted('restricted') : readOnly;
  const probes: [string, string][] = [
    ['curl', 'curl -sS -m 2 -I http://openai.com'],
    ['wget', 'wget -T 2 -qO- http://openai.com'],
    ['ping', 'ping -c 1 -W 1 8.8.8.8'],
    ['nc', 'nc -z -w 1 127.0.0.1 80'],
    ['ssh', 'ssh -o BatchMode=yes -o ConnectTimeout=1 github.com'],
    ['getent', 'getent ahosts openai.com'],
    ['/dev/tcp', 'echo hi > /dev/tcp/127.0.0.1/80'],
  ];
  for (const [name, script] of probes) {
    itOn(backend)(`${label}: ${name} cannot reach the network`, async () => {
      const r = await run(backend, policy, script);
      expect(r.exitCode).not.toBe(0);
    });
  }

  itOn(backend)(`${label}: the command sees CODEX_SANDBOX_NETWORK_DISABLED=1`, async () => {
    const r = await run(backend, policy, 'printf %s "$CODEX_SANDBOX_NETWORK_DISABLED"');
    expect(r.stdout).toBe('1');
  });

  itOn(backend)(`${label}: an AF_UNIX socketpair still works under a restricted network`, async () => {
    // Plain socketpair + write + read, as the reference's test does: getsockname and sendto are
    // denied by the restricted filter, so language runtimes that call them are not a fair probe.
    const r = await run(backend, policy, [
      'perl',
      '-e',
      'use Socket; socketpair(my $a, my $b, AF_UNIX, SOCK_STREAM, 0) or die "socketpair: $!"; syswrite $a, "ok"; sysread $b, my $x, 2; print "$x\\n"',
    ]);
    expect(r.stdout.trim()).toBe('ok');
  });
});

describe('unrestricted filesystem (seccomp, and Landlock for a restricted network)', () => {
  itOn('seccomp')('seccomp: no_new_privs is set for the command (case 8)', async () => {
    const r = await run('seccomp', unrestricted('enabled'), ['grep', '^NoNewPrivs:', '/proc/self/status']);
    expect(r.stdout.trim()).toBe('NoNewPrivs:\t1');
  });

  itOn('seccomp')('seccomp: ptrace is denied even with an enabled network', async () => {
    const r = await run('seccomp', unrestricted('enabled'), ['python3', '-c', 'import ctypes; print(ctypes.CDLL(None).ptrace(0, 0, 0, 0))']);
    expect(r.stdout.trim()).toBe('-1');
  });

  itOn('landlock')('landlock (what auto plans): an unrestricted filesystem with a restricted network can write the host', async () => {
    const r = await run('landlock', unrestricted('restricted'), `printf written > ${t}/f`);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(t, 'f'), 'utf8')).toBe('written');
  });
});

describe('bwrap: writable roots and carve-outs', () => {
  itOn('bwrap')('bwrap: minimal /dev has character devices null, zero, full, random, urandom, tty (case 4)', async () => {
    const r = await run('bwrap', profile([rootEntry('read')], 'enabled'), 'for n in null zero full random urandom tty; do test -c /dev/$n || exit 1; done');
    expect(r.exitCode).toBe(0);
  });

  itOn('bwrap')('bwrap: a writable /dev/shm bind stays writable after --dev (case 5)', async () => {
    if (!existsSync('/dev/shm')) return;
    const dir = mkdtempSync('/dev/shm/csbx-test-');
    try {
      const file = join(dir, 'f');
      writeFileSync(file, 'before');
      const r = await run('bwrap', profile([rootEntry('read'), pathEntry('/dev/shm', 'write')]), `printf sandbox-after > ${file}`);
      expect(r.exitCode).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe('sandbox-after');
      expect(readdirSync('/dev/shm').filter((n) => ['.git', '.codex', '.agents', '.aws'].includes(n))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  itOn('bwrap')('bwrap: a writable root can be written and the host sees it (case 6)', async () => {
    const r = await run('bwrap', profile([rootEntry('read'), pathEntry(t, 'write')]), `echo blah > ${t}/test`);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(t, 'test'), 'utf8')).toBe('blah\n');
  });

  itOn('bwrap')('bwrap: missing writable roots are ignored (case 7)', async () => {
    const r = await run('bwrap', profile([rootEntry('read'), pathEntry(t, 'write'), pathEntry(join(t, 'missing'), 'write')]), 'printf sandbox-ok');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('sandbox-ok');
    expect(existsSync(join(t, 'missing'))).toBe(false);
  });

  itOn('bwrap')('bwrap: .git, .codex and .aws config stay read-only inside a writable root, siblings are writable (case 11)', async () => {
    for (const [dir, file] of [
      ['.git', 'config'],
      ['.codex', 'config.toml'],
      ['.aws', 'config'],
    ]) {
      mkdirSync(join(t, dir));
      writeFileSync(join(t, dir, file), 'original');
    }
    const script = `for f in .git/config .codex/config.toml .aws/config; do (echo evil > ${t}/$f) 2>/dev/null && exit 3; done; printf permitted > ${t}/allowed; printf protected`;
    const r = await run('bwrap', profile([rootEntry('read'), pathEntry(t, 'write')], 'enabled'), script);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('protected');
    expect(r.stderr).toBe('');
    expect(readFileSync(join(t, '.git/config'), 'utf8')).toBe('original');
    expect(readFileSync(join(t, '.codex/config.toml'), 'utf8')).toBe('original');
    expect(readFileSync(join(t, '.aws/config'), 'utf8')).toBe('original');
    expect(readFileSync(join(t, 'allowed'), 'utf8')).toBe('permitted');
  });

  itOn('bwrap')('bwrap: a .codex symlink to a decoy is refused before anything runs (cases 12, 16)', async () => {
    mkdirSync(join(t, 'decoy-codex'));
    symlinkSync(join(t, 'decoy-codex'), join(t, '.codex'));
    let caught: unknown;
    try {
      await run('bwrap', profile([rootEntry('read'), pathEntry(t, 'write')]), `echo denied > ${t}/.codex/config.toml`);
    } catch (err) {
      caught = err;
    }
    expect(isSandboxError(caught) && caught.code).toBe('E_UNSUPPORTED_POLICY');
    expect((caught as Error).message).toContain('cannot enforce sandbox read-only path');
    expect(existsSync(join(t, 'decoy-codex/config.toml'))).toBe(false);
  });

  itOn('bwrap')('bwrap: a deny entry inside a writable root blocks writes below it (case 13)', async () => {
    mkdirSync(join(t, 'blocked'));
    const policy = profile([minimalEntry(), pathEntry(helperDir(), 'read'), pathEntry(t, 'write'), pathEntry(join(t, 'blocked'), 'none')], 'enabled');
    const r = await run('bwrap', policy, ['sh', '-c', `echo denied > ${t}/blocked/secret.txt`]);
    expect(r.exitCode).not.toBe(0);
    expect(existsSync(join(t, 'blocked/secret.txt'))).toBe(false);
  });

  itOn('bwrap')('bwrap: a writable child below a denied parent is reopened (case 14)', async () => {
    mkdirSync(join(t, 'blocked/allowed'), { recursive: true });
    const policy = profile(
      [minimalEntry(), pathEntry(helperDir(), 'read'), pathEntry(t, 'write'), pathEntry(join(t, 'blocked'), 'none'), pathEntry(join(t, 'blocked/allowed'), 'write')],
      'enabled',
    );
    const r = await run('bwrap', policy, ['sh', '-c', `printf allowed > ${t}/blocked/allowed/note.txt && cat ${t}/blocked/allowed/note.txt`]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('allowed');
    expect(readFileSync(join(t, 'blocked/allowed/note.txt'), 'utf8')).toBe('allowed');
  });

  itOn('bwrap')('bwrap: root read with a denied directory hides its files (case 15)', async () => {
    mkdirSync(join(t, 'blocked'));
    writeFileSync(join(t, 'blocked/secret.txt'), 'secret');
    const r = await run('bwrap', profile([rootEntry('read'), pathEntry(join(t, 'blocked'), 'none')]), `cat ${t}/blocked/secret.txt`);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).not.toContain('secret');
  });

  itOn('bwrap')('bwrap: the command has no effective or permitted capabilities (case 20)', async () => {
    const r = await run('bwrap', readOnly, `grep -E '^Cap(Eff|Prm):' /proc/self/status`);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[1]),
    ).toEqual(['0000000000000000', '0000000000000000']);
  });

  itOn('bwrap')('bwrap: a child repo keeps parent discovery while its own metadata cannot be created (case 17)', async () => {
    const repo = join(t, 'repo');
    mkdirSync(join(repo, 'sub'), { recursive: true });
    const git = await run('seccomp', unrestricted('enabled'), ['git', 'init', '-q', repo]);
    expect(git.exitCode).toBe(0);
    const sub = join(repo, 'sub');
    const policy = profile([rootEntry('read'), pathEntry(sub, 'write')], 'enabled');
    const top = await run('bwrap', policy, ['git', 'rev-parse', '--show-toplevel'], { cwd: sub });
    expect(top.stdout.trim()).toBe(repo);
    const init = await run('bwrap', policy, 'git init -q . && echo created', { cwd: sub });
    expect(init.stdout).not.toContain('created');
    const mk = await run('bwrap', policy, 'mkdir .codex/x', { cwd: sub });
    expect(mk.exitCode).not.toBe(0);
    const py = await run('bwrap', policy, `printf 'print(6*7)' > s.py && python3 s.py`, { cwd: sub });
    expect(py.stdout.trim()).toBe('42');
    for (const name of ['.git', '.codex', '.agents', '.aws']) expect(existsSync(join(sub, name)), name).toBe(false);
  });

  itOn('bwrap')('bwrap: a run leaves no synthetic mount targets on the host, even when killed', async () => {
    const policy = profile([rootEntry('read'), pathEntry(t, 'write')]);
    const r = await run('bwrap', policy, ['sleep', '5'], { timeoutMs: 100 });
    expect(r.timedOut).toBe(true);
    expect(r.plan.hostPrep.length).toBeGreaterThan(0);
    for (const target of r.plan.hostPrep) expect(existsSync(target.path), target.path).toBe(false);
  });

  itOn('bwrap')('bwrap: the mount-target registry cannot be read or forged from inside, even with a writable temp dir (case 18)', async () => {
    const registry = hostPrepRegistryDir();
    const r = await run('bwrap', profile([rootEntry('read'), pathEntry(dirname(registry), 'write')]), `ls ${registry} || touch ${registry}/forged-marker || printf blocked`);
    expect(r.stdout).toBe('blocked');
    expect(existsSync(join(registry, 'forged-marker'))).toBe(false);
  });

  itOn('bwrap')('bwrap: a denied tmp dir with TMPDIR pointing at it still starts the command (case 19)', async () => {
    const work = join(t, 'work');
    const tmpRoot = join(t, 'tmp');
    mkdirSync(work);
    mkdirSync(tmpRoot);
    writeFileSync(join(work, 'AGENTS.md'), 'agents');
    writeFileSync(join(tmpRoot, 'secret'), 'secret');
    for (const base of [rootEntry('read'), minimalEntry()]) {
      const policy = profile([base, pathEntry(helperDir(), 'read'), pathEntry(work, 'write'), pathEntry(tmpRoot, 'none')]);
      const script = `cat AGENTS.md; cat ${tmpRoot}/secret 2>/dev/null && exit 3; (echo x > ${tmpRoot}/secret) 2>/dev/null && exit 4; exit 0`;
      const r = await run('bwrap', policy, ['sh', '-c', script], { cwd: work, env: { ...process.env, TMPDIR: tmpRoot } });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe('agents');
      expect(readFileSync(join(tmpRoot, 'secret'), 'utf8')).toBe('secret');
      expect(existsSync(join(work, '.git'))).toBe(false);
    }
  });
});
