// The package as users get it: `npm pack`, installed into an empty project, must load through
// require and import with types, build its native parts at install time, and run its bins.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeTempDir } from '../helpers/temp';

const ROOT = resolve(__dirname, '../..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const work = makeTempDir('pack');
const app = join(work.path, 'app');

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
}

beforeAll(() => {
  run('npm', ['pack', '--silent', '--pack-destination', work.path], ROOT);
  const tarball = readdirSync(work.path).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${work.path}`);
  run('mkdir', ['-p', app], work.path);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work.path, tarball)], app);
}, 900_000);

afterAll(() => work.remove());

describe('packed and installed into an empty project', () => {
  it('require() exposes the policy API and the sandbox API', () => {
    const out = run(
      'node',
      [
        '-e',
        `const m = require('codex-sandbox');
         const r = m.resolvePolicy(m.builtinPolicy('workspace-write'), { cwd: process.cwd() });
         console.log(JSON.stringify([typeof m.runSandboxed, typeof m.planSandbox, m.explain(r, 'src/a.ts', 'write').allowed, m.explain(r, '/etc/passwd', 'write').allowed]));`,
      ],
      app,
    );
    expect(JSON.parse(out)).toEqual(['function', 'function', true, false]);
  });

  it('import() and static import expose the same API', () => {
    const dynamic = run('node', ['--input-type=module', '-e', "const m = await import('codex-sandbox'); console.log(typeof m.explain, typeof m.default.explain);"], app);
    expect(dynamic.trim()).toBe('function function');
    const named = run(
      'node',
      [
        '--input-type=module',
        '-e',
        "import { explain, isSandboxError, parsePolicyInput } from 'codex-sandbox'; console.log(typeof explain, typeof isSandboxError, typeof parsePolicyInput);",
      ],
      app,
    );
    expect(named.trim()).toBe('function function function');
  });

  it('a typed error from the installed package is recognised across require and import', () => {
    const out = run(
      'node',
      [
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module';
         import { parsePolicyInput } from 'codex-sandbox';
         const cjs = createRequire(import.meta.url)('codex-sandbox');
         try { parsePolicyInput('{"type":"managed","bogus":1}'); } catch (e) { console.log(cjs.isSandboxError(e), e.code); }`,
      ],
      app,
    );
    expect(out.trim()).toBe('true E_POLICY_INVALID');
  });

  it('TypeScript consumers get types for both require (CommonJS) and import (ESM)', () => {
    writeFileSync(
      join(app, 'consumer.cts'),
      "import sandbox = require('codex-sandbox');\nconst d: sandbox.Decision = sandbox.explain(sandbox.resolvePolicy(sandbox.builtinPolicy('read-only'), { cwd: '/' }), '/etc', 'read');\nexport const allowed: boolean = d.allowed;\n",
    );
    // A policy written with the exported types, and the options that take it (issue #19).
    const policyCode = (ns: string): string =>
      [
        `const wire: ${ns}PermissionProfileWire = { type: 'managed', file_system: { type: 'restricted', entries: [{ path: { type: 'special', value: { kind: 'root' } }, access: 'read' }] }, network: 'restricted' };`,
        `const short: ${ns}PolicyInput = { sandbox: 'workspace-write', writableRoots: ['/tmp/x'], network: false };`,
        `const opts: ${ns}SandboxRunOptions = { policy: wire, cwd: '/', encoding: 'buffer', maxBuffer: 1024, envPolicy: { inherit: 'core' } };`,
        `// @ts-expect-error an access the wire form does not have`,
        `const bad: ${ns}PermissionProfileWire = { type: 'managed', file_system: { type: 'restricted', entries: [{ path: { type: 'path', path: '/' }, access: 'rw' }] } };`,
        `export const used = [wire, short, opts, bad, ${ns}resolvePolicy('workspace-write', { cwd: '/' })];`,
      ].join('\n');
    writeFileSync(join(app, 'consumer-policy.cts'), `import sandbox = require('codex-sandbox');\n${policyCode('sandbox.')}\n`);
    writeFileSync(
      join(app, 'consumer-policy.mts'),
      `import { resolvePolicy, type PermissionProfileWire, type PolicyInput, type SandboxRunOptions } from 'codex-sandbox';\n${policyCode('')}\n`,
    );
    writeFileSync(
      join(app, 'consumer.mts'),
      "import { explain, resolvePolicy, builtinPolicy, type Decision, type SandboxErrorCode } from 'codex-sandbox';\nconst d: Decision = explain(resolvePolicy(builtinPolicy('read-only'), { cwd: '/' }), '/etc', 'read');\nexport const code: SandboxErrorCode = 'E_POLICY_INVALID';\nexport const allowed: boolean = d.allowed;\n",
    );
    const r = spawnSync(
      'node',
      [
        TSC,
        '--noEmit',
        '--strict',
        '--module',
        'node16',
        '--moduleResolution',
        'node16',
        '--target',
        'es2022',
        '--types',
        'node',
        '--typeRoots',
        join(ROOT, 'node_modules', '@types'),
        'consumer.cts',
        'consumer.mts',
        'consumer-policy.cts',
        'consumer-policy.mts',
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the install built the native helper, and the bin runs a sandboxed command', () => {
    const bin = join(app, 'node_modules', '.bin', 'codex-sandbox');
    const r = spawnSync(bin, ['run', '--sandbox', 'read-only', '--', 'sh', '-c', 'echo inside; echo x > /etc/codex-sandbox-pack-test'], {
      cwd: app,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stdout).toBe('inside\n');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system|Permission denied/);
  });
});
