// The contract between the TypeScript renderer and the C++ request parsers: every keyword a plan
// can emit is one the native side parses (runner-config.cc, setup-config.cc, acl.cc), and the
// header the parser expects is the one rendered.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planWindows } from '../../../lib/platform/windows/plan-windows';
import { parseRequestLines } from '../../../lib/platform/windows/render-request';
import { CWD, ENV, PROFILE, WORKSPACE_WRITE, cwdEntry, fakeHost, glob, path } from './fixtures';

const NATIVE = resolve(__dirname, '../../../native/windows');
const source = (file: string): string => readFileSync(join(NATIVE, file), 'utf8');

function keywords(text: string): Set<string> {
  return new Set(parseRequestLines(text).lines.map((l) => l[0]));
}

describe('windows request contract (TypeScript renderer vs native parsers)', () => {
  const token = planWindows(WORKSPACE_WRITE([cwdEntry('read', 'docs')], 'restricted'), {
    cwd: CWD, command: ['x'], env: { ...ENV, HTTP_PROXY: 'http://127.0.0.1:8080' }, backend: 'windows-token',
    acceptAdvisoryNetworkBlock: true, revertAcesAfterRun: true, permissionProfile: PROFILE,
  });
  const elevated = planWindows(WORKSPACE_WRITE([path('C:\\w\\secret', 'deny'), glob('**/*.env')], 'restricted'), {
    cwd: CWD, command: ['x'], env: { ...ENV, HTTP_PROXY: 'http://127.0.0.1:8080' }, backend: 'windows-elevated',
    host: fakeHost(['C:\\w'], ['C:\\w\\.env']), permissionProfile: PROFILE,
  });
  if (elevated.backend !== 'windows-elevated') throw new Error('fixture');

  it('every runner keyword is parsed by runner-config.cc or acl.cc', () => {
    const parser = source('runner-config.cc') + source('acl.cc');
    const used = new Set([...keywords(token.runnerRequest), ...keywords(elevated.runnerRequest)]);
    expect([...used].sort()).toStrictEqual(expect.arrayContaining(['ace', 'nul_device', 'logon_user', 'denybin_stub', 'revoke_after_exit', 'env', 'command_line']));
    for (const kw of used) expect(parser, kw).toContain(`L"${kw}"`);
  });

  it('every setup keyword is parsed by setup-config.cc or acl.cc', () => {
    const parser = source('setup-config.cc') + source('acl.cc');
    const used = keywords(elevated.setupRequest);
    expect([...used]).toStrictEqual(expect.arrayContaining(['ace', 'ace_children', 'firewall_rule', 'proxy_port', 'state_dir']));
    for (const kw of used) expect(parser, kw).toContain(`L"${kw}"`);
  });

  it('the native reader expects the header the renderer writes', () => {
    expect(token.runnerRequest.startsWith('csbx-windows-request 1 runner\n')).toBe(true);
    expect(elevated.setupRequest.startsWith('csbx-windows-request 1 setup\n')).toBe(true);
    expect(source('request.cc')).toContain('"csbx-windows-request 1 "');
  });

  it('setup creates the request directory the elevated runner request names', () => {
    expect(elevated.runnerRequest).toContain(`request_dir\t${elevated.stateDirs.sandbox}\\requests\n`);
    expect(source('setup-main.cc')).toContain('config.sandbox_dir + L"\\\\requests"');
  });

  it('the runner refuses a request without kill_on_job_close, and every plan has it', () => {
    expect(source('runner-config.cc')).toContain('request lacks kill_on_job_close');
    expect(keywords(token.runnerRequest).has('kill_on_job_close')).toBe(true);
    expect(keywords(elevated.runnerRequest).has('kill_on_job_close')).toBe(true);
  });
});
