import { describe, expect, it } from "vitest";
import { headerCookieStore, parseCookieHeader, serializeCookie, withRequestCookies, requestCookies } from "@/server/http/request-cookies";

describe("the cookie store of the requests our server answers itself", () => {
  it("reads a Cookie header as Next.js does: decoded values, the last of a name, undecodable ones left out", () => {
    const cookies = parseCookieHeader("a=1; si_binding=Fe26.2%2A%2Ax~2;b; a=2;;bad=%E0%A4%A;c=x=y");
    expect(Object.fromEntries(cookies)).toEqual({ a: "2", si_binding: "Fe26.2**x~2", b: "true", c: "x=y" });
    expect(parseCookieHeader(undefined).size).toBe(0);
  });

  it("spells Set-Cookie as Next.js does: encoded value, Path, Expires and Max-Age, Secure, HttpOnly, SameSite", () => {
    const now = Date.UTC(2026, 11, 5, 12, 0, 0);
    expect(serializeCookie("si_session", "Fe26.2*a b", { httpOnly: true, sameSite: "lax", secure: true, path: "/", maxAge: 3600 }, now)).toBe(
      "si_session=Fe26.2*a%20b; Path=/; Expires=Sat, 05 Dec 2026 13:00:00 GMT; Max-Age=3600; Secure; HttpOnly; SameSite=lax",
    );
    // Clearing a cookie: Max-Age=0 and no Expires, as Next.js writes it.
    expect(serializeCookie("si_session", "", { httpOnly: true, sameSite: "lax", secure: false, path: "/", maxAge: 0 }, now)).toBe(
      "si_session=; Path=/; Max-Age=0; HttpOnly; SameSite=lax",
    );
  });

  it("gives a set cookie to later reads of the same request and one Set-Cookie line per name, the last value", () => {
    const store = headerCookieStore("si_binding=old", () => 0);
    expect(store.get("si_binding")).toEqual({ value: "old" });
    store.set("si_binding", "new", { maxAge: 60 });
    store.set("si_session", "first", { maxAge: 60 });
    store.set("si_session", "second", { maxAge: 60 });
    expect(store.get("si_binding")).toEqual({ value: "new" });
    expect(store.setCookies()).toEqual([
      "si_binding=new; Path=/; Expires=Thu, 01 Jan 1970 00:01:00 GMT; Max-Age=60",
      "si_session=second; Path=/; Expires=Thu, 01 Jan 1970 00:01:00 GMT; Max-Age=60",
    ]);
  });

  it("is the request's cookies inside withRequestCookies, and only there", async () => {
    const store = headerCookieStore("x=1");
    await withRequestCookies(store, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect((await requestCookies()).get("x")).toEqual({ value: "1" });
    });
    // Outside, it is Next.js's cookies(), which needs a Next.js request.
    await expect(requestCookies()).rejects.toThrow();
  });
});
