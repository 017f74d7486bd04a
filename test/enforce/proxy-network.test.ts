// Proxied network, end to end in real sandboxes on every namespace backend (system bwrap, or the
// helper's namespaces when this pass hides it, and the helper's namespaces): real clients inside
// reach allowed test hosts through the relay and the host's proxy; denied, unlisted, raw-IP and
// private destinations are refused by the proxy; a client that ignores the proxy variables, DNS
// and unix sockets get nowhere. No internet: the proxy's resolver and dialer are the fixture's.
import { describe, expect } from 'vitest';

import type { BackendName } from '../../lib/platform/common/types';
import { runSandboxed, type SandboxRunResult } from '../../lib/spawn/run-sandboxed';
import { ALLOWED_ADDRESS, HOSTS, proxiedProfile, proxyWorldSuite } from './proxy-fixture';
import { minimalEntry, pathEntry, underTest } from './support';

const { world: w, itWith } = proxyWorldSuite(60_000);

function sh(backend: BackendName, script: string, network: Record<string, unknown> = {}): Promise<SandboxRunResult> {
  return runSandboxed(['bash', '-c', script], {
    permissionProfile: proxiedProfile(w().dir, network),
    backend: underTest(backend),
    cwd: w().dir,
    proxy: w().proxy,
    timeoutMs: 30_000,
  });
}

const CURL_CODE = `curl -sS -o /dev/null -w '%{http_code}'`;

for (const backend of ['bwrap', 'namespaces'] as const) {
  const name = underTest(backend) === backend ? backend : `${underTest(backend)} (bwrap case)`;
  describe(`${name}: proxied network`, () => {
    itWith(backend)(`${name}: curl reaches an allowed host over http and https (self-signed CA) through the relay; the decisions name the rule`, async () => {
      const r = await sh(backend, `curl -sS http://${HOSTS.allowed}/plain && echo && curl -sS --cacert ${w().caFile} https://${HOSTS.allowed}/tls`);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('http origin: /plain\nhttps origin: /tls');
      expect(r.exitCode).toBe(0);
      expect(r.network.map((d) => [d.host, d.port, d.protocol, d.allowed, d.reason, d.rule])).toStrictEqual([
        [HOSTS.allowed, 80, 'http', true, 'allowed', HOSTS.allowed],
        [HOSTS.allowed, 443, 'https-connect', true, 'allowed', HOSTS.allowed],
      ]);
      expect(r.denials).toStrictEqual([]);
    });

    itWith(backend)(`${name}: denied, unlisted and raw-IP destinations get 403 with x-proxy-error; the CONNECT tunnel is refused; denials list them`, async () => {
      const script = [
        `${CURL_CODE} http://${HOSTS.denied}/`,
        `curl -sS -D - -o /dev/null http://${HOSTS.unlisted}/ | grep -i '^x-proxy-error' | tr -d '\\r'`,
        `${CURL_CODE} http://${ALLOWED_ADDRESS}/`,
        `curl -sS --cacert ${w().caFile} https://${HOSTS.denied}/ 2>/dev/null; echo "connect=$?"`,
      ].join('; echo; ');
      const r = await sh(backend, script);
      expect(r.stdout.split('\n').filter((line) => line !== '')).toStrictEqual(['403', 'x-proxy-error: blocked-by-allowlist', '403', 'connect=56']);
      expect(w().seen.some((s) => s.startsWith(HOSTS.denied) || s.startsWith(HOSTS.unlisted) || s.startsWith(ALLOWED_ADDRESS))).toBe(false);
      expect(r.denials).toStrictEqual([
        { kind: 'network', host: HOSTS.denied, port: 80, reason: 'blocked-by-denylist', rule: HOSTS.denied },
        { kind: 'network', host: HOSTS.unlisted, port: 80, reason: 'blocked-by-allowlist' },
        { kind: 'network', host: ALLOWED_ADDRESS, port: 80, reason: 'blocked-by-allowlist' },
        { kind: 'network', host: HOSTS.denied, port: 443, reason: 'blocked-by-denylist', rule: HOSTS.denied },
      ]);
    });

    itWith(backend)(`${name}: an allowed name that resolves to a private address is refused, unless allow_local_binding`, async () => {
      const refused = await sh(backend, `curl -sS -D - -o /dev/null http://${HOSTS.private}/ | grep -i '^x-proxy-error' | tr -d '\\r'`);
      expect(refused.stdout.trim()).toBe('x-proxy-error: blocked-private-address');
      const allowed = await sh(backend, `curl -sS http://${HOSTS.private}/local`, { allow_local_binding: true });
      expect(allowed.stdout).toBe('http origin: /local');
    });

    itWith(backend)(`${name}: restricted reads (a tmpfs root): the proxy's socket directory is still bound in and reached`, async () => {
      const policy = proxiedProfile(w().dir);
      (policy.file_system as { entries: unknown[] }).entries = [minimalEntry(), pathEntry(w().dir, 'write')];
      const r = await runSandboxed(['bash', '-c', `curl -sS http://${HOSTS.allowed}/minimal`], {
        permissionProfile: policy,
        backend: underTest(backend),
        cwd: w().dir,
        proxy: w().proxy,
        timeoutMs: 30_000,
      });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('http origin: /minimal');
    });

    itWith(backend)(`${name}: the relay, which may create unix sockets, cannot be taken over: its memory and environment are refused to the command`, async () => {
      const script = [
        'for p in /proc/[0-9]*; do',
        '  [ "$(cat $p/comm)" = codex-sandbox-h ] || continue',
        '  if head -c1 $p/mem >/dev/null 2>&1; then echo "$p mem readable"; else echo "$p mem refused"; fi',
        '  if cat $p/environ >/dev/null 2>&1; then echo "$p environ readable"; else echo "$p environ refused"; fi',
        'done',
      ].join('\n');
      const r = await sh(backend, script);
      // PID 1 (the reaper) and the relay, both non-dumpable.
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(4);
      for (const line of lines) expect(line).toMatch(/^\/proc\/\d+ (mem|environ) refused$/);
    });

    itWith(backend)(`${name}: python3 urllib (http_proxy, https_proxy) and curl over socks5h (ALL_PROXY) reach the allowed host`, async () => {
      const py = [
        'import ssl, urllib.request',
        `print(urllib.request.urlopen("http://${HOSTS.allowed}/py").read().decode())`,
        `ctx = ssl.create_default_context(cafile="${w().caFile}")`,
        `print(urllib.request.urlopen("https://${HOSTS.allowed}/pys", context=ctx).read().decode())`,
      ].join('\n');
      const r = await sh(backend, `/usr/bin/python3 -c '${py}' && curl -sS --proxy "$ALL_PROXY" http://${HOSTS.allowed}/socks`);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('http origin: /py\nhttps origin: /pys\nhttp origin: /socks');
      expect(r.network.map((d) => d.protocol)).toStrictEqual(['http', 'https-connect', 'socks5']);
    });

    itWith(backend)(`${name}: git clones over http through the proxy`, async () => {
      const r = await sh(backend, `rm -rf clone && git clone -q http://${HOSTS.allowed}/repo.git clone && cat clone/README && rm -rf clone`);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('served through the proxy\n');
    });

    itWith(backend)(`${name}: node: http through the relay as an explicit proxy works; fetch and https.get ignore the variables on this Node and fail to connect`, async () => {
      const explicit = `require("http").get({ host: "127.0.0.1", port: 3128, path: "http://${HOSTS.allowed}/node", headers: { host: "${HOSTS.allowed}" } }, (res) => res.pipe(process.stdout))`;
      const direct = [
        `fetch("http://${HOSTS.allowed}/fetch").then(() => console.log("fetch reached"), (e) => console.log("fetch failed", e.cause?.code ?? e.code))`,
        `.then(() => require("https").get("https://${HOSTS.allowed}/https", () => console.log("https reached")).on("error", (e) => console.log("https failed", e.code)))`,
      ].join('');
      const r = await sh(backend, `node -e '${explicit}' && echo && node -e '${direct}'`);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toBe('http origin: /node');
      const nodeMajor = Number(process.versions.node.split('.')[0]);
      if (nodeMajor < 22) {
        // Node 20 has no NODE_USE_ENV_PROXY: the clients look the name up themselves, and the
        // sandbox has no DNS.
        expect(lines.slice(1, 3)).toStrictEqual([expect.stringMatching(/^fetch failed E/), expect.stringMatching(/^https failed E/)]);
        expect(w().seen).not.toContain(`${HOSTS.allowed} /fetch`);
      }
    });

    itWith(backend)(`${name}: a client that ignores the proxy gets a connection error: no route, no DNS, no unix sockets`, async () => {
      const py = [
        'import socket',
        'def attempt(what, fn):',
        '    try:',
        '        fn()',
        '        print(what, "ok")',
        '    except OSError as e:',
        '        print(what, type(e).__name__, e.errno)',
        `attempt("tcp", lambda: socket.create_connection(("${ALLOWED_ADDRESS}", 80), timeout=5))`,
        `attempt("dns", lambda: socket.getaddrinfo("${HOSTS.allowed}", 80))`,
        'attempt("udp53", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53)))',
        'attempt("unix", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))',
        'attempt("netlink", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0))',
        'attempt("pair", lambda: socket.socketpair())',
        'attempt("dgrampair", lambda: socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM))',
      ].join('\n');
      const r = await sh(backend, `/usr/bin/python3 -c '${py}'; curl -sS --noproxy '*' http://${HOSTS.allowed}/ 2>/dev/null; echo "curl=$?"`);
      expect(r.stdout.split('\n')).toStrictEqual([
        'tcp OSError 101',
        expect.stringMatching(/^dns gaierror -(2|3|5)$/),
        'udp53 OSError 101',
        'unix PermissionError 1',
        'netlink PermissionError 1',
        'pair ok',
        'dgrampair PermissionError 1',
        'curl=6',
        '',
      ]);
      expect(r.network).toStrictEqual([]);
    });
  });
}
