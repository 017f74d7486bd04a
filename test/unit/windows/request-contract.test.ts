// The contract between the TypeScript renderer and the C++ request parsers, checked by running
// them: the parsers (request.cc, runner-config.cc, setup-config.cc, acl.cc) are built with
// mingw-w64 into a test driver (test/fixtures/windows/request-check.cc) that only parses, and run
// under Wine on the requests the planner renders. The parsers refuse unknown keywords, so a
// request that parses uses only keywords the native side knows. With CI=true a missing mingw-w64
// or Wine fails the run; locally the suite is skipped with the reason.
import { execFile, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planWindowsPolicy } from '../../helpers/plan-windows-policy';
import { makeTempDir } from '../../helpers/temp';
import { CWD, cwdEntry, ENV, fakeHost, glob, PROFILE, path, WORKSPACE_WRITE } from './fixtures';

const REPO = resolve(__dirname, '../../..');
const NATIVE = join(REPO, 'native/windows');
const CXX = 'x86_64-w64-mingw32-g++';
const run = promisify(execFile);

const has = (cmd: string, args: string[]): boolean => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const available = has(CXX, ['--version']) && has('wine', ['--version']);
const skipReason = `${CXX} or wine not installed (apt-get install g++-mingw-w64-x86-64 wine wine64); request contract check skipped`;

describe(`windows request contract (TypeScript renderer vs native parsers, run under Wine)${available ? '' : ` [skipped: ${skipReason}]`}`, () => {
  if (!available) console.warn(skipReason);
  const token = planWindowsPolicy(WORKSPACE_WRITE([cwdEntry('read', 'docs')], 'restricted'), {
    cwd: CWD,
    command: ['x'],
    env: { ...ENV, HTTP_PROXY: 'http://127.0.0.1:8080' },
    backend: 'windows-token',
    acceptAdvisoryNetworkBlock: true,
    revertAcesAfterRun: true,
    permissionProfile: PROFILE,
  });
  const elevated = planWindowsPolicy(WORKSPACE_WRITE([path('C:\\w\\secret', 'deny'), glob('**/*.env')], 'restricted'), {
    cwd: CWD,
    command: ['x'],
    env: { ...ENV, HTTP_PROXY: 'http://127.0.0.1:8080' },
    backend: 'windows-elevated',
    host: fakeHost(['C:\\w'], ['C:\\w\\.env']),
    permissionProfile: PROFILE,
  });
  if (elevated.backend !== 'windows-elevated') throw new Error('fixture');

  const tmp = makeTempDir('winreq');
  const exe = join(tmp.path, 'request-check.exe');
  let count = 0;
  /** Parses `request` with the native parsers; their one line of output and the exit status. */
  const parse = async (request: string): Promise<{ status: number; out: string }> => {
    const file = join(tmp.path, `r${count++}.req`);
    writeFileSync(file, request);
    const env = { ...process.env, WINEPREFIX: join(tmp.path, 'wine'), WINEDEBUG: '-all' };
    try {
      const { stdout } = await run('wine', [exe, file], { env });
      return { status: 0, out: stdout.trim() };
    } catch (err) {
      const e = err as { code?: number; stdout?: string };
      return { status: e.code ?? -1, out: (e.stdout ?? '').trim() };
    }
  };

  beforeAll(async () => {
    if (!available) return;
    const sources = ['request.cc', 'runner-config.cc', 'setup-config.cc', 'acl.cc', 'sid.cc', 'win-error.cc'].map((f) => join(NATIVE, f));
    const flags = ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-O1', '-DUNICODE', '-D_UNICODE', '-municode', '-static'];
    await run(CXX, [...flags, '-o', exe, join(REPO, 'test/fixtures/windows/request-check.cc'), ...sources, '-ladvapi32']);
  }, 300_000);
  afterAll(() => tmp.remove());

  it('mingw-w64 and Wine are present (required when CI=true)', () => {
    if (process.env.CI === 'true') expect(available, skipReason).toBe(true);
  });

  it.skipIf(!available)(
    "the runner parser accepts both backends' runner requests, kill_on_job_close included",
    async () => {
      expect(await parse(token.runnerRequest)).toStrictEqual({ status: 0, out: expect.stringMatching(/^runner backend=windows-token acl_ops=[1-9]\d* kill_on_job_close=1 /) });
      expect(await parse(elevated.runnerRequest)).toStrictEqual({ status: 0, out: expect.stringMatching(/^runner backend=windows-elevated .* kill_on_job_close=1 /) });
    },
    120_000,
  );

  it.skipIf(!available)(
    'the setup parser accepts the elevated setup request',
    async () => {
      expect(await parse(elevated.setupRequest)).toStrictEqual({ status: 0, out: expect.stringMatching(/^setup acl_ops=[1-9]\d* proxy_ports=1 firewall_rules=[1-9]/) });
    },
    120_000,
  );

  it.skipIf(!available)(
    'a keyword the parser does not know is refused, so acceptance above means every keyword is known',
    async () => {
      const withUnknown = token.runnerRequest.replace(/\nend\n$/, '\nfuture_keyword\tx\nend\n');
      expect(withUnknown).not.toBe(token.runnerRequest);
      expect(await parse(withUnknown)).toStrictEqual({ status: 1, out: expect.stringContaining('unknown keyword future_keyword') });
    },
    120_000,
  );

  it.skipIf(!available)(
    'a runner request without kill_on_job_close is refused',
    async () => {
      const without = token.runnerRequest.replace(/^kill_on_job_close\n/m, '');
      expect(without).not.toBe(token.runnerRequest);
      expect(await parse(without)).toStrictEqual({ status: 1, out: expect.stringContaining('kill_on_job_close') });
    },
    120_000,
  );

  it.skipIf(!available)(
    'a request with another version header is refused',
    async () => {
      expect((await parse(token.runnerRequest.replace('csbx-windows-request 1 runner', 'csbx-windows-request 2 runner'))).status).toBe(1);
    },
    120_000,
  );

  it.skipIf(!available)(
    'the elevated runner request names the requests folder inside the sandbox dir setup is given',
    async () => {
      const setup = (await parse(elevated.setupRequest)).out.match(/sandbox_dir=(.*)$/)?.[1];
      const runner = (await parse(elevated.runnerRequest)).out.match(/request_dir=(.*)$/)?.[1];
      expect(setup).toBe(elevated.stateDirs.sandbox);
      expect(runner).toBe(`${elevated.stateDirs.sandbox}\\requests`);
    },
    120_000,
  );
});
