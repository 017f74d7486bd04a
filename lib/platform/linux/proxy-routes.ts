// platform/linux/proxy-routes: what a proxied network adds to a namespace plan (bwrap or the
// helper's own namespaces). The sandbox gets a network namespace with only lo; the helper's relay
// listens there on fixed ports and forwards to the proxy's unix sockets, whose directory is bound
// in read-only (connect() on a unix socket needs write permission on the socket file, which a
// read-only mount does not take away: test/enforce/proxy-network.test.ts). The ports are fixed
// because the namespace is the sandbox's own, so the plan stays the same from launch to launch.
import { UnsupportedPolicyError } from '../../errors';
import type { ProxiedNetwork } from '../../policy/types';
import { proxyEnvironment, type ProxyEndpoints } from '../common/proxy-env';
import type { MountOp } from './mount-ops';

export const RELAY_HTTP_PORT = 3128;
export const RELAY_SOCKS_PORT = 1080;

/** The helper's relay options: one loopback listener per proxy. */
export function relayRouteArgs(proxy: ProxyEndpoints): string[] {
  return ['--proxy-route', `${RELAY_HTTP_PORT}=${proxy.httpSocket}`, '--proxy-route', `${RELAY_SOCKS_PORT}=${proxy.socksSocket}`];
}

export function relayEnvironment(): Record<string, string> {
  return proxyEnvironment(`http://127.0.0.1:${RELAY_HTTP_PORT}`, `socks5h://127.0.0.1:${RELAY_SOCKS_PORT}`);
}

/** Bound after the policy's own mounts, so no mask or tmpfs of the policy covers it. */
export function proxySocketMount(proxy: ProxyEndpoints): MountOp {
  return { op: 'ro-bind', src: proxy.socketDir, dest: proxy.socketDir };
}

/**
 * A unix-socket allowlist cannot be enforced here: seccomp sees no path, and the sandbox's
 * read-only mounts show host sockets (a docker or dbus socket) that connect() would reach just as
 * well as the listed ones. So the proxied seccomp mode denies AF_UNIX sockets outright, and a
 * policy listing any is refused rather than widened to every visible socket.
 */
export function unixSocketRefusal(network: ProxiedNetwork): UnsupportedPolicyError | null {
  if (network.unixSockets.length === 0) return null;
  return new UnsupportedPolicyError(
    `a proxied network with unix_sockets (${network.unixSockets.join(', ')}) cannot be enforced on Linux: seccomp cannot tell one socket path from another, and the sandbox can see host sockets outside the list; drop unix_sockets (AF_UNIX sockets are then denied)`,
    { value: network.unixSockets, details: { network: 'proxied', unixSockets: network.unixSockets } },
  );
}
