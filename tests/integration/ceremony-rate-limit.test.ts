// Rate limits on the WebAuthn options endpoints: requests counted per IP address and per account
// in fixed windows in PostgreSQL, refused with 429 RATE_LIMITED and Retry-After, and nothing written
// on refusal. Each test uses addresses and accounts of its own, so other tests' counts never meet it.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { getDb } from "@/server/db";
import { toErrorResponse } from "@/server/http/route";
import { assertCeremonyRateAllowed, ceremonyRateKeys } from "@/server/throttle/ceremony-rate-limit";
import { throttleKeys } from "@/server/throttle/sign-in-throttle";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { makeUser, newBinding, signedIn, uniqueEmail } from "../fixtures/factories";
import { rejectsWith } from "./webauthn-helpers";

function newIp() {
  return `2001:db8:7a7e::${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}`;
}

/** Real-time tests use hour-long windows so that no window boundary falls inside a test. */
function configure(settings: { ip?: number; account?: number; windowSeconds?: number }) {
  process.env.CEREMONY_RATE_PER_IP = String(settings.ip ?? 1000);
  process.env.CEREMONY_RATE_PER_ACCOUNT = String(settings.account ?? 1000);
  process.env.CEREMONY_RATE_WINDOW_SECONDS = String(settings.windowSeconds ?? 3600);
  resetConfigForTests();
}

const signInOptions = (ip: string, email?: string) => createAuthenticationOptions({ binding: newBinding(), ip, email });
const rateRow = (key: string) => getDb().requestRate.findUnique({ where: { key } });
const challenges = () => getDb().challenge.count();

describe("per IP address", () => {
  it("refuses the request past the limit with 429, Retry-After and the usual error shape, writing no challenge", async () => {
    configure({ ip: 3, windowSeconds: 3600 });
    const ip = newIp();
    for (let i = 0; i < 3; i++) await signInOptions(ip);

    const before = await challenges();
    const error = await rejectsWith(signInOptions(ip), "RATE_LIMITED");
    expect(await challenges()).toBe(before);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(error.message).toBe(`Too many requests. Wait ${error.retryAfterSeconds} seconds, then try again.`);
    const response = toErrorResponse(error);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe(String(error.retryAfterSeconds));
    expect(await response.json()).toEqual({ error: { code: "RATE_LIMITED", message: error.message } });
    expect(await rateRow(`ip:${ip}`)).toMatchObject({ count: 4 });
  });

  it("counts every options request from the address, whatever the ceremony or account", async () => {
    configure({ ip: 3 });
    const ip = newIp();
    const user = await makeUser();
    await signInOptions(ip);
    await signInOptions(ip, uniqueEmail());
    await createRegistrationOptions({ user: signedIn(user), binding: newBinding(), ip });

    const before = await challenges();
    await rejectsWith(createRegistrationOptions({ user: signedIn(user), binding: newBinding(), ip }), "RATE_LIMITED");
    await rejectsWith(signInOptions(ip, user.email), "RATE_LIMITED");
    expect(await challenges()).toBe(before);
  });

  it("leaves other addresses alone", async () => {
    configure({ ip: 2 });
    const busy = newIp();
    await signInOptions(busy);
    await signInOptions(busy);
    await rejectsWith(signInOptions(busy), "RATE_LIMITED");

    const other = await signInOptions(newIp());
    expect(await getDb().challenge.findUnique({ where: { value: other.challenge } })).not.toBeNull();
  });

  it("limits usernameless and autofill requests, which name no account, by address only", async () => {
    configure({ ip: 5, account: 1 });
    const ip = newIp();
    for (let i = 0; i < 5; i++) await signInOptions(ip);
    await rejectsWith(signInOptions(ip), "RATE_LIMITED");
  });

  it("counts requests racing from one address exactly once each", async () => {
    configure({ ip: 5 });
    const ip = newIp();
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => signInOptions(ip)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      Array(7).fill("RATE_LIMITED"),
    );
    expect(await rateRow(`ip:${ip}`)).toMatchObject({ count: 12 });
  });
});

describe("per account at sign-in", () => {
  it("refuses the account past the limit from any address, and leaves other accounts alone", async () => {
    configure({ account: 2 });
    const user = await makeUser();
    await signInOptions(newIp(), user.email);
    await signInOptions(newIp(), user.email);

    const before = await challenges();
    await rejectsWith(signInOptions(newIp(), user.email), "RATE_LIMITED");
    // The same account however the email is typed.
    await rejectsWith(signInOptions(newIp(), `  ${user.email.toUpperCase()} `), "RATE_LIMITED");
    expect(await challenges()).toBe(before);

    const other = await makeUser();
    await signInOptions(newIp(), other.email);
    // Usernameless sign-in names no account, so it stays open to the limited user.
    await signInOptions(newIp());
  });

  it("treats an unknown email exactly like a known one", async () => {
    configure({ account: 2 });
    const known = (await makeUser()).email;
    const unknown = uniqueEmail();
    const refusals = [];
    for (const email of [known, unknown]) {
      const ip = newIp();
      await signInOptions(ip, email);
      await signInOptions(ip, email);
      refusals.push(await rejectsWith(signInOptions(ip, email), "RATE_LIMITED"));
    }
    const [a, b] = refusals.map((error) => toErrorResponse(error));
    expect(a!.status).toBe(b!.status);
    expect(Math.abs(Number(a!.headers.get("retry-after")) - Number(b!.headers.get("retry-after")))).toBeLessThanOrEqual(1);
    expect((await a!.json()).error.code).toBe((await b!.json()).error.code);

    // Both counted under the hash of the email; neither key reveals the address or the account.
    for (const email of [known, unknown]) {
      const key = throttleKeys(email, null).account;
      expect(key).toMatch(/^account:[0-9a-f]{64}$/);
      expect(await rateRow(key)).toMatchObject({ count: 3 });
    }
  });
});

describe("per account at registration", () => {
  it("refuses the signed-in user past the limit, writing no challenge, and leaves other users alone", async () => {
    configure({ account: 2 });
    const user = await makeUser();
    const register = () => createRegistrationOptions({ user: signedIn(user), binding: newBinding(), ip: newIp() });
    await register();
    await register();

    const before = await challenges();
    const error = await rejectsWith(register(), "RATE_LIMITED");
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await challenges()).toBe(before);
    expect(await rateRow(`user:${user.id}`)).toMatchObject({ count: 3 });

    const other = await makeUser();
    await createRegistrationOptions({ user: signedIn(other), binding: newBinding(), ip: newIp() });
    // Requests others send with the user's email are counted apart: they cannot block registration.
    await signInOptions(newIp(), user.email);
  });

  it("does not count a request refused for an unfresh session", async () => {
    configure({ account: 1 });
    const user = await makeUser();
    await rejectsWith(createRegistrationOptions({ user: signedIn(user, 11 * 60_000), binding: newBinding(), ip: newIp() }), "REAUTH_REQUIRED");
    expect(await rateRow(`user:${user.id}`)).toBeNull();
    await createRegistrationOptions({ user: signedIn(user), binding: newBinding(), ip: newIp() });
  });
});

describe("fixed windows", () => {
  it("says how long until the window ends and counts again from 1 in the next window", async () => {
    configure({ ip: 2, account: 100, windowSeconds: 60 });
    const keys = ceremonyRateKeys({ ip: newIp(), email: uniqueEmail() });
    const windowStart = Date.UTC(2030, 0, 1, 12, 0);
    const t = (ms: number) => new Date(windowStart + ms);

    await assertCeremonyRateAllowed(keys, t(1_000));
    await assertCeremonyRateAllowed(keys, t(30_000));
    const error = await rejectsWith(assertCeremonyRateAllowed(keys, t(42_500)), "RATE_LIMITED");
    expect(error.retryAfterSeconds).toBe(18);
    expect(toErrorResponse(error).headers.get("retry-after")).toBe("18");
    await rejectsWith(assertCeremonyRateAllowed(keys, t(59_999)), "RATE_LIMITED");

    // The next window: the row is overwritten in place, its count starting again.
    await assertCeremonyRateAllowed(keys, t(60_000));
    expect(await rateRow(keys.ip)).toEqual({ key: keys.ip, windowStart: t(60_000), count: 1 });
    expect(await rateRow(keys.account!)).toEqual({ key: keys.account, windowStart: t(60_000), count: 1 });
  });

  it("keeps counting in the newer window when a request arrives stamped with the window before (clock skew)", async () => {
    configure({ ip: 2, windowSeconds: 60 });
    const keys = ceremonyRateKeys({ ip: newIp() });
    const windowStart = Date.UTC(2030, 0, 1, 13, 0);
    await assertCeremonyRateAllowed(keys, new Date(windowStart + 1_000));
    await assertCeremonyRateAllowed(keys, new Date(windowStart - 500));
    await rejectsWith(assertCeremonyRateAllowed(keys, new Date(windowStart + 2_000)), "RATE_LIMITED");
    expect(await rateRow(keys.ip)).toMatchObject({ windowStart: new Date(windowStart), count: 3 });
  });

  it("removes rows of other keys whose window ended long ago as it goes", async () => {
    configure({});
    const db = getDb();
    await db.requestRate.createMany({
      data: [
        { key: "ip:192.0.2.1", windowStart: new Date(0), count: 7 },
        { key: "ip:192.0.2.2", windowStart: new Date(1_000), count: 7 },
      ],
    });
    await signInOptions(newIp());
    expect(await db.requestRate.count({ where: { key: { in: ["ip:192.0.2.1", "ip:192.0.2.2"] } } })).toBe(0);
  });
});
