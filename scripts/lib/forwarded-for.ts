// The X-Forwarded-For header the app is given, decided from the connection before Next.js sees the
// request. The app's one reader of the client address (src/server/http/client-ip.ts) trusts this
// header; only the socket says who is really on the other end.
import { isIP, type BlockList } from "node:net";
import { normalizeAddress } from "../../src/server/http/client-ip";

/** A socket's remote address as the app records it: "::ffff:192.0.2.1" is plain 192.0.2.1. */
export function peerAddress(remoteAddress: string | undefined): string | null {
  if (!remoteAddress) return null;
  const address = normalizeAddress(remoteAddress);
  return isIP(address) === 0 ? null : address;
}

/**
 * The X-Forwarded-For value to hand to Next.js, or `null` to send none.
 *
 * A client can write any X-Forwarded-For it likes, and Next.js keeps a header it finds, so one
 * from a client that is not a trusted proxy is discarded and replaced by the peer's address. A
 * trusted proxy's chain is kept and the peer appended, as a proxy would, so client-ip.ts's
 * right-most-untrusted rule sees every hop. `trustedProxies`: trustedProxyList(TRUSTED_PROXIES).
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
