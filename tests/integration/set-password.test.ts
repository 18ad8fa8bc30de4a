// Setting and changing a password: setUserPassword on the real database.
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import { verifyPassword } from "@/server/password/password-hash";
import { setUserPassword } from "@/server/password/set-user-password";
import { createUserSession, isUserSessionActive } from "@/server/sessions/user-sessions";
import { givePassword } from "../fixtures/credentials";
import { makeUser, signedIn, testCtx } from "../fixtures/factories";
import { refuseAuditInserts } from "./db-helpers";
import { methodsSnapshot } from "./methods-helpers";
import { auditEvents, expectOneSuccessAudit, rejectsWith } from "./webauthn-helpers";

const ELEVEN_MINUTES = 11 * 60_000;
const GOOD = "plum tree under the bridge";

async function storedHash(userId: string) {
  return (await getDb().user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } })).passwordHash;
}

describe("setUserPassword: success", () => {
  it("sets a first password (hashed with scrypt and its parameters), records password.set {changed: false}", async () => {
    const user = await makeUser();
    const current = await createUserSession(user.id);
    const before = Date.now();

    const result = await setUserPassword({ user: signedIn(user), currentSessionId: current, newPassword: GOOD, ctx: testCtx });

    expect(result.changed).toBe(false);
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^scrypt\$17\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(row.passwordHash).not.toContain(GOOD);
    expect(await verifyPassword(row.passwordHash, GOOD)).toBe(true);
    expect(row.passwordChangedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(result.password.changedAt).toBe(row.passwordChangedAt!.toISOString());
    await expectOneSuccessAudit(user.id, "password.set", { changed: false });
  });

  it("changes a password, ends the user's other sessions and keeps the current one (and other users')", async () => {
    const [user, other] = [await makeUser(), await makeUser()];
    await givePassword(user.id, "the old password here");
    const current = await createUserSession(user.id);
    const phone = await createUserSession(user.id);
    const laptop = await createUserSession(user.id);
    const othersSession = await createUserSession(other.id);

    const result = await setUserPassword({ user: signedIn(user), currentSessionId: current, newPassword: GOOD, ctx: testCtx });

    expect(result).toMatchObject({ changed: true, otherSessionsEnded: 2 });
    expect(await isUserSessionActive(current, user.id)).toBe(true);
    expect(await isUserSessionActive(phone, user.id)).toBe(false);
    expect(await isUserSessionActive(laptop, user.id)).toBe(false);
    expect(await isUserSessionActive(othersSession, other.id)).toBe(true);
    const hash = await storedHash(user.id);
    expect(await verifyPassword(hash, GOOD)).toBe(true);
    expect(await verifyPassword(hash, "the old password here")).toBe(false);
    await expectOneSuccessAudit(user.id, "password.set", { changed: true });
  });

  it("accepts exactly 8 characters counted as code points after NFKC, and 256", async () => {
    const user = await makeUser();
    // Eight emoji: 16 UTF-16 units, 8 characters.
    await setUserPassword({ user: signedIn(user), currentSessionId: undefined, newPassword: "🍐🍋🍊🍎🍏🍒🍓🥝", ctx: testCtx });
    await setUserPassword({ user: signedIn(user), currentSessionId: undefined, newPassword: "q".repeat(255) + "z", ctx: testCtx });
    expect(await verifyPassword(await storedHash(user.id), "q".repeat(255) + "z")).toBe(true);
    expect((await auditEvents(user.id, { type: "password.set" })).map((e) => e.details)).toEqual([{ changed: false }, { changed: true }]);
  });
});

describe("setUserPassword: refusals change nothing", () => {
  async function expectRefused(
    setup: { password?: string; email?: string },
    attempt: { newPassword: string; ageMs?: number; mfa?: boolean; signedOut?: boolean },
    code: "PASSWORD_REJECTED" | "REAUTH_REQUIRED" | "UNAUTHENTICATED",
    message?: RegExp,
  ) {
    const user = await makeUser(setup.email ? { email: setup.email } : {});
    if (setup.password) await givePassword(user.id, setup.password);
    const current = await createUserSession(user.id);
    await createUserSession(user.id);
    const before = await methodsSnapshot(user.id);
    const session = attempt.signedOut ? null : signedIn(user, attempt.ageMs ?? 0, attempt.mfa ?? true);
    const error = await rejectsWith(
      setUserPassword({ user: session, currentSessionId: current, newPassword: attempt.newPassword, ctx: testCtx }),
      code,
    );
    if (message) expect(error.message).toMatch(message);
    expect(await methodsSnapshot(user.id)).toEqual(before);
    return error;
  }

  it("refuses a stale sign-in (REAUTH_REQUIRED, 401)", async () => {
    const error = await expectRefused({ password: "the old password here" }, { newPassword: GOOD, ageMs: ELEVEN_MINUTES }, "REAUTH_REQUIRED");
    expect(error.status).toBe(401);
  });

  it("refuses a single-factor session (REAUTH_REQUIRED)", async () => {
    await expectRefused({ password: "the old password here" }, { newPassword: GOOD, mfa: false }, "REAUTH_REQUIRED");
  });

  it("refuses without a session (UNAUTHENTICATED)", async () => {
    await expectRefused({}, { newPassword: GOOD, signedOut: true }, "UNAUTHENTICATED");
  });

  it("refuses 7 characters, even when they take 14 UTF-16 units (PASSWORD_REJECTED, 400)", async () => {
    const error = await expectRefused({}, { newPassword: "🍐🍋🍊🍎🍏🍒🍓" }, "PASSWORD_REJECTED", /at least 8 characters/);
    expect(error.status).toBe(400);
    await expectRefused({}, { newPassword: "short" }, "PASSWORD_REJECTED", /at least 8 characters/);
    await expectRefused({}, { newPassword: "" }, "PASSWORD_REJECTED", /at least 8 characters/);
  });

  it("counts after NFKC: 4 ligatures ﬃ are 12 characters, 7 full-width letters stay 7", async () => {
    // "ﬃ" (one code point) normalises to "ffi" (three): accepted as 12 characters.
    const user = await makeUser();
    await setUserPassword({ user: signedIn(user), currentSessionId: undefined, newPassword: "ﬃﬃﬃﬃ", ctx: testCtx });
    expect(await verifyPassword(await storedHash(user.id), "ffiffiffiffi")).toBe(true);
    await expectRefused({}, { newPassword: "ｐｌｕｍｔｒｅ" }, "PASSWORD_REJECTED", /at least 8 characters/);
  });

  it("refuses more than 256 characters", async () => {
    await expectRefused({}, { newPassword: "q".repeat(257) }, "PASSWORD_REJECTED", /at most 256 characters/);
  });

  it.each(["password", "PASSWORD", "Baseball", "iloveyou", "sunshine", "qwertyui", "12345678"])(
    "refuses a password on the common-passwords list, whatever its case (%s)",
    async (common) => {
      await expectRefused({}, { newPassword: common }, "PASSWORD_REJECTED", /most common passwords/);
    },
  );

  it("refuses the user's email address or its local part, in any case", async () => {
    const email = `walter.plum.${Date.now()}@example.test`;
    await expectRefused({ email }, { newPassword: email.toUpperCase() }, "PASSWORD_REJECTED", /email address/);
    await expectRefused({ email: `x${email}` }, { newPassword: `X${email.split("@")[0]}` }, "PASSWORD_REJECTED", /email address/);
  });

  it("changes nothing when the audit row cannot be written (one transaction)", async () => {
    const user = await makeUser();
    await givePassword(user.id, "the old password here");
    const current = await createUserSession(user.id);
    await createUserSession(user.id);
    const before = await methodsSnapshot(user.id);
    const restore = await refuseAuditInserts("password.set", user.id);
    try {
      await expect(
        setUserPassword({ user: signedIn(user), currentSessionId: current, newPassword: GOOD, ctx: testCtx }),
      ).rejects.toThrow(/audit insert refused by test/);
    } finally {
      await restore();
    }
    expect(await methodsSnapshot(user.id)).toEqual(before);
  });
});
