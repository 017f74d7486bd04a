// platform/common/proxy-env: the variables that point a proxied sandbox's tools at the network
// proxy, shared by every planner that enforces a proxied network (docs/platforms/linux.md#proxied-network).
// May import nothing in lib: the values are plain URLs.

/** Where the proxy serving one sandbox listens; spawn/ leases it per launch (lib/network). */
export interface ProxyEndpoints {
  /** Host directory holding the proxy's unix sockets; Linux binds it read-only into the sandbox. */
  socketDir: string;
  /** The HTTP proxy's unix socket (CONNECT and absolute-URI requests). */
  httpSocket: string;
  /** The SOCKS5 proxy's unix socket. */
  socksSocket: string;
  /** The same proxies on loopback TCP, for backends without a network namespace (Seatbelt). */
  tcp?: { httpPort: number; socksPort: number };
}

/**
 * What `plan` shows when no proxy is running: spawn/ plans with the lease's real paths, and a
 * plan printed without one names these instead, in the same places.
 */
export const PROXY_ENDPOINT_PLACEHOLDERS: Required<ProxyEndpoints> = {
  socketDir: '/<proxy-socket-dir>',
  httpSocket: '/<proxy-socket-dir>/http.sock',
  socksSocket: '/<proxy-socket-dir>/socks.sock',
  tcp: { httpPort: 0, socksPort: 0 },
};

/**
 * Every spelling tools read. socks5h: the proxy resolves names, since the sandbox has no DNS.
 * NO_PROXY keeps the sandbox's own loopback direct (a test server inside it). Node's fetch and
 * http ignore these unless the Node release honours NODE_USE_ENV_PROXY=1 (Node 20 does not);
 * such a client then gets a connection error, never the network. git reads http_proxy /
 * https_proxy / all_proxy itself (http.proxy overrides them), so GIT_CONFIG_* is left to the
 * caller.
 */
export function proxyEnvironment(httpUrl: string, socksUrl: string): Record<string, string> {
  const noProxy = 'localhost,127.0.0.1,::1';
  return {
    HTTP_PROXY: httpUrl,
    HTTPS_PROXY: httpUrl,
    ALL_PROXY: socksUrl,
    NO_PROXY: noProxy,
    http_proxy: httpUrl,
    https_proxy: httpUrl,
    all_proxy: socksUrl,
    no_proxy: noProxy,
    npm_config_proxy: httpUrl,
    npm_config_https_proxy: httpUrl,
    npm_config_noproxy: noProxy,
    YARN_HTTP_PROXY: httpUrl,
    YARN_HTTPS_PROXY: httpUrl,
    PIP_PROXY: httpUrl,
    NODE_USE_ENV_PROXY: '1',
  };
}
