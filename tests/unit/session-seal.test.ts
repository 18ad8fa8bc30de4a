import fc from "fast-check";
import { sealData, unsealData } from "iron-session";
import { describe, expect, it } from "vitest";
import { sealCookie, unsealCookie } from "@/server/session-seal";

const secret = "a-session-secret-of-at-least-32-characters";
const other = "another-secret-also-32-characters-long-ok";
const ttl = 12 * 3600;
const data = { userId: "u1", sessionId: "s1", methods: ["passkey"], mfa: true, authTime: 1_765_000_000_000 };

describe("session seals", () => {
  it("round-trips plain JSON, in iron's format with iron-session's version suffix", () => {
    const sealed = sealCookie(data, secret, ttl);
    expect(sealed).toMatch(/^Fe26\.2\*1\*[0-9a-f]{64}\*[\w-]{22}\*[\w-]+\*\d{13}\*[0-9a-f]{64}\*[\w-]{43}~2$/);
    expect(unsealCookie(sealed, secret)).toEqual(data);
  });

  it("opens what iron-session sealed, and iron-session opens what it seals: a switch signs nobody out", async () => {
    const fromIron = await sealData(data, { password: secret, ttl });
    expect(unsealCookie(fromIron, secret)).toEqual(data);
    expect(await unsealData(sealCookie(data, secret, ttl), { password: secret, ttl })).toEqual(data);
  });

  it("uses a fresh IV for every seal", () => {
    const ivs = new Set(Array.from({ length: 50 }, () => sealCookie(data, secret, ttl).split("*")[3]));
    expect(ivs.size).toBe(50);
  });

  it("refuses a seal made with another secret", async () => {
    expect(unsealCookie(sealCookie(data, other, ttl), secret)).toBeNull();
    expect(unsealCookie(await sealData(data, { password: other, ttl }), secret)).toBeNull();
  });

  it("refuses a seal with any part altered", () => {
    const parts = sealCookie(data, secret, ttl).replace(/~2$/, "").split("*");
    for (let i = 0; i < parts.length; i++) {
      const altered = [...parts];
      const part = altered[i]!;
      altered[i] = part.length > 0 ? (part[0] === "A" ? "B" : "A") + part.slice(1) : "1";
      expect(unsealCookie(altered.join("*"), secret), `part ${i}`).toBeNull();
    }
    expect(unsealCookie(parts.slice(0, 7).join("*"), secret)).toBeNull();
    expect(unsealCookie([...parts, "x"].join("*"), secret)).toBeNull();
    // The MAC's last base64 character carries two spare bits: another spelling is refused too.
    const mac = parts[7]!;
    const respelled = mac.slice(0, -1) + (mac.at(-1) === "A" ? "B" : "A");
    expect(unsealCookie([...parts.slice(0, 7), respelled].join("*"), secret)).toBeNull();
    // The version suffix is outside the MAC: only the "~2" both writers use is read.
    for (const suffix of ["", "~", "~~", "~3", "~2~2", "~22"]) expect(unsealCookie(parts.join("*") + suffix, secret), suffix).toBeNull();
    expect(unsealCookie(`${parts.join("*")}~2`, secret)).toEqual(data);
  });

  it("refuses a seal past its expiry (beyond a minute of clock skew), and keeps one within it", () => {
    const now = Date.now();
    const sealed = sealCookie(data, secret, 60, now);
    expect(unsealCookie(sealed, secret, now + 60_000 + 59_000)).toEqual(data);
    expect(unsealCookie(sealed, secret, now + 60_000 + 60_000)).toBeNull();
  });

  it("refuses a seal whose content is not a JSON object", async () => {
    expect(unsealCookie(await sealData("a string" as unknown as object, { password: secret, ttl }), secret)).toBeNull();
    expect(unsealCookie(sealCookie([1, 2], secret, ttl), secret)).toBeNull();
  });

  it("never throws on whatever a client sends, and opens none of it", () => {
    const real = sealCookie(data, secret, ttl);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(fc.string(), { maxLength: 10 }).map((parts) => parts.join("*")),
          fc.tuple(fc.nat(real.length), fc.string({ maxLength: 3 })).map(([at, s]) => real.slice(0, at) + s + real.slice(at + 1)),
        ),
        (value) => {
          const opened = unsealCookie(value, secret);
          if (value !== real) expect(opened).toBeNull();
        },
      ),
      { numRuns: 2000, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  it("follows a change of secret", () => {
    const sealed = sealCookie(data, secret, ttl);
    expect(unsealCookie(sealCookie(data, other, ttl), other)).toEqual(data);
    expect(unsealCookie(sealed, secret)).toEqual(data);
  });
});
