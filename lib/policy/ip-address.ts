// policy/ip-address: IP literals parsed by hand (policy/ stays free of node:net) and classified
// as public or not. The proxy refuses non-public destinations unless allow_local_binding
// (docs/network.md#private-addresses); IPv6 forms that embed an IPv4 address (v4-mapped,
// v4-compatible, NAT64, 6to4) are classified by the address they embed, since that is where the
// packet ends up.

/** Four octets, or undefined. Only the strict dotted quad: other spellings are names for the resolver. */
export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** Eight 16-bit groups, or undefined. Accepts `::` compression, a trailing dotted quad and a `%zone`. */
export function parseIPv6(text: string): number[] | undefined {
  const zone = text.indexOf('%');
  const addr = (zone === -1 ? text : text.slice(0, zone)).toLowerCase();
  if (zone !== -1 && zone === text.length - 1) return undefined;
  const halves = addr.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (v4 === undefined) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-f]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

export type IpFamily = 4 | 6;

/** 4, 6, or undefined when `host` is not an IP literal (brackets are the caller's to strip). */
export function ipFamily(host: string): IpFamily | undefined {
  if (parseIPv4(host) !== undefined) return 4;
  if (host.includes(':') && parseIPv6(host) !== undefined) return 6;
  return undefined;
}

/** The canonical text of an IPv6 literal (RFC 5952: lower case, longest zero run compressed), so equal addresses compare equal. */
export function canonicalIPv6(text: string): string | undefined {
  const g = parseIPv6(text);
  if (g === undefined) return undefined;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((n) => n.toString(16));
  if (best === -1) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function inV4(a: number[], net: [number, number, number, number], bits: number): boolean {
  const value = ((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0;
  const base = ((net[0] << 24) | (net[1] << 16) | (net[2] << 8) | net[3]) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (value & mask) === (base & mask);
}

/** Not a public unicast destination: the ranges a sandbox must not reach through the proxy by default. */
const V4_NON_PUBLIC: [[number, number, number, number], number][] = [
  [[0, 0, 0, 0], 8], // "this network", including 0.0.0.0 (connects to the local host on Linux)
  [[10, 0, 0, 0], 8], // RFC 1918
  [[100, 64, 0, 0], 10], // CGNAT, RFC 6598
  [[127, 0, 0, 0], 8], // loopback
  [[169, 254, 0, 0], 16], // link-local, cloud metadata endpoints
  [[172, 16, 0, 0], 12], // RFC 1918
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 168, 0, 0], 16], // RFC 1918
  [[198, 18, 0, 0], 15], // benchmarking, RFC 2544
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, and the broadcast address
];

function isNonPublicV4(a: number[]): boolean {
  return V4_NON_PUBLIC.some(([net, bits]) => inV4(a, net, bits));
}

function embeddedV4(g: number[], at: number): number[] {
  return [g[at] >> 8, g[at] & 0xff, g[at + 1] >> 8, g[at + 1] & 0xff];
}

function isNonPublicV6(g: number[]): boolean {
  const zeroUpTo = (n: number): boolean => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return true; // ::
  if (zeroUpTo(7) && g[7] === 1) return true; // ::1
  if (zeroUpTo(5) && g[5] === 0xffff) return isNonPublicV4(embeddedV4(g, 6)); // ::ffff:a.b.c.d
  if (zeroUpTo(6)) return isNonPublicV4(embeddedV4(g, 6)); // ::a.b.c.d (deprecated v4-compatible)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return isNonPublicV4(embeddedV4(g, 6)); // NAT64
  if (g[0] === 0x2002) return isNonPublicV4(embeddedV4(g, 1)); // 6to4
  if ((g[0] & 0xfe00) === 0xfc00) return true; // ULA fc00::/7
  if ((g[0] & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((g[0] & 0xffc0) === 0xfec0) return true; // site-local fec0::/10 (deprecated, still routed privately)
  if ((g[0] & 0xff00) === 0xff00) return true; // multicast
  return false;
}

/** True for loopback, unspecified, private, link-local, CGNAT, multicast and reserved addresses; false for public ones and for non-literals. */
export function isNonPublicAddress(host: string): boolean {
  const v4 = parseIPv4(host);
  if (v4 !== undefined) return isNonPublicV4(v4);
  const v6 = host.includes(':') ? parseIPv6(host) : undefined;
  return v6 !== undefined && isNonPublicV6(v6);
}
