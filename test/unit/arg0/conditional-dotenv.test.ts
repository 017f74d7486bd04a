// Conditional .env.<suffix> overlays (docs/reference.md#arg0-dispatch): file selection, header parsing, the TCP
// condition (real sockets), unset/set rules and warnings.
import { createServer, type Server } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { endpointFromValue, listOverlayFiles, loadConditionalOverlays, parseOverlayHeader, tcpProbeSync } from '../../../lib/arg0/conditional-dotenv';
import { withTempDir } from '../../helpers/temp';

let server: Server;
let openPort = 0;
let closedPort = 0;

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer((sock) => sock.destroy());
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

beforeAll(async () => {
  server = await listen();
  openPort = (server.address() as { port: number }).port;
  const closed = await listen();
  closedPort = (closed.address() as { port: number }).port;
  await new Promise((r) => closed.close(r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('conditional dotenv overlays', () => {
  it('selects .env.<suffix> regular files in sorted order, skipping backups and editor copies', async () => {
    await withTempDir((dir) => {
      for (const name of ['.env.work', '.env.a', '.env.', '.env.home~', '.env.proxy.bak', '.env.x.SWP', '.env.sample', '.env', 'other']) {
        writeFileSync(join(dir, name), '');
      }
      mkdirSync(join(dir, '.env.dir'));
      expect(listOverlayFiles(dir)).toEqual([join(dir, '.env.a'), join(dir, '.env.work')]);
    });
  });

  it('parses the header: condition, default timeout, one unset list; no header means not an overlay', () => {
    expect(parseOverlayHeader('\uFEFF\n# codex-env-if: {"type":"tcp_connect","host":"h","port":8080}\n# note\n# codex-env-unset: ["A","B"]\nX=1\n')).toEqual({
      condition: { type: 'tcp_connect', host: 'h', port: 8080, timeoutMs: 500 },
      unset: ['A', 'B'],
    });
    expect(parseOverlayHeader('# codex-env-if: {"not":{"type":"tcp_connect","from":"P","timeout_ms":50}}\n')).toEqual({
      condition: { not: { type: 'tcp_connect', from: 'P', timeoutMs: 50 } },
      unset: [],
    });
    expect(parseOverlayHeader('X=1\n# codex-env-if: {}\n')).toBeNull();
  });

  it('rejects unknown fields, bad ports and timeouts, and a second unset line', () => {
    expect(() => parseOverlayHeader('# codex-env-if: {"type":"tcp_connect","host":"h","port":1,"extra":1}')).toThrow('unknown field "extra"');
    expect(() => parseOverlayHeader('# codex-env-if: {"type":"tcp_connect","host":"h","port":70000}')).toThrow('port');
    expect(() => parseOverlayHeader('# codex-env-if: {"type":"tcp_connect","host":"h","port":1,"timeout_ms":9000}')).toThrow('timeout_ms');
    expect(() => parseOverlayHeader('# codex-env-if: {"type":"tcp_connect","from":"A","host":"h"}')).toThrow('either');
    expect(() => parseOverlayHeader('# codex-env-if: {"type":"tcp_connect","from":"A"}\n# codex-env-unset: []\n# codex-env-unset: []')).toThrow('more than once');
  });

  it('reads host and port from a URL-like value, http assumed', () => {
    expect(endpointFromValue('proxy.local:3128')).toEqual({ host: 'proxy.local', port: 3128 });
    expect(endpointFromValue('https://proxy.local')).toEqual({ host: 'proxy.local', port: 443 });
    expect(endpointFromValue('http://[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(endpointFromValue('proxy.local')).toEqual({ host: 'proxy.local', port: 80 });
  });

  it('the real probe connects to a listening port and not to a closed one', () => {
    expect(tcpProbeSync('127.0.0.1', openPort, 1000)).toBe(true);
    expect(tcpProbeSync('127.0.0.1', closedPort, 1000)).toBe(false);
  });

  it('a reachable endpoint applies the overlay: unset first, then set, never CODEX_*', async () => {
    await withTempDir((dir) => {
      writeFileSync(
        join(dir, '.env.proxy'),
        `# codex-env-if: {"type":"tcp_connect","from":"HTTPS_PROXY","timeout_ms":1000}\n# codex-env-unset: ["NO_PROXY","CODEX_HOME"]\nHTTPS_PROXY=http://127.0.0.1:${openPort}\nCODEX_SANDBOX=off\n`,
      );
      const env: NodeJS.ProcessEnv = { NO_PROXY: '*', CODEX_HOME: dir };
      const warnings: string[] = [];
      expect(loadConditionalOverlays(dir, env, (t) => warnings.push(t))).toEqual([join(dir, '.env.proxy')]);
      expect(env).toEqual({ CODEX_HOME: dir, HTTPS_PROXY: `http://127.0.0.1:${openPort}` });
      expect(warnings).toEqual([]);
    });
  });

  it('an unreachable endpoint leaves the environment alone; "not" inverts it', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, '.env.a'), `# codex-env-if: {"type":"tcp_connect","host":"127.0.0.1","port":${closedPort}}\nA=1\n`);
      writeFileSync(join(dir, '.env.b'), `# codex-env-if: {"not":{"type":"tcp_connect","host":"127.0.0.1","port":${closedPort}}}\nB=1\n`);
      const env: NodeJS.ProcessEnv = {};
      loadConditionalOverlays(dir, env, () => undefined);
      expect(env).toEqual({ B: '1' });
    });
  });

  it('a malformed overlay is skipped with the reference warning and the next one still applies', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, '.env.1bad'), '# codex-env-if: {"type":"tcp_connect","from":"MISSING"}\nA=1\n');
      writeFileSync(join(dir, '.env.2good'), '# codex-env-if: {"not":{"type":"tcp_connect","host":"127.0.0.1","port":1,"timeout_ms":200}}\nB=2\n');
      const env: NodeJS.ProcessEnv = {};
      const warnings: string[] = [];
      loadConditionalOverlays(
        dir,
        env,
        (t) => warnings.push(t),
        (_h, port) => port !== 1,
      );
      expect(env).toEqual({ B: '2' });
      expect(warnings).toEqual([`WARNING: skipped conditional dotenv overlay: ${join(dir, '.env.1bad')}: "from" names MISSING, which this file does not assign\n`]);
    });
  });
});
