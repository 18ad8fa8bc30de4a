import "server-only";
import { BlockList, isIP } from "node:net";

/**
 * The client's IP address for audit rows and the per-address sign-in lock, from X-Forwarded-For.
 *
 * Next.js gives route handlers no socket address, so our own HTTP server (scripts/lib/serve.ts)
 * writes it into X-Forwarded-For before Next.js sees the request:
 * - With no trusted proxies (the server faces clients directly), the header is replaced by the
 *   TCP peer's address, discarding whatever the client sent: the one entry is the answer.
 * - With trusted proxies, a chain is kept only when the connection comes from one of them, and
 *   the peer's address is appended as a proxy would. Walk from the right over the entries the
 *   proxies added, skipping their own addresses: the first address that is not a trusted proxy is
 *   the client. Entries to its left were written by the client and are ignored.
 * Entries that are not IP addresses (an attacker's text, "unknown") give `null`, never a guess.
 */
export function clientIp(forwardedFor: string | null, trustedProxies: readonly string[]): string | null {
  const hops = (forwardedFor ?? "").split(",").map((part) => normalizeAddress(part.trim())).filter((hop) => hop !== "");
  if (hops.length === 0) return null;
  if (trustedProxies.length === 0) return validOrNull(hops.at(-1)!);

  const trusted = trustedProxyList(trustedProxies);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    const family = isIP(hop);
    // Something that is not an address where a proxy's record should be: stop believing the chain.
    if (family === 0) return null;
    if (!trusted.check(hop, family === 6 ? "ipv6" : "ipv4")) return hop;
  }
  // Every hop is one of our proxies: the left-most is the nearest we know to the client.
  return hops[0]!;
}

// Built once per list: the configuration's list lives as long as the process, and every request
// checks against it.
const proxyLists = new WeakMap<readonly string[], BlockList>();

/** TRUSTED_PROXIES' CIDR ranges ("10.0.0.0/8", "2001:db8::1/128", as config.ts writes them) as a BlockList. */
export function trustedProxyList(ranges: readonly string[]): BlockList {
  let list = proxyLists.get(ranges);
  if (!list) {
    list = new BlockList();
    for (const range of ranges) {
      const [address, prefix] = range.split("/") as [string, string];
      list.addSubnet(address, Number(prefix), isIP(address) === 6 ? "ipv6" : "ipv4");
    }
    proxyLists.set(ranges, list);
  }
  return list;
}

/** Strips what proxies add around an address: "[2001:db8::1]:443", "192.0.2.1:5000", "::ffff:192.0.2.1". */
export function normalizeAddress(raw: string): string {
  let address = raw;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
  if (mapped) address = mapped[1]!;
  return address.toLowerCase();
}

function validOrNull(address: string): string | null {
  return isIP(address) === 0 ? null : address;
}
