// arg0's environment preparation (docs/reference.md#arg0-dispatch): CODEX_HOME, .env loading, the pid lock,
// the per-process alias folder with its janitor and its refusal under the system temp folder.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { arg0Dispatch } from '../../../lib/arg0/arg0-dispatch';
import { resolveCodexHome } from '../../../lib/arg0/codex-home';
import { isReservedName, loadCodexDotenv, parseDotenv } from '../../../lib/arg0/dotenv';
import { aliasNames, cleanStaleAliasDirs, createPathAliases, prependToPath, unixShim, windowsShim } from '../../../lib/arg0/path-aliases';
import { createPidLock, lockState } from '../../../lib/arg0/pid-lock';
import { isSandboxError } from '../../../lib/errors';
import { makeTempDir, withTempDir } from '../../helpers/temp';

/** A pid that is certainly dead: a child that has already been reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('resolveCodexHome', () => {
  it('uses CODEX_HOME canonicalized when set', async () => {
    await withTempDir((dir) => {
      expect(resolveCodexHome({ CODEX_HOME: `${dir}/.` })).toBe(dir);
    });
  });

  it('a CODEX_HOME that does not exist is a typed error naming it', () => {
    try {
      resolveCodexHome({ CODEX_HOME: '/nonexistent/codex-home' });
      throw new Error('expected an error');
    } catch (err) {
      expect(isSandboxError(err) && err.code).toBe('E_USAGE');
      expect((err as Error).message).toContain('"/nonexistent/codex-home"');
    }
  });

  it('without CODEX_HOME (or with it empty) it is ~/.codex, which need not exist', () => {
    expect(resolveCodexHome({ CODEX_HOME: '' }, () => '/home/u')).toBe('/home/u/.codex');
    expect(resolveCodexHome({}, () => '/home/u')).toBe('/home/u/.codex');
  });
});

describe('.env parsing and loading', () => {
  it('parses plain, exported, quoted and commented entries and skips malformed ones', () => {
    const text = [
      '# comment',
      'A=1',
      'export B = two words ',
      "C='literal $A \\n'",
      'D="line\\nnext $A ${B}"',
      'E=value # trailing comment',
      'not an entry',
      '1BAD=x',
      'F="multi',
      'line"',
      'G=',
    ].join('\n');
    expect(parseDotenv(text)).toEqual([
      ['A', '1'],
      ['B', 'two words'],
      ['C', 'literal $A \\n'],
      ['D', 'line\nnext 1 two words'],
      ['E', 'value'],
      ['F', 'multi\nline'],
      ['G', ''],
    ]);
  });

  it('CODEX_ names in any case are reserved', () => {
    expect(['CODEX_HOME', 'codex_x', 'Codex_Sandbox'].map(isReservedName)).toEqual([true, true, true]);
    expect(isReservedName('CODEXHOME')).toBe(false);
  });

  it('loading sets other keys over inherited values and never a CODEX_ key', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, '.env'), 'OPENAI_BASE=x\nCODEX_HOME=/evil\ncodex_sandbox=off\nPATH_EXTRA=y\n');
      const env: NodeJS.ProcessEnv = { OPENAI_BASE: 'inherited', CODEX_HOME: dir };
      expect(loadCodexDotenv(dir, env)).toEqual(['OPENAI_BASE', 'PATH_EXTRA']);
      expect(env).toEqual({ OPENAI_BASE: 'x', CODEX_HOME: dir, PATH_EXTRA: 'y' });
    });
  });

  it('a missing .env loads nothing', async () => {
    await withTempDir((dir) => {
      expect(loadCodexDotenv(dir, {})).toEqual([]);
    });
  });
});

describe('pid lock', () => {
  it('a lock of this live process is held; a dead pid is stale; no file is missing', async () => {
    await withTempDir((dir) => {
      const mine = join(dir, 'mine.lock');
      createPidLock(mine);
      expect(lockState(mine)).toBe('held');
      expect(() => createPidLock(mine)).toThrow();
      const dead = join(dir, 'dead.lock');
      writeFileSync(dead, `${deadPid()}\n`);
      expect(lockState(dead)).toBe('stale');
      expect(lockState(join(dir, 'none.lock'))).toBe('missing');
    });
  });

  it.skipIf(process.platform !== 'linux')('a live pid with another start time (pid reuse) is stale', async () => {
    await withTempDir((dir) => {
      const reused = join(dir, 'reused.lock');
      writeFileSync(reused, `${process.pid} 1\n`);
      expect(lockState(reused)).toBe('stale');
    });
  });

  it('an unreadable or garbled lock counts as held', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'garbled.lock'), 'not a pid');
      expect(lockState(join(dir, 'garbled.lock'))).toBe('held');
    });
  });
});

describe('PATH alias folder', () => {
  const base = (codexHome: string, systemTempDir: string) => ({
    codexHome,
    systemTempDir,
    execPath: process.execPath,
    entryScript: '/pkg/bin/codex-sandbox.js',
    platform: process.platform,
    warn: () => undefined,
  });

  it('is refused under the system temp folder, naming both paths', async () => {
    await withTempDir((dir) => {
      mkdirSync(join(dir, 'home'));
      expect(() => createPathAliases(base(join(dir, 'home'), dir))).toThrow(
        `Refusing to create helper binaries under temporary dir ${JSON.stringify(dir)} (codex_home: ${JSON.stringify(join(dir, 'home'))})`,
      );
      expect(existsSync(join(dir, 'home', 'tmp'))).toBe(false);
    });
  });

  it.skipIf(process.platform === 'win32')('creates a 0700 root, a locked per-process folder and one shim per alias', async () => {
    await withTempDir((home) => {
      const aliases = createPathAliases(base(home, '/nonexistent-temp'));
      try {
        const root = join(home, 'tmp', 'arg0');
        expect(statSync(root).mode & 0o777).toBe(0o700);
        expect(aliases.dir.startsWith(join(root, 'codex-arg0'))).toBe(true);
        expect(lockState(join(aliases.dir, '.lock'))).toBe('held');
        const names = aliasNames(process.platform);
        expect(readdirSync(aliases.dir).sort()).toEqual(['.entry', '.lock', ...names].sort());
        for (const name of names) {
          expect(readFileSync(join(aliases.dir, name), 'utf8')).toBe(unixShim(process.execPath, join(aliases.dir, '.entry', name)));
          expect(lstatSync(join(aliases.dir, '.entry', name)).isSymbolicLink()).toBe(true);
        }
      } finally {
        aliases.release();
      }
      expect(existsSync(aliases.dir)).toBe(false);
    });
  });

  it('the janitor removes folders of dead processes and keeps held and unlocked ones', async () => {
    await withTempDir((root) => {
      for (const name of ['dead', 'held', 'unlocked']) mkdirSync(join(root, name));
      writeFileSync(join(root, 'dead', '.lock'), `${deadPid()}\n`);
      createPidLock(join(root, 'held', '.lock'));
      expect(cleanStaleAliasDirs(root, () => undefined)).toEqual([join(root, 'dead')]);
      expect(readdirSync(root).sort()).toEqual(['held', 'unlocked']);
    });
  });

  it('shim texts: sh quotes paths with quotes; .bat passes arguments after the apply-patch flag', () => {
    expect(unixShim("/opt/it's/node", '/a b/apply_patch')).toBe(`#!/bin/sh\nexec '/opt/it'\\''s/node' '/a b/apply_patch' "$@"\n`);
    expect(windowsShim('C:\\node.exe', 'C:\\pkg\\bin\\codex-sandbox.js')).toBe('@echo off\r\n"C:\\node.exe" "C:\\pkg\\bin\\codex-sandbox.js" --codex-run-as-apply-patch %*\r\n');
    expect(aliasNames('win32')).toEqual(['apply_patch', 'applypatch']);
    expect(aliasNames('linux')).toContain('codex-linux-sandbox');
  });

  it('PATH gets the folder first, without a trailing separator when PATH was unset', () => {
    expect(prependToPath('/a', '/usr/bin', ':')).toBe('/a:/usr/bin');
    expect(prependToPath('/a', undefined, ':')).toBe('/a');
  });
});

describe('arg0Dispatch: environment preparation', () => {
  it.skipIf(process.platform === 'win32')('loads .env, prepends the alias folder to PATH, and the shim runs apply_patch', async () => {
    const home = makeTempDir('home');
    const work = makeTempDir('work');
    try {
      writeFileSync(join(home.path, '.env'), 'FROM_DOTENV=yes\nCODEX_SANDBOX=off\n');
      const env: NodeJS.ProcessEnv = { CODEX_HOME: home.path, PATH: '/usr/bin:/bin' };
      const outcome = arg0Dispatch(['node', '/x/agent.js'], {
        env,
        systemTempDir: '/nonexistent-temp',
        entryScript: join(__dirname, '../../../bin/codex-sandbox.js'),
        stderr: (t) => {
          throw new Error(`unexpected warning: ${t}`);
        },
      });
      if (outcome.dispatched || outcome.aliases === null) throw new Error('expected aliases');
      try {
        expect(env.FROM_DOTENV).toBe('yes');
        expect(env.CODEX_SANDBOX).toBeUndefined();
        expect(env.PATH).toBe(`${outcome.aliases.dir}:/usr/bin:/bin`);
        // The shim runs the compiled entry (npm test compiles first).
        expect(existsSync(join(__dirname, '../../../dist/arg0/arg0-dispatch.js')), 'run `npm run compile` first').toBe(true);
        const out = execFileSync('sh', ['-c', 'printf "%s" "$1" | apply_patch', 'sh', '*** Begin Patch\n*** Add File: via-path.txt\n+ok\n*** End Patch'], {
          cwd: work.path,
          env: { ...env },
        }).toString();
        expect(out).toBe('Success. Updated the following files:\nA via-path.txt\n');
        expect(readFileSync(join(work.path, 'via-path.txt'), 'utf8')).toBe('ok\n');
      } finally {
        outcome.aliases.release();
      }
    } finally {
      home.remove();
      work.remove();
    }
  });

  it('under the system temp folder it warns and continues without aliases', async () => {
    await withTempDir((home) => {
      let warning = '';
      const env: NodeJS.ProcessEnv = { CODEX_HOME: home, PATH: '/usr/bin' };
      const outcome = arg0Dispatch(['node', '/x/agent.js'], { env, stderr: (t) => (warning += t) });
      expect(outcome).toEqual({ dispatched: false, aliases: null });
      expect(warning).toMatch(/^WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries under temporary dir /);
      expect(env.PATH).toBe('/usr/bin');
    });
  });
});
