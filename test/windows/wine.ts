// Wine for the Windows launch tests: one fresh prefix per test file with a persistent wineserver
// (Wine start-up is the slow part: booting the prefix once, then ~0.1 s a process), the Windows
// executables cross-compiled by scripts/build-windows-executables.js, and the probe program.
// Wine runs Windows programs but enforces no tokens or ACLs: these tests prove the launch path,
// never enforcement (docs/platforms/windows.md "What Wine proves").
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { WindowsRunner } from '../../lib/spawn/windows-runner';
import { makeTempDir } from '../helpers/temp';

export const REPO = resolve(__dirname, '../..');
export const EXE_DIR = join(REPO, 'build', 'windows-x64');
const CXX = 'x86_64-w64-mingw32-g++';

function works(program: string, args: string[]): boolean {
  return spawnSync(program, args, { stdio: 'ignore' }).status === 0;
}

export const ci = process.env.CI === 'true';
const linux = process.platform === 'linux';
export const wineAvailable = linux && works('wine', ['--version']) && works(CXX, ['--version']);
export const wineSkipReason = linux
  ? 'wine or x86_64-w64-mingw32-g++ not installed (apt-get install wine64 wine mingw-w64); Windows launch tests skipped'
  : `the Wine tests run on Linux hosts only (this is ${process.platform})`;
/** Wine tests run on Linux, where CI=true requires them; on a Windows host the real suite runs instead. */
export const skipWine = !linux || (!wineAvailable && !ci);

/** `/a/b` as Wine's Z: drive shows it. */
export function toWinePath(hostPath: string): string {
  return `Z:${hostPath.replace(/\//g, '\\')}`;
}

export interface WineSession {
  prefix: string;
  /** The environment every Wine process of the session gets. */
  env: NodeJS.ProcessEnv;
  runner: WindowsRunner;
  /** The probe program (test/windows/fixtures/probe.cc) as a Windows path, and on this host. */
  probe: string;
  probeHostPath: string;
  /** Runs a Windows program directly under Wine, outside any sandbox. */
  run(exeHostPath: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string };
  stop(): void;
}

/** Boots a prefix, builds what the tests run, and keeps one wineserver for the whole file. */
export function startWine(label: string): WineSession {
  const dir = makeTempDir(label);
  const prefix = join(dir.path, 'prefix');
  // No Mono or Gecko installer dialogs; no debug channel noise on the tests' stderr.
  const env: NodeJS.ProcessEnv = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
  const stop = (): void => {
    spawnSync('wineserver', ['-k'], { env, stdio: 'ignore' });
    spawnSync('wineserver', ['-w'], { env, stdio: 'ignore' });
    dir.remove();
  };
  const probeExe = join(dir.path, 'probe.exe');
  try {
    execFileSync('node', [join(REPO, 'scripts', 'build-windows-executables.js'), EXE_DIR], { stdio: 'inherit' });
    execFileSync(CXX, ['-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', '-municode', '-static', '-o', probeExe, join(__dirname, 'fixtures', 'probe.cc'), '-lshell32'], {
      stdio: 'inherit',
    });
    // The server first, persistent until stop(), so every later Wine process skips its start-up.
    mkdirSync(prefix);
    execFileSync('wineserver', ['-p'], { env, stdio: 'ignore' });
    execFileSync('wineboot', ['-i'], { env, stdio: 'ignore' });
    // Node for Windows refuses to start on the Windows 7 that a fresh prefix reports.
    execFileSync('wine', ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], { env, stdio: 'ignore' });
  } catch (error) {
    stop();
    throw error;
  }
  const driveC = join(prefix, 'drive_c');
  const runner: WindowsRunner = {
    dir: EXE_DIR,
    launcher: ['wine'],
    toWindowsPath: toWinePath,
    toHostPath: (p) => {
      if (/^[zZ]:/.test(p)) return p.slice(2).replace(/\\/g, '/');
      if (/^[cC]:/.test(p)) return driveC + p.slice(2).replace(/\\/g, '/');
      throw new Error(`no host path for ${p} in this Wine prefix`);
    },
  };
  return {
    prefix,
    env,
    runner,
    probe: toWinePath(probeExe),
    probeHostPath: probeExe,
    run: (exe, args, input) => {
      const r = spawnSync('wine', [exe, ...args], { env, input: input ?? '', encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    stop,
  };
}
