// forwardedFor: the X-Forwarded-For our HTTP server hands to Next.js, decided from the connection.
import { describe, expect, it } from "vitest";
import { forwardedFor, peerAddress } from "../../../scripts/lib/forwarded-for";
import { clientIp, trustedProxyList } from "@/server/http/client-ip";

const none = trustedProxyList([]);
const proxies = trustedProxyList(["10.0.0.0/8", "2001:db8:a::/48", "127.0.0.1/32"]);

describe("forwardedFor without trusted proxies", () => {
  it("replaces a client-sent header with the peer's address", () => {
    expect(forwardedFor("203.0.113.7", "198.51.100.20", none)).toBe("198.51.100.20");
    expect(forwardedFor("203.0.113.7, 192.0.2.1", "198.51.100.20", none)).toBe("198.51.100.20");
    expect(forwardedFor(["203.0.113.7", "192.0.2.1"], "198.51.100.20", none)).toBe("198.51.100.20");
  });

  it("gives the peer's address when the client sent none", () => {
    expect(forwardedFor(undefined, "198.51.100.20", none)).toBe("198.51.100.20");
    expect(forwardedFor(undefined, "2001:DB8::5", none)).toBe("2001:db8::5");
  });

  it("does not believe a loopback peer either: nothing is trusted unless listed", () => {
    expect(forwardedFor("203.0.113.7", "127.0.0.1", none)).toBe("127.0.0.1");
    expect(forwardedFor("203.0.113.7", "::1", none)).toBe("::1");
  });

  it("drops the header when the socket has no usable address", () => {
    expect(forwardedFor("203.0.113.7", undefined, none)).toBeNull();
    expect(forwardedFor("203.0.113.7", "not-an-address", none)).toBeNull();
  });
});

describe("forwardedFor behind trusted proxies", () => {
  it("keeps a listed proxy's chain and appends the proxy, as a proxy would", () => {
    expect(forwardedFor("203.0.113.7", "10.1.2.3", proxies)).toBe("203.0.113.7, 10.1.2.3");
    expect(forwardedFor("198.51.100.1, 203.0.113.7", "2001:db8:a::9", proxies)).toBe("198.51.100.1, 203.0.113.7, 2001:db8:a::9");
    expect(forwardedFor(undefined, "10.1.2.3", proxies)).toBe("10.1.2.3");
    expect(forwardedFor("  ", "10.1.2.3", proxies)).toBe("10.1.2.3");
  });

  it("matches an IPv4-mapped peer against IPv4 ranges", () => {
    expect(forwardedFor("203.0.113.7", "::ffff:127.0.0.1", proxies)).toBe("203.0.113.7, 127.0.0.1");
  });

  it("replaces the header when the connection comes from outside the listed ranges", () => {
    expect(forwardedFor("203.0.113.7", "192.0.2.44", proxies)).toBe("192.0.2.44");
    expect(forwardedFor("203.0.113.7, 10.1.2.3", "11.0.0.1", proxies)).toBe("11.0.0.1");
    expect(forwardedFor("203.0.113.7", "::1", proxies)).toBe("::1");
  });

  it("leads client-ip.ts to the client, not to a forged entry on the left", () => {
    const ranges = ["10.0.0.0/8"];
    const header = forwardedFor("192.0.2.66, 203.0.113.7", "10.1.2.3", trustedProxyList(ranges));
    expect(clientIp(header, ranges)).toBe("203.0.113.7");
    expect(clientIp(forwardedFor("192.0.2.66", "203.0.113.9", trustedProxyList(ranges)), ranges)).toBe("203.0.113.9");
  });
});

describe("peerAddress", () => {
  it("strips the IPv4-mapped prefix and lower-cases IPv6", () => {
    expect(peerAddress("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(peerAddress("::FFFF:192.0.2.1")).toBe("192.0.2.1");
    expect(peerAddress("2001:DB8::1")).toBe("2001:db8::1");
    expect(peerAddress("::1")).toBe("::1");
  });
});
