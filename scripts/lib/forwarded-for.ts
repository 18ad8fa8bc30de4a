// The X-Forwarded-For header the app is given, decided from the connection before Next.js sees the
// request. The app's one reader of the client address (src/server/http/client-ip.ts) trusts this
// header; only the socket says who is really on the other end.
import { BlockList, isIP } from "node:net";

/** A socket's remote address as the app records it: "::ffff:192.0.2.1" is plain 192.0.2.1. */
export function peerAddress(remoteAddress: string | undefined): string | null {
  if (!remoteAddress) return null;
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(remoteAddress);
  const address = (mapped ? mapped[1]! : remoteAddress).toLowerCase();
  return isIP(address) === 0 ? null : address;
}

/** TRUSTED_PROXIES' CIDR ranges ("10.0.0.0/8", "2001:db8::1/128", as config.ts writes them). */
export function proxyBlockList(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const [address, prefix] = range.split("/") as [string, string];
    list.addSubnet(address, Number(prefix), isIP(address) === 6 ? "ipv6" : "ipv4");
  }
  return list;
}

/**
 * The X-Forwarded-For value to hand to Next.js, or `null` to send none.
 *
 * A client can write any X-Forwarded-For it likes, and Next.js keeps a header it finds, so one
 * from a client that is not a trusted proxy is discarded and replaced by the peer's address. A
 * trusted proxy's chain is kept and the peer appended, as a proxy would, so client-ip.ts's
 * right-most-untrusted rule sees every hop.
 */
export function forwardedFor(
  incoming: string | string[] | undefined,
  remoteAddress: string | undefined,
  trustedProxies: BlockList,
): string | null {
  const peer = peerAddress(remoteAddress);
  if (peer === null) return null;
  if (!trustedProxies.check(peer, isIP(peer) === 6 ? "ipv6" : "ipv4")) return peer;
  const chain = (Array.isArray(incoming) ? incoming.join(", ") : (incoming ?? "")).trim();
  return chain === "" ? peer : `${chain}, ${peer}`;
}
