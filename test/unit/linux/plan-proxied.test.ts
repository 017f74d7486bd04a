// Linux planner, proxied network: which backends enforce it, what the plan adds (network
// namespace, the proxy's socket directory, relay routes, proxy variables) and where it refuses.
import { describe, expect, it } from 'vitest';

import { PROXY_ENDPOINT_PLACEHOLDERS } from '../../../lib/platform/common/proxy-env';
import { planLinux, type LinuxPlan, type PlanLinuxOptions } from '../../../lib/platform/linux/plan';
import type { ProxiedNetwork } from '../../../lib/policy/types';
import { bindProxyLease } from '../../../lib/spawn/proxy-lease';
import { thrown } from '../../helpers/errors';
import { capsFixture, NO_NAMESPACES, resolvedFixture, type ResolvedShape } from './fixtures';
import { nodeHost } from '../../../lib/policy/node-host';

const PROXIED: ProxiedNetwork = { mode: 'proxied', allowedDomains: ['example.test'], deniedDomains: [], allowLocalBinding: false, unixSockets: [] };
const LEASE = { socketDir: '/tmp/codex-sandbox-proxy-abc', httpSocket: '/tmp/codex-sandbox-proxy-abc/http.sock', socksSocket: '/tmp/codex-sandbox-proxy-abc/socks.sock' };

function plan(shape: ResolvedShape, opts: Partial<PlanLinuxOptions> = {}): LinuxPlan {
  return planLinux(resolvedFixture({ network: PROXIED, ...shape }), {
    capabilities: capsFixture(),
    backend: 'auto',
    command: ['curl', 'https://example.test/'],
    permissionProfile: { type: 'disabled' },
    host: nodeHost(),
    ...opts,
  });
}

/** The helper's options between `--network` and `--`, whichever executor runs it. */
function innerOptions(p: LinuxPlan): string[] {
  const at = p.argv.indexOf('--network');
  return p.argv.slice(at, p.argv.indexOf('--', at));
}

describe('planLinux: proxied network', () => {
  it('namespaces (auto): proxied seccomp mode, one relay route per proxy, the socket directory bound read-only after the policy mounts; plain JSON data', () => {
    const p = plan({ fullDiskRead: true }, { proxy: LEASE });
    expect(p.backend).toBe('namespaces');
    expect(innerOptions(p)).toStrictEqual(['--network', 'proxied', '--proxy-route', `3128=${LEASE.httpSocket}`, '--proxy-route', `1080=${LEASE.socksSocket}`, '--reaper']);
    if (p.backend !== 'namespaces') throw new Error('unreachable');
    const bindAt = p.mountOps.findIndex((op) => op.op === 'ro-bind' && op.dest === LEASE.socketDir);
    expect(bindAt).toBeGreaterThan(p.mountOps.findIndex((op) => op.op === 'dev'));
    expect(bindAt).toBeLessThan(p.mountOps.findIndex((op) => op.op === 'proc'));
    expect(p.argv).toContain('--ro-bind');
    expect(p.enforcement.network).toBe('proxied');
    expect(p.enforcement.handled).toEqual(expect.arrayContaining(['network-namespace', 'seccomp-proxy-routed', 'proxy-relay']));
    expect(p.requires.map((r) => r.capability)).toContain('network-proxy');
    expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
  });

  it('the proxy variables point at the relay, in the plan env and as the helper --setenv options; no network-disabled marker', () => {
    const p = plan({ fullDiskRead: true });
    expect(p.env).toMatchObject({
      HTTP_PROXY: 'http://127.0.0.1:3128',
      HTTPS_PROXY: 'http://127.0.0.1:3128',
      ALL_PROXY: 'socks5h://127.0.0.1:1080',
      NO_PROXY: 'localhost,127.0.0.1,::1',
      http_proxy: 'http://127.0.0.1:3128',
      https_proxy: 'http://127.0.0.1:3128',
      all_proxy: 'socks5h://127.0.0.1:1080',
      no_proxy: 'localhost,127.0.0.1,::1',
      npm_config_proxy: 'http://127.0.0.1:3128',
      npm_config_https_proxy: 'http://127.0.0.1:3128',
      YARN_HTTP_PROXY: 'http://127.0.0.1:3128',
      YARN_HTTPS_PROXY: 'http://127.0.0.1:3128',
      PIP_PROXY: 'http://127.0.0.1:3128',
    });
    expect(p.env.CODEX_SANDBOX_NETWORK_DISABLED).toBeUndefined();
    for (const [name, value] of Object.entries(p.env)) expect(p.argv).toContain(`${name}=${value}`);
  });

  it('bwrap: --unshare-net, the socket directory bound, and the relay routes on the inner helper', () => {
    const p = plan({ fullDiskRead: true }, { capabilities: capsFixture({ namespaces: NO_NAMESPACES }), proxy: LEASE });
    expect(p.backend).toBe('bwrap');
    expect(p.argv).toContain('--unshare-net');
    const bind = p.argv.indexOf(LEASE.socketDir);
    expect(p.argv.slice(bind - 1, bind + 2)).toStrictEqual(['--ro-bind', LEASE.socketDir, LEASE.socketDir]);
    expect(innerOptions(p)).toContain(`3128=${LEASE.httpSocket}`);
  });

  it('without a lease the plan names the placeholder directory in the same places (plan --json)', () => {
    const p = plan({ fullDiskRead: true });
    expect(p.argv).toContain(PROXY_ENDPOINT_PLACEHOLDERS.socketDir);
    expect(p.argv).toContain(`3128=${PROXY_ENDPOINT_PLACEHOLDERS.httpSocket}`);
  });

  it('bindProxyLease puts the lease where the placeholders were, and leaves the command alone', () => {
    const command = ['echo', PROXY_ENDPOINT_PLACEHOLDERS.socketDir];
    const placeholder = planLinux(resolvedFixture({ fullDiskRead: true, network: PROXIED }), {
      capabilities: capsFixture(),
      backend: 'auto',
      command,
      permissionProfile: { type: 'disabled' },
      host: nodeHost(),
    });
    const bound = bindProxyLease(placeholder, { ...LEASE, decisions: () => [], release: async () => {} }, command.length);
    const direct = plan({ fullDiskRead: true }, { proxy: LEASE, command });
    expect(bound).toStrictEqual(direct);
    expect(bound.argv.slice(-2)).toStrictEqual(command);
  });

  it('bindProxyLease without a lease: a typed usage error naming runSandboxed', () => {
    const err = thrown(() => bindProxyLease(plan({ fullDiskRead: true }), undefined, 2));
    expect(err.code).toBe('E_USAGE');
    expect(err.message).toMatch(/runSandboxed/);
  });

  it('full-disk write with a proxied network still runs in namespaces (auto never picks Landlock for it)', () => {
    const p = plan({ kind: 'unrestricted' });
    expect(p.backend).toBe('namespaces');
    expect(innerOptions(p)).toContain('proxied');
    const bwrap = plan({ kind: 'unrestricted' }, { capabilities: capsFixture({ namespaces: NO_NAMESPACES }) });
    expect(bwrap.backend).toBe('bwrap');
    expect(bwrap.argv).toContain('--unshare-net');
  });

  it.each(['landlock', 'seccomp'] as const)('%s forced: E_UNSUPPORTED_POLICY (the host network namespace cannot force the proxy)', (backend) => {
    for (const shape of [{ fullDiskRead: true }, { kind: 'unrestricted' as const }]) {
      const err = thrown(() => plan(shape, { backend }));
      expect(err.code).toBe('E_UNSUPPORTED_POLICY');
      expect(err.message).toMatch(/cannot force connections through the network proxy/);
    }
  });

  it('auto with neither namespaces nor bwrap: E_BACKEND_UNAVAILABLE naming both, never Landlock', () => {
    const err = thrown(() => plan({ fullDiskRead: true }, { capabilities: capsFixture({ namespaces: NO_NAMESPACES, bwrap: null }) }));
    expect(err.code).toBe('E_BACKEND_UNAVAILABLE');
    expect(err.message).toMatch(/namespaces: .*; bwrap: /);
  });

  it('unix_sockets in a proxied policy: E_UNSUPPORTED_POLICY on every Linux backend (seccomp sees no paths)', () => {
    const network: ProxiedNetwork = { ...PROXIED, unixSockets: ['/run/user.sock'] };
    for (const backend of ['auto', 'namespaces', 'bwrap'] as const) {
      const err = thrown(() => plan({ fullDiskRead: true, network }, { backend }));
      expect(err.code).toBe('E_UNSUPPORTED_POLICY');
      expect(err.message).toMatch(/unix_sockets \(\/run\/user\.sock\)/);
    }
  });
});
