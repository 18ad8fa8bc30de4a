// Brute-force protection: failed TAP, password and code attempts counted per account and per IP
// address in PostgreSQL, locks that grow and expire, and passkeys never locked. Each test signs in
// from an address of its own, so the counters of other tests never meet its own.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signInWithPassword } from "@/server/auth/sign-in-with-password";
import { resetConfigForTests } from "@/server/config";
import { getDb } from "@/server/db";
import { AppError } from "@/server/errors";
import { toErrorResponse } from "@/server/http/route";
import { signInWithTap } from "@/server/tap/sign-in-with-tap";
import { throttleKeys } from "@/server/throttle/sign-in-throttle";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { verifyAuthentication } from "@/server/webauthn/verify-authentication";
import { codeFor, giveAuthenticatorApp, givePassword, TEST_PASSWORD } from "../fixtures/credentials";
import { makeUser, makeUserWithTap, newBinding, uniqueEmail } from "../fixtures/factories";
import { registerPasskey, rejectsWith, TEST_ORIGIN } from "./webauthn-helpers";

const MINUTE = 60_000;
const WRONG_TAP = "AAAA-BBBB-CCCC-DDDD";

function newCtx() {
  return { ip: `2001:db8::${randomBytes(4).toString("hex")}:1`, userAgent: "throttle-test" };
}

function configure(settings: { account?: number; ip?: number; lockMinutes?: number }) {
  if (settings.account !== undefined) process.env.SIGNIN_MAX_FAILURES = String(settings.account);
  if (settings.ip !== undefined) process.env.SIGNIN_IP_MAX_FAILURES = String(settings.ip);
  if (settings.lockMinutes !== undefined) process.env.SIGNIN_LOCK_MINUTES = String(settings.lockMinutes);
  resetConfigForTests();
}

function throttleRow(key: string) {
  return getDb().signInThrottle.findUnique({ where: { key } });
}

function lockAudits(filter: { subjectUserId?: string; ip?: string }) {
  return getDb().auditEvent.findMany({
    where: {
      type: "signin.locked",
      ...(filter.subjectUserId && { subjectUserId: filter.subjectUserId }),
      ...(filter.ip && { ip: filter.ip }),
    },
    orderBy: { id: "asc" },
  });
}

async function failTap(email: string, ctx: ReturnType<typeof newCtx>, now?: Date) {
  await rejectsWith(signInWithTap({ email, code: WRONG_TAP, ctx, now }), "TAP_INVALID");
}

describe("per-account lock", () => {
  it("locks after N failures, says for how long with Retry-After, and refuses even the right pass without counting it", async () => {
    configure({ account: 3, lockMinutes: 5 });
    const { user, tap } = await makeUserWithTap();
    const ctx = newCtx();
    const t0 = new Date();
    for (let i = 0; i < 3; i++) await failTap(user.email, ctx, t0);

    const key = throttleKeys(user.email, null).account;
    const locked = await throttleRow(key);
    expect(locked).toMatchObject({ failures: 0, lockouts: 1 });
    expect(locked!.lockedUntil!.getTime()).toBe(t0.getTime() + 5 * MINUTE);
    expect(await lockAudits({ subjectUserId: user.id })).toEqual([
      expect.objectContaining({ outcome: "success", ip: ctx.ip, details: expect.objectContaining({ scope: "account", lockouts: 1 }) }),
    ]);

    const later = new Date(t0.getTime() + 90_000);
    const error = await rejectsWith(signInWithTap({ email: user.email, code: tap.code, ctx, now: later }), "SIGN_IN_LOCKED");
    expect(error.message).toBe("Too many attempts. Try again in 4 minutes, or sign in with a passkey.");
    expect(error.retryAfterSeconds).toBe(210);
    const response = toErrorResponse(error);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("210");
    expect(await response.json()).toEqual({ error: { code: "SIGN_IN_LOCKED", message: error.message } });

    // Refused before anything was verified: no sign-in, no TAP audit, no further count.
    expect(await throttleRow(key)).toEqual(locked);
    const taps = await getDb().auditEvent.count({ where: { subjectUserId: user.id, type: "tap.signin" } });
    expect(taps).toBe(3);
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { lastSignInAt: true } });
    expect(row.lastSignInAt).toBeNull();
    expect(await lockAudits({ subjectUserId: user.id })).toHaveLength(1);
  });

  it("expires: after the lock the right pass signs in, and success clears the failures but not the lockouts", async () => {
    configure({ account: 2, lockMinutes: 5 });
    const { user, tap } = await makeUserWithTap();
    const ctx = newCtx();
    const t0 = new Date();
    await failTap(user.email, ctx, t0);
    await failTap(user.email, ctx, t0);
    const after = new Date(t0.getTime() + 5 * MINUTE + 1);
    await failTap(user.email, ctx, after);
    const key = throttleKeys(user.email, null).account;
    expect(await throttleRow(key)).toMatchObject({ failures: 1, lockouts: 1 });

    expect((await signInWithTap({ email: user.email, code: tap.code, ctx, now: after })).user.id).toBe(user.id);
    expect(await throttleRow(key)).toMatchObject({ failures: 0, lockouts: 1 });
  });

  it("locks for twice as long each time, at most a day, and forgets lockouts a day after the last failure", async () => {
    configure({ account: 1, lockMinutes: 5 });
    const user = await makeUser();
    const key = throttleKeys(user.email, null).account;
    const ctx = newCtx();
    let now = Date.now();
    const lengths: number[] = [];
    for (let i = 0; i < 10; i++) {
      await failTap(user.email, ctx, new Date(now));
      const row = (await throttleRow(key))!;
      lengths.push(row.lockedUntil!.getTime() - now);
      now = row.lockedUntil!.getTime() + 1;
    }
    expect(lengths.slice(0, 5)).toEqual([5, 10, 20, 40, 80].map((m) => m * MINUTE));
    // 5 min × 2^9 would be more than a day.
    expect(lengths.at(-1)).toBe(24 * 60 * MINUTE);
    expect((await throttleRow(key))!.lockouts).toBe(10);

    // The next failure comes when that day-long lock ends, more than a day after the last
    // failure: the lockouts are forgotten and the lock is the first one again.
    await failTap(user.email, ctx, new Date(now));
    expect(await throttleRow(key)).toMatchObject({ lockouts: 1, lockedUntil: new Date(now + 5 * MINUTE) });
  });

  it("locks an unknown email exactly like a known one", async () => {
    configure({ account: 2 });
    const ctx = newCtx();
    const known = await makeUser();
    const unknown = uniqueEmail("nobody");
    const t0 = new Date();
    for (const email of [known.email, unknown]) {
      await failTap(email, ctx, t0);
      await failTap(email, ctx, t0);
    }
    const a = await rejectsWith(signInWithTap({ email: known.email, code: WRONG_TAP, ctx, now: t0 }), "SIGN_IN_LOCKED");
    const b = await rejectsWith(signInWithTap({ email: unknown, code: WRONG_TAP, ctx, now: t0 }), "SIGN_IN_LOCKED");
    expect([b.message, b.retryAfterSeconds]).toEqual([a.message, a.retryAfterSeconds]);
    const rows = await Promise.all([known.email, unknown].map((e) => throttleRow(throttleKeys(e, null).account)));
    expect(rows[1]).toMatchObject({ failures: rows[0]!.failures, lockouts: rows[0]!.lockouts, lockedUntil: rows[0]!.lockedUntil });
  });

  it("counts wrong passwords and codes together with TAP failures, and locks the password+code sign-in too", async () => {
    configure({ account: 3 });
    const { user, tap } = await makeUserWithTap();
    await givePassword(user.id);
    const secret = await giveAuthenticatorApp(user.id);
    const ctx = newCtx();
    await rejectsWith(signInWithPassword({ email: user.email, password: "wrong password", code: codeFor(secret), ctx }), "INVALID_CREDENTIALS");
    await rejectsWith(signInWithPassword({ email: user.email, password: TEST_PASSWORD, code: "000000" === codeFor(secret) ? "111111" : "000000", ctx }), "INVALID_CREDENTIALS");
    await failTap(user.email, ctx);

    const before = await getDb().authenticatorApp.findUniqueOrThrow({ where: { userId: user.id } });
    const error = await rejectsWith(signInWithPassword({ email: user.email, password: TEST_PASSWORD, code: codeFor(secret), ctx }), "SIGN_IN_LOCKED");
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    await rejectsWith(signInWithTap({ email: user.email, code: tap.code, ctx }), "SIGN_IN_LOCKED");
    // The right code was not used up by the refused attempt.
    expect(await getDb().authenticatorApp.findUniqueOrThrow({ where: { userId: user.id } })).toEqual(before);
    expect(await getDb().auditEvent.count({ where: { subjectUserId: user.id, type: "password.signin", outcome: "success" } })).toBe(0);
  });

  it("never locks passkey sign-in", async () => {
    configure({ account: 2 });
    const user = await makeUser();
    const { authenticator } = await registerPasskey(user);
    const ctx = newCtx();
    await failTap(user.email, ctx);
    await failTap(user.email, ctx);
    await rejectsWith(signInWithTap({ email: user.email, code: WRONG_TAP, ctx }), "SIGN_IN_LOCKED");

    for (const email of [user.email, undefined]) {
      const binding = newBinding();
      const options = await createAuthenticationOptions({ binding, email });
      const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
      expect((await verifyAuthentication({ response, binding, ctx })).user.id).toBe(user.id);
    }
  });
});

describe("per-IP lock", () => {
  it("locks an address that failed on many accounts, for every account, and not other addresses", async () => {
    configure({ account: 100, ip: 4 });
    const ctx = newCtx();
    for (let i = 0; i < 4; i++) await failTap(uniqueEmail("spray"), ctx);
    const ipRow = await throttleRow(`ip:${ctx.ip}`);
    expect(ipRow).toMatchObject({ failures: 0, lockouts: 1 });
    expect(await lockAudits({ ip: ctx.ip })).toEqual([
      expect.objectContaining({ subjectUserId: null, details: expect.objectContaining({ scope: "ip", ip: ctx.ip }) }),
    ]);

    const { user, tap } = await makeUserWithTap();
    await rejectsWith(signInWithTap({ email: user.email, code: tap.code, ctx }), "SIGN_IN_LOCKED");
    expect(await throttleRow(throttleKeys(user.email, null).account)).toBeNull();
    expect((await signInWithTap({ email: user.email, code: tap.code, ctx: newCtx() })).user.id).toBe(user.id);
  });

  it("counts requests without an address under one key", async () => {
    expect(throttleKeys("Someone@Example.test ", null)).toEqual({
      account: throttleKeys("someone@example.test", "192.0.2.1").account,
      ip: "ip:unknown",
    });
  });
});

describe("counting under concurrency", () => {
  it("counts every one of many failures racing on one account exactly once", async () => {
    configure({ account: 100, ip: 1000 });
    const ctx = newCtx();
    const email = uniqueEmail("race");
    await Promise.all(Array.from({ length: 12 }, () => failTap(email, ctx)));
    expect(await throttleRow(throttleKeys(email, null).account)).toMatchObject({ failures: 12, lockouts: 0, lockedUntil: null });
    expect(await throttleRow(`ip:${ctx.ip}`)).toMatchObject({ failures: 12 });
  });

  it("starts exactly one lock when racing failures cross the threshold", async () => {
    configure({ account: 5, ip: 1000 });
    const ctx = newCtx();
    const user = await makeUser();
    const results = await Promise.allSettled(
      Array.from({ length: 9 }, () => signInWithTap({ email: user.email, code: WRONG_TAP, ctx })),
    );
    expect(results.every((r) => r.status === "rejected" && r.reason instanceof AppError)).toBe(true);
    expect(await throttleRow(throttleKeys(user.email, null).account)).toMatchObject({ failures: 0, lockouts: 1 });
    expect(await lockAudits({ subjectUserId: user.id })).toHaveLength(1);
  });
});

describe("a burst of parallel guesses", () => {
  // Each attempt is counted before it is verified: however many race, at most SIGNIN_MAX_FAILURES
  // of them are checked, and once those are spent even the right secret waits for the lock.
  const BURST = 25;

  /** Starts `wrong` at once, then (after the burst has asked for its turns) `right`. */
  async function burst<T>(wrong: () => Promise<T>, right?: () => Promise<T>) {
    const first = Array.from({ length: BURST }, wrong);
    const last = right ? new Promise((resolve) => setTimeout(resolve, 50)).then(right) : null;
    const settled = await Promise.allSettled(last ? [...first, last] : first);
    const codes = settled.map((r) => (r.status === "fulfilled" ? "ok" : r.reason instanceof AppError ? r.reason.code : String(r.reason)));
    return { codes, wrong: codes.slice(0, BURST), right: last ? { code: codes[BURST]!, result: settled[BURST]! } : null };
  }

  function tally(codes: string[]) {
    return codes.reduce<Record<string, number>>((counts, code) => ({ ...counts, [code]: (counts[code] ?? 0) + 1 }), {});
  }

  function lockedRetryAfters(results: PromiseSettledResult<unknown>[]) {
    return results.flatMap((r) => (r.status === "rejected" && r.reason instanceof AppError && r.reason.code === "SIGN_IN_LOCKED" ? [r.reason.retryAfterSeconds] : []));
  }

  it("verifies at most 5 of 25 parallel wrong passwords; the rest get 429 SIGN_IN_LOCKED with Retry-After", async () => {
    configure({ account: 5, ip: 1000, lockMinutes: 5 });
    const user = await makeUser();
    await givePassword(user.id);
    const ctx = newCtx();
    const calls = Array.from({ length: BURST }, () => signInWithPassword({ email: user.email, password: "not the password", ctx }));
    const settled = await Promise.allSettled(calls);
    const codes = settled.map((r) => (r.status === "rejected" && r.reason instanceof AppError ? r.reason.code : "other"));
    expect(tally(codes)).toEqual({ INVALID_CREDENTIALS: 5, SIGN_IN_LOCKED: 20 });
    const retryAfters = lockedRetryAfters(settled);
    // The 5-minute lock, seen from attempts that each took their own "now" a moment apart.
    expect(retryAfters).toHaveLength(20);
    expect(retryAfters.every((s) => s !== undefined && s >= 295 && s <= 301)).toBe(true);
    const locked = settled.find((r): r is PromiseRejectedResult => r.status === "rejected" && (r.reason as AppError).code === "SIGN_IN_LOCKED")!;
    const response = toErrorResponse(locked.reason);
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    // Only the verified attempts left a password.signin row; one lock, audited once.
    expect(await getDb().auditEvent.count({ where: { subjectUserId: user.id, type: "password.signin" } })).toBe(5);
    expect(await lockAudits({ subjectUserId: user.id })).toHaveLength(1);
    expect(await throttleRow(throttleKeys(user.email, null).account)).toMatchObject({ failures: 0, lockouts: 1 });
  });

  it("refuses the right password sent into a burst that already spent the account's attempts", async () => {
    configure({ account: 5, ip: 1000 });
    const user = await makeUser();
    await givePassword(user.id);
    const ctx = newCtx();
    const { wrong, right } = await burst(
      () => signInWithPassword({ email: user.email, password: "not the password", ctx }),
      () => signInWithPassword({ email: user.email, password: TEST_PASSWORD, ctx }),
    );
    expect(right!.code).toBe("SIGN_IN_LOCKED");
    expect(tally(wrong)).toEqual({ INVALID_CREDENTIALS: 5, SIGN_IN_LOCKED: 20 });
    expect(await getDb().auditEvent.count({ where: { subjectUserId: user.id, type: "password.signin", outcome: "success" } })).toBe(0);
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { lastSignInAt: true } });
    expect(row.lastSignInAt).toBeNull();
  });

  it("locks an unknown email's burst exactly like a known one's", async () => {
    configure({ account: 5, ip: 1000 });
    const ctx = newCtx();
    const email = uniqueEmail("nobody");
    const { codes } = await burst(() => signInWithPassword({ email, password: "not the password", ctx }));
    expect(tally(codes)).toEqual({ INVALID_CREDENTIALS: 5, SIGN_IN_LOCKED: 20 });
    expect(await throttleRow(throttleKeys(email, null).account)).toMatchObject({ failures: 0, lockouts: 1 });
  });

  it("checks at most 5 of 25 parallel wrong passes, and not the right pass sent after them", async () => {
    configure({ account: 5, ip: 1000 });
    const { user, tap } = await makeUserWithTap();
    const ctx = newCtx();
    const { wrong, right } = await burst(
      () => signInWithTap({ email: user.email, code: WRONG_TAP, ctx }),
      () => signInWithTap({ email: user.email, code: tap.code, ctx }),
    );
    expect(tally(wrong)).toEqual({ TAP_INVALID: 5, SIGN_IN_LOCKED: 20 });
    expect(right!.code).toBe("SIGN_IN_LOCKED");
    expect(await getDb().auditEvent.count({ where: { subjectUserId: user.id, type: "tap.signin" } })).toBe(5);
    const row = await getDb().temporaryAccessPass.findUniqueOrThrow({ where: { userId: user.id }, select: { usedAt: true } });
    expect(row.usedAt).toBeNull();
  });

  it("checks at most 5 of 25 parallel wrong authenticator codes, and does not use up the right code sent after them", async () => {
    configure({ account: 5, ip: 1000 });
    const user = await makeUser();
    await givePassword(user.id);
    const secret = await giveAuthenticatorApp(user.id);
    const ctx = newCtx();
    const good = codeFor(secret);
    const bad = good === "000000" ? "111111" : "000000";
    const before = await getDb().authenticatorApp.findUniqueOrThrow({ where: { userId: user.id } });
    const { wrong, right } = await burst(
      () => signInWithPassword({ email: user.email, password: TEST_PASSWORD, code: bad, ctx }),
      () => signInWithPassword({ email: user.email, password: TEST_PASSWORD, code: good, ctx }),
    );
    expect(tally(wrong)).toEqual({ INVALID_CREDENTIALS: 5, SIGN_IN_LOCKED: 20 });
    expect(right!.code).toBe("SIGN_IN_LOCKED");
    expect(await getDb().authenticatorApp.findUniqueOrThrow({ where: { userId: user.id } })).toEqual(before);
  });

  it("hands a successful attempt's count back: the address's failures are as before, the account's cleared", async () => {
    configure({ account: 5, ip: 1000 });
    const { user, tap } = await makeUserWithTap();
    const ctx = newCtx();
    await failTap(user.email, ctx);
    await failTap(user.email, ctx);
    expect((await signInWithTap({ email: user.email, code: tap.code, ctx })).user.id).toBe(user.id);
    expect(await throttleRow(`ip:${ctx.ip}`)).toMatchObject({ failures: 2 });
    expect(await throttleRow(throttleKeys(user.email, null).account)).toMatchObject({ failures: 0, lockouts: 0, lockedUntil: null });
  });

  it("lifts the lock the threshold-reaching attempt started when that attempt is right", async () => {
    configure({ account: 3, ip: 1000 });
    const { user, tap } = await makeUserWithTap();
    const ctx = newCtx();
    await failTap(user.email, ctx);
    await failTap(user.email, ctx);
    expect((await signInWithTap({ email: user.email, code: tap.code, ctx })).user.id).toBe(user.id);
    expect(await throttleRow(throttleKeys(user.email, null).account)).toMatchObject({ failures: 0, lockouts: 0, lockedUntil: null });
    expect(await lockAudits({ subjectUserId: user.id })).toHaveLength(0);
  });
});

describe("old counters", () => {
  it("are dropped once their last failure is a day old, and new failures start afresh", async () => {
    configure({ account: 3 });
    const ctx = newCtx();
    const stale = uniqueEmail("stale");
    const t0 = Date.now();
    await failTap(stale, ctx, new Date(t0));
    const key = throttleKeys(stale, null).account;
    expect(await throttleRow(key)).toMatchObject({ failures: 1 });

    await failTap(uniqueEmail("other"), newCtx(), new Date(t0 + 24 * 60 * MINUTE + 1));
    expect(await throttleRow(key)).toBeNull();
    expect(await throttleRow(`ip:${ctx.ip}`)).toBeNull();
  });
});
