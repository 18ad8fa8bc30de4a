// Cookie names take the __Host- prefix whenever cookies are Secure (https), never on http://localhost.
import { describe, expect, it, vi } from "vitest";
import { cookieName } from "@/contracts/cookies";
import { parseConfig } from "@/server/config";
import { BINDING_COOKIE, SESSION_COOKIE } from "@/server/session-data";

const secret = { SESSION_SECRET: "s".repeat(32), DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/x" };
const httpsEnv = { ...secret, RP_ID: "id.example.com", ORIGINS: "https://id.example.com" };
const localEnv = { ...secret };

/** sessionOptions under the configuration `env` gives. */
async function sessionOptionsUnder(env: Record<string, string>, base?: string) {
  vi.resetModules();
  vi.doMock("@/server/config", async (importOriginal) => ({
    ...(await importOriginal<typeof import("@/server/config")>()),
    getConfig: () => parseConfig(env),
  }));
  const { sessionOptions } = await import("@/server/session");
  return sessionOptions(base);
}

describe("cookieName", () => {
  it("prefixes __Host- when cookies are Secure, and leaves the bare name otherwise", () => {
    expect(cookieName("si_session", true)).toBe("__Host-si_session");
    expect(cookieName("si_session", false)).toBe("si_session");
  });
});

describe("the session and binding cookies", () => {
  it("on an https origin: __Host- names, Secure, Path=/, no Domain", async () => {
    expect(parseConfig(httpsEnv).secureCookies).toBe(true);
    for (const base of [SESSION_COOKIE, BINDING_COOKIE]) {
      const options = await sessionOptionsUnder(httpsEnv, base);
      expect(options.cookieName).toBe(`__Host-${base}`);
      expect(options.cookieOptions).toMatchObject({ secure: true, path: "/", httpOnly: true, sameSite: "lax" });
      expect(options.cookieOptions).not.toHaveProperty("domain");
    }
  });

  it("on http://localhost: the plain names, not Secure (the prefix would make browsers drop them)", async () => {
    expect(parseConfig(localEnv).origins).toEqual(["http://localhost:3000"]);
    for (const base of [SESSION_COOKIE, BINDING_COOKIE]) {
      const options = await sessionOptionsUnder(localEnv, base);
      expect(options.cookieName).toBe(base);
      expect(options.cookieOptions).toMatchObject({ secure: false, path: "/" });
    }
  });
});
