// spawn/proxy-lease: a proxied network's launch inputs. Before a launch, a lease from the network
// proxy (lib/network: lazily started, shared by every sandbox of the process); into the plan,
// the lease's socket paths in place of the placeholders it was planned with (the plan itself is
// memoized and stays the same from launch to launch); after the run, the proxy's decisions as
// result fields.
import { UsageError } from '../errors';
import type { NetworkDecision, NetworkProxy, ProxyLease } from '../network/proxy';
import { PROXY_ENDPOINT_PLACEHOLDERS } from '../platform/common/proxy-env';
import type { SandboxPlan } from '../platform/plan-sandbox';
import { toSandboxPolicy } from '../platform/plan-sandbox';
import { isProxiedNetwork } from '../policy/network-predicates';
import type { Host, ProxiedNetwork } from '../policy/types';
import { jsonSnapshot } from './plan-memo';

/** A blocked connection, as `denials` reports it beside the filesystem's. */
export interface NetworkDenial {
  kind: 'network';
  host: string;
  port: number;
  reason: Exclude<NetworkDecision['reason'], 'allowed'>;
  /** The rule that decided, when one did (a deny pattern; none for an unlisted host). */
  rule?: string;
}

/** Policies seen before, by their JSON text: parsing one again costs more than the launch. */
const networkMemo = new Map<string, ProxiedNetwork | null>();
const NETWORK_MEMO_SIZE = 32;

/** The proxied network of a policy input, or null for any other network. */
export function proxiedNetworkOf(policyInput: unknown, cwd: string, host: Host): ProxiedNetwork | null {
  const snapshot = jsonSnapshot(policyInput);
  const cached = snapshot === undefined ? undefined : networkMemo.get(snapshot);
  if (cached !== undefined) return cached;
  const network = toSandboxPolicy(policyInput, cwd, host).network;
  const proxied = isProxiedNetwork(network) ? network : null;
  if (snapshot !== undefined) {
    if (networkMemo.size >= NETWORK_MEMO_SIZE) networkMemo.delete(networkMemo.keys().next().value as string);
    networkMemo.set(snapshot, proxied);
  }
  return proxied;
}

/**
 * A lease for the policy's proxied network, or null when it has none. `tcp`: the proxy listens on
 * loopback ports too (Seatbelt, which has no network namespace to relay from).
 */
export async function prepareProxyLease(policyInput: unknown, cwd: string, opts: { proxy?: NetworkProxy | undefined; tcp: boolean; host: Host }): Promise<ProxyLease | null> {
  const network = proxiedNetworkOf(policyInput, cwd, opts.host);
  if (network === null) return null;
  // Loaded on the first proxied launch: the proxy's servers (node:http, node:net) cost start-up
  // time that no other launch needs.
  const proxy = opts.proxy ?? (await import('../network/proxy.js')).sharedNetworkProxy();
  return proxy.attach(network, { tcp: opts.tcp });
}

/**
 * The plan with the lease's socket directory where the planner put the placeholder. Only the
 * part before the command is rewritten (`commandLength` trailing arguments are the user's).
 */
export function bindProxyLease<P extends SandboxPlan>(plan: P, lease: ProxyLease | undefined, commandLength: number): P {
  if (plan.enforcement.network !== 'proxied') return plan;
  if (lease === undefined) {
    throw new UsageError(
      'a proxied network needs a running network proxy: use runSandboxed (which leases one), or pass proxyLease from `await proxy.attach(network)` to spawnSandboxed and release it when the child exits',
      { path: ['proxyLease'] },
    );
  }
  const placeholder = PROXY_ENDPOINT_PLACEHOLDERS.socketDir;
  const bind = (text: string): string => text.split(placeholder).join(lease.socketDir);
  const cut = plan.argv.length - commandLength;
  const bound = { ...plan, argv: [...plan.argv.slice(0, cut).map(bind), ...plan.argv.slice(cut)] };
  if ('mountOps' in plan) {
    return { ...bound, mountOps: plan.mountOps.map((op) => ('src' in op ? { ...op, src: bind(op.src), dest: bind(op.dest) } : op)) };
  }
  return bound;
}

/** The run's network decisions, and its blocked connections in the form `denials` lists them. */
export function networkResultFields(decisions: NetworkDecision[]): { network: NetworkDecision[]; denials: NetworkDenial[] } {
  const denials: NetworkDenial[] = [];
  for (const d of decisions) {
    if (d.allowed || d.reason === 'allowed') continue;
    const denial: NetworkDenial = { kind: 'network', host: d.host, port: d.port, reason: d.reason };
    if (d.rule !== undefined) denial.rule = d.rule;
    denials.push(denial);
  }
  return { network: decisions, denials };
}
