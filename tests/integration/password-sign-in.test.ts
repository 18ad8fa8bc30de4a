// Password sign-in, with and without an authenticator app, on the real database.
import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signInWithPassword } from "@/server/auth/sign-in-with-password";
import { resetConfigForTests } from "@/server/config";
import { getDb } from "@/server/db";
import { AppError } from "@/server/errors";
import { toErrorResponse } from "@/server/http/route";
import { signInAssurance } from "@/server/sign-in/sign-in-assurance";
import { PASSWORD_HASH_PARAMS, passwordNeedsRehash, verifyPassword } from "@/server/password/password-hash";
import { throttleKeys } from "@/server/throttle/sign-in-throttle";
import { codeFor, giveAuthenticatorApp, givePassword, nextCodeFor, TEST_PASSWORD } from "../fixtures/credentials";
import { makeUser, testCtx, uniqueEmail } from "../fixtures/factories";
import { auditEvents, expectOneSuccessAudit, rejectsWith } from "./webauthn-helpers";

const INVALID = "That email, password or code isn't right.";

async function userWithPasswordAndApp() {
  const user = await makeUser();
  await givePassword(user.id);
  const secret = await giveAuthenticatorApp(user.id);
  return { user, secret };
}

/** What a refused sign-in must leave as it was. */
async function state(userId: string) {
  const user = await getDb().user.findUniqueOrThrow({ where: { id: userId }, select: { lastSignInAt: true, passwordHash: true } });
  const app = await getDb().authenticatorApp.findUnique({ where: { userId }, select: { lastUsedStep: true, lastUsedAt: true } });
  const successes = (await auditEvents(userId, { type: "password.signin", outcome: "success" })).length;
  return { ...user, app, successes };
}

/** Refused with INVALID_CREDENTIALS and the one message, a failure audit with `reason`, nothing else changed. */
async function expectRefused(attempt: { email: string; password: string; code?: string }, subjectUserId: string | null, reason: string) {
  const before = subjectUserId ? await state(subjectUserId) : null;
  const since = (await getDb().auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } }))?.id ?? 0n;
  const error = await rejectsWith(signInWithPassword({ ...attempt, ctx: testCtx }), "INVALID_CREDENTIALS");
  expect(error.message).toBe(INVALID);
  const events = await getDb().auditEvent.findMany({ where: { id: { gt: since }, type: "password.signin" } });
  expect(events).toEqual([expect.objectContaining({ outcome: "failure", subjectUserId, actorId: null, ip: testCtx.ip, details: { reason } })]);
  if (subjectUserId) expect(await state(subjectUserId)).toEqual(before);
}

describe("signInWithPassword", () => {
  it("signs in with password and code as multifactor, and uses the code up", async () => {
    const { user, secret } = await userWithPasswordAndApp();
    const result = await signInWithPassword({ email: user.email, password: TEST_PASSWORD, code: codeFor(secret), ctx: testCtx });
    expect(result).toEqual({ user: { id: user.id, email: user.email, displayName: user.displayName, role: "user" }, proof: { method: "password_totp" } });
    expect(signInAssurance(result.proof)).toMatchObject({ methods: ["password", "totp"], mfa: true });
    await expectOneSuccessAudit(user.id, "password.signin", { factors: ["password", "totp"] });
    const after = await state(user.id);
    expect(after.lastSignInAt).not.toBeNull();
    expect(after.app!.lastUsedStep).not.toBeNull();
  });

  it("accepts the code with spaces as apps show it, and the email however it is typed", async () => {
    const { user, secret } = await userWithPasswordAndApp();
    const code = codeFor(secret);
    const result = await signInWithPassword({ email: ` ${user.email.toUpperCase()}`, password: TEST_PASSWORD, code, ctx: testCtx });
    expect(signInAssurance(result.proof).mfa).toBe(true);
  });

  it("signs a password-only account in single-factor", async () => {
    const user = await makeUser();
    await givePassword(user.id);
    const result = await signInWithPassword({ email: user.email, password: TEST_PASSWORD, ctx: testCtx });
    expect(result.proof).toEqual({ method: "password" });
    expect(signInAssurance(result.proof)).toMatchObject({ methods: ["password"], mfa: false });
    await expectOneSuccessAudit(user.id, "password.signin", { factors: ["password"] });
  });

  it("refuses an account with an app when the code is missing, wrong or already used, with one message", async () => {
    const { user, secret } = await userWithPasswordAndApp();
    await expectRefused({ email: user.email, password: TEST_PASSWORD }, user.id, "code missing");
    const wrong = codeFor(secret) === "000000" ? "111111" : "000000";
    await expectRefused({ email: user.email, password: TEST_PASSWORD, code: wrong }, user.id, "wrong code");
    await expectRefused({ email: user.email, password: TEST_PASSWORD, code: "12ab56" }, user.id, "wrong code");

    const code = nextCodeFor(secret);
    await signInWithPassword({ email: user.email, password: TEST_PASSWORD, code, ctx: testCtx });
    await expectRefused({ email: user.email, password: TEST_PASSWORD, code }, user.id, "code reused");
    // The code of a step before the one used is refused as well.
    await expectRefused({ email: user.email, password: TEST_PASSWORD, code: codeFor(secret) }, user.id, "code reused");
  });

  it("refuses a wrong password without using up a right code", async () => {
    const { user, secret } = await userWithPasswordAndApp();
    const code = codeFor(secret);
    await expectRefused({ email: user.email, password: "not the password", code }, user.id, "wrong password");
    expect((await signInWithPassword({ email: user.email, password: TEST_PASSWORD, code, ctx: testCtx })).proof).toEqual({ method: "password_totp" });
  });

  it("refuses an unknown email and an account without a password exactly like a wrong password", async () => {
    await expectRefused({ email: uniqueEmail("nobody"), password: TEST_PASSWORD, code: "123456" }, null, "unknown account");
    const user = await makeUser();
    await expectRefused({ email: user.email, password: TEST_PASSWORD }, user.id, "no password");
  });

  it("does not count an unconfirmed authenticator app: the password alone is single-factor", async () => {
    const { user } = await userWithPasswordAndApp();
    await getDb().authenticatorApp.update({ where: { userId: user.id }, data: { confirmedAt: null } });
    const result = await signInWithPassword({ email: user.email, password: TEST_PASSWORD, code: "123456", ctx: testCtx });
    expect(result.proof).toEqual({ method: "password" });
    expect(signInAssurance(result.proof)).toMatchObject({ methods: ["password"], mfa: false });
  });

  it("rehashes a hash made with older parameters on success, and the password still works", async () => {
    const user = await makeUser();
    const salt = randomBytes(16);
    const old = scryptSync(TEST_PASSWORD.normalize("NFKC"), salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const oldHash = ["scrypt", 14, 8, 1, salt.toString("base64url"), old.toString("base64url")].join("$");
    await getDb().user.update({ where: { id: user.id }, data: { passwordHash: oldHash } });
    expect(passwordNeedsRehash(oldHash)).toBe(true);

    await signInWithPassword({ email: user.email, password: TEST_PASSWORD, ctx: testCtx });
    const { passwordHash } = await getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
    expect(passwordHash).not.toBe(oldHash);
    expect(passwordHash!.startsWith(`scrypt$${PASSWORD_HASH_PARAMS.log2N}$`)).toBe(true);
    expect(await verifyPassword(passwordHash, TEST_PASSWORD)).toBe(true);
    await expectOneSuccessAudit(user.id, "password.signin", { factors: ["password"], rehashed: true });
  });
});

describe("password hashing under a burst", () => {
  function configureHashing(concurrency: number, queue: number) {
    process.env.PASSWORD_HASH_CONCURRENCY = String(concurrency);
    process.env.PASSWORD_HASH_QUEUE = String(queue);
    resetConfigForTests();
  }

  it("runs at most PASSWORD_HASH_CONCURRENCY hashes plus a short queue; the rest get 503 with Retry-After, uncounted", async () => {
    configureHashing(1, 2);
    try {
      const ctx = { ip: `2001:db8::${randomBytes(4).toString("hex")}:2`, userAgent: "hash-burst-test" };
      const emails = Array.from({ length: 10 }, () => uniqueEmail("burst"));
      const settled = await Promise.allSettled(emails.map((email) => signInWithPassword({ email, password: "a guess", ctx })));
      const codes = settled.map((r) => (r.status === "rejected" && r.reason instanceof AppError ? r.reason.code : "other"));
      // One hashing and two waiting when the burst arrives: those three are checked, the rest turned away.
      expect(codes.filter((c) => c === "INVALID_CREDENTIALS")).toHaveLength(3);
      expect(codes.filter((c) => c === "SERVICE_UNAVAILABLE")).toHaveLength(7);
      const busy = settled.find((r): r is PromiseRejectedResult => r.status === "rejected" && (r.reason as AppError).code === "SERVICE_UNAVAILABLE")!;
      const response = toErrorResponse(busy.reason);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
      // Nothing was verified for the turned-away attempts, so nothing counts against them.
      const counted = await getDb().signInThrottle.findMany({ where: { key: { in: emails.map((e) => throttleKeys(e, null).account) } } });
      // (The turned-away accounts keep a row, handed back to 0 failures.)
      expect(counted.map((row) => row.failures).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
      expect(await getDb().signInThrottle.findUnique({ where: { key: `ip:${ctx.ip}` } })).toMatchObject({ failures: 3 });
    } finally {
      delete process.env.PASSWORD_HASH_CONCURRENCY;
      delete process.env.PASSWORD_HASH_QUEUE;
      resetConfigForTests();
    }
  });

  it("lets the queue drain: after a burst, a right password signs in", async () => {
    configureHashing(1, 0);
    try {
      const user = await makeUser();
      await givePassword(user.id);
      await Promise.allSettled(Array.from({ length: 4 }, () => verifyPassword(null, "x")));
      expect((await signInWithPassword({ email: user.email, password: TEST_PASSWORD, ctx: testCtx })).user.id).toBe(user.id);
    } finally {
      delete process.env.PASSWORD_HASH_CONCURRENCY;
      delete process.env.PASSWORD_HASH_QUEUE;
      resetConfigForTests();
    }
  });
});
