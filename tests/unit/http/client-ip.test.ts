// clientIp: which X-Forwarded-For entry is the client, with and without trusted proxies.
import { describe, expect, it } from "vitest";
import { clientIp } from "@/server/http/client-ip";

describe("clientIp without trusted proxies", () => {
  it("has no address without the header", () => {
    expect(clientIp(null, [])).toBeNull();
    expect(clientIp("", [])).toBeNull();
    expect(clientIp(" , ", [])).toBeNull();
  });

  it("takes the address the server saw (the only or right-most entry), not a client-written one", () => {
    expect(clientIp("203.0.113.7", [])).toBe("203.0.113.7");
    expect(clientIp("198.51.100.1, 203.0.113.7", [])).toBe("203.0.113.7");
  });

  it("normalises ports, brackets, IPv4-mapped IPv6 and case", () => {
    expect(clientIp("203.0.113.7:51234", [])).toBe("203.0.113.7");
    expect(clientIp("[2001:DB8::1]:443", [])).toBe("2001:db8::1");
    expect(clientIp("::ffff:127.0.0.1", [])).toBe("127.0.0.1");
    expect(clientIp("::1", [])).toBe("::1");
  });

  it("gives null for an entry that is not an address", () => {
    expect(clientIp("unknown", [])).toBeNull();
    expect(clientIp("203.0.113.7, <script>", [])).toBeNull();
  });
});

describe("clientIp behind trusted proxies", () => {
  const proxies = ["10.0.0.0/8", "192.0.2.10/32", "2001:db8:ffff::/48"];

  it("skips trusted proxies from the right and takes the first other address", () => {
    expect(clientIp("203.0.113.7, 10.1.2.3", proxies)).toBe("203.0.113.7");
    expect(clientIp("203.0.113.7, 192.0.2.10, 10.1.2.3", proxies)).toBe("203.0.113.7");
    expect(clientIp("2001:db8:1::5, 2001:db8:ffff::2", proxies)).toBe("2001:db8:1::5");
  });

  it("ignores what the client wrote to the left of the first untrusted address", () => {
    expect(clientIp("1.1.1.1, 8.8.8.8, 203.0.113.7, 10.1.2.3", proxies)).toBe("203.0.113.7");
  });

  it("does not trust an address just outside a range", () => {
    expect(clientIp("203.0.113.7, 192.0.2.11", proxies)).toBe("192.0.2.11");
    expect(clientIp("203.0.113.7, 11.0.0.1", proxies)).toBe("11.0.0.1");
  });

  it("gives the left-most entry when every hop is a trusted proxy", () => {
    expect(clientIp("10.9.9.9, 10.1.2.3", proxies)).toBe("10.9.9.9");
  });

  it("gives null when a non-address sits where a proxy's entry should be", () => {
    expect(clientIp("203.0.113.7, garbage, 10.1.2.3", proxies)).toBeNull();
  });

  it("matches IPv4-mapped IPv6 entries against IPv4 ranges", () => {
    expect(clientIp("203.0.113.7, ::ffff:10.1.2.3", proxies)).toBe("203.0.113.7");
  });
});
