// platform/windows/child-env: environment changes for the sandboxed child (docs/reference.md#windows-restricted-token).
//
// Returns only the variables to set on top of the inherited environment, so plans never copy the
// caller's secrets. Windows variable names are case-insensitive: lookups here are too.
// May import policy and this folder.

import type { WindowsHostView } from '../../policy/windows-host';
import { formatWindowsPath, type WindowsPath } from '../../policy/windows-paths';

/** A variable's value, looked up case-insensitively as Windows does. */
export function getWindowsEnv(env: Record<string, string>, name: string): string | undefined {
  const upper = name.toUpperCase();
  for (const [k, v] of Object.entries(env)) if (k.toUpperCase() === upper) return v;
  return undefined;
}

/** The dead-port proxy the advisory network block points tools at (docs/reference.md#windows-restricted-token). */
export const DEAD_PROXY = 'http://127.0.0.1:9';

/** A stub script placed in the denybin directory so `ssh`/`scp` fail fast. */
export interface DenybinStub {
  name: string;
  content: string;
}

export interface AdvisoryNetworkBlock {
  /** `%USERPROFILE%\.sbx-denybin`, prepended to PATH. */
  dir: string;
  stubs: DenybinStub[];
  /** Stale stubs from older versions that the runner deletes. */
  remove: string[];
}

export interface ChildEnvResult {
  set: Record<string, string>;
  advisoryNetworkBlock: AdvisoryNetworkBlock | null;
}

/**
 * Common preparation for both backends: `/dev/null` spellings become `NUL`, pagers default to
 * ones that exist on Windows and never wait on a console.
 */
function commonEnv(env: Record<string, string>, set: Record<string, string>): void {
  for (const [k, v] of Object.entries(env)) {
    const lower = v.toLowerCase();
    if (lower === '/dev/null' || lower === '\\dev\\null') set[k] = 'NUL';
  }
  if (getWindowsEnv(env, 'GIT_PAGER') === undefined) set.GIT_PAGER = 'more.com';
  if (getWindowsEnv(env, 'PAGER') === undefined) set.PAGER = 'more.com';
  if (getWindowsEnv(env, 'LESS') === undefined) set.LESS = '';
}

/**
 * The unelevated backend's environment. With `advisoryNetwork`, the reference's no-network
 * rewrite: proxies at a dead port, offline switches for pip/npm/cargo, a failing GIT_SSH_COMMAND
 * and ssh/scp stubs first on PATH. Advisory only: a program that ignores them reaches the network.
 */
export function tokenChildEnv(env: Record<string, string>, advisoryNetwork: boolean): ChildEnvResult {
  const set: Record<string, string> = {};
  commonEnv(env, set);
  if (!advisoryNetwork) return { set, advisoryNetworkBlock: null };
  set.SBX_NONET_ACTIVE = '1';
  const ifAbsent = (name: string, value: string): void => {
    if (getWindowsEnv(env, name) === undefined) set[name] = value;
  };
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'GIT_HTTP_PROXY', 'GIT_HTTPS_PROXY']) ifAbsent(name, DEAD_PROXY);
  ifAbsent('NO_PROXY', 'localhost,127.0.0.1,::1');
  ifAbsent('PIP_NO_INDEX', '1');
  ifAbsent('PIP_DISABLE_PIP_VERSION_CHECK', '1');
  ifAbsent('NPM_CONFIG_OFFLINE', 'true');
  ifAbsent('CARGO_NET_OFFLINE', 'true');
  ifAbsent('GIT_SSH_COMMAND', 'cmd /c exit 1');
  ifAbsent('GIT_ALLOW_PROTOCOLS', '');
  const profile = getWindowsEnv(env, 'USERPROFILE');
  if (profile === undefined || profile === '') return { set, advisoryNetworkBlock: null };
  const dir = `${profile.replace(/[\\/]+$/, '')}\\.sbx-denybin`;
  const stub = '@echo off\r\nexit /b 1\r\n';
  const stubs = ['ssh', 'scp'].flatMap((n) => [`${n}.bat`, `${n}.cmd`].map((name) => ({ name, content: stub })));
  const path = getWindowsEnv(env, 'PATH');
  set.PATH = path === undefined || path === '' ? dir : `${dir};${path}`;
  // `.BAT;.CMD` first so the stubs win over a real ssh.exe found later in the same directory walk.
  const pathext = (getWindowsEnv(env, 'PATHEXT') ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '');
  const rest = pathext.filter((e) => !['.BAT', '.CMD'].includes(e.toUpperCase()));
  set.PATHEXT = ['.BAT', '.CMD', ...rest].join(';');
  return {
    set,
    advisoryNetworkBlock: { dir, stubs, remove: ['curl.bat', 'curl.cmd', 'wget.bat', 'wget.cmd'] },
  };
}

/**
 * The git root at or above cwd: the nearest directory holding a `.git` directory or a `.git`
 * pointer file. Found through the host view; the lexical view finds none.
 */
export function findGitRoot(cwd: WindowsPath, host: WindowsHostView): WindowsPath | null {
  for (let n = cwd.parts.length; n >= 0; n -= 1) {
    const dir: WindowsPath = { ...cwd, parts: cwd.parts.slice(0, n) };
    const dotGit = `${formatWindowsPath(dir).replace(/\\$/, '')}\\.git`;
    if (host.kind(dotGit) !== undefined) return dir;
  }
  return null;
}

/**
 * The elevated backend's environment: the common preparation, plus git's safe.directory for the
 * repository root, because the sandbox account does not own the user's checkout and git refuses
 * foreign-owned repositories. Appended after any GIT_CONFIG_COUNT entries the caller set.
 */
export function elevatedChildEnv(env: Record<string, string>, gitRoot: WindowsPath | null): ChildEnvResult {
  const set: Record<string, string> = {};
  commonEnv(env, set);
  if (gitRoot !== null) {
    const count = Number.parseInt(getWindowsEnv(env, 'GIT_CONFIG_COUNT') ?? '0', 10);
    const n = Number.isFinite(count) && count >= 0 ? count : 0;
    set[`GIT_CONFIG_KEY_${n}`] = 'safe.directory';
    set[`GIT_CONFIG_VALUE_${n}`] = formatWindowsPath(gitRoot).replace(/\\/g, '/');
    set.GIT_CONFIG_COUNT = String(n + 1);
  }
  return { set, advisoryNetworkBlock: null };
}
