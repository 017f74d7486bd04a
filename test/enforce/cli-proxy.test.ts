// `codex-sandbox run` with a proxied network, as a real process (the built CLI in dist/): the
// proxy starts in the CLI's process for the sandbox and ends with it (the CLI exits), and
// --verbose prints each decision to stderr. No internet: an unlisted name is refused before any
// lookup, and an allowed name under .localhost (the local host by RFC 6761) is refused as a private address (curl is told to use the proxy for it despite NO_PROXY).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';

import { makeTempDir } from '../helpers/temp';
import { toolsMissing } from './proxy-fixture';
import { itOn, MOUNT_BACKEND, rootEntry } from './support';

const ROOT = resolve(__dirname, '../..');
let tmp: { path: string; remove: () => void };
beforeEach(() => {
  tmp = makeTempDir('cli-proxy');
});
afterEach(() => tmp.remove());

const policy = JSON.stringify({
  type: 'managed',
  file_system: { type: 'restricted', entries: [rootEntry('read')] },
  network: { mode: 'proxied', allowed_domains: ['*.localhost'], denied_domains: [] },
});
const missing = toolsMissing();
// Without curl the case skips with the reason; in CI it runs and fails.
const test = missing === null || process.env.CI === 'true' ? itOn('bwrap') : (name: string, fn: () => void) => it.skip(`${name} [skipped: ${missing}]`, fn);

test(`${MOUNT_BACKEND}: run --verbose prints each network decision; the proxy ends with the sandbox`, () => {
  const script = `curl -s -o /dev/null -w '%{http_code} ' http://unlisted.test/; curl -s --noproxy '' -o /dev/null -w '%{http_code}' http://app.localhost:8080/`;
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'codex-sandbox.js'), 'run', '--permission-profile', policy, '--backend', MOUNT_BACKEND, '--verbose', '--', 'sh', '-c', script],
    {
      cwd: tmp.path,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  expect(r.signal).toBeNull();
  expect(r.stdout).toBe('403 403');
  expect(r.stderr.split('\n')).toStrictEqual([
    'codex-sandbox: network blocked unlisted.test:80 (http): blocked-by-allowlist',
    'codex-sandbox: network blocked app.localhost:8080 (http): blocked-private-address by rule "*.localhost"',
    '',
  ]);
  expect(r.status).toBe(0);
  expect(readdirSync(tmp.path).filter((n) => n.startsWith('codex-sandbox-proxy-'))).toStrictEqual([]);
});
