// Adding and removing an authenticator app: setup, confirmation and removal on the real database.
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import { confirmAuthenticatorApp } from "@/server/authenticator-app/confirm-authenticator-app";
import { consumeAuthenticatorCode } from "@/server/authenticator-app/consume-code";
import { removeAuthenticatorApp } from "@/server/authenticator-app/remove-authenticator-app";
import { startAuthenticatorAppSetup } from "@/server/authenticator-app/start-authenticator-app-setup";
import { totpCodeAt, totpStep, TOTP_PERIOD_SECONDS } from "@/server/authenticator-app/totp";
import { setDefaultSignInMethod } from "@/server/methods/set-default-sign-in-method";
import { issueTemporaryAccessPass } from "@/server/tap/issue-temporary-access-pass";
import { codeFor, giveAuthenticatorApp, givePassword } from "../fixtures/credentials";
import { makeUser, signedIn, testCtx } from "../fixtures/factories";
import { refuseAuditInserts } from "./db-helpers";
import { decodeShownSecret, methodsSnapshot, storedSecret } from "./methods-helpers";
import { auditEvents, expectOneSuccessAudit, registerPasskey, rejectsWith } from "./webauthn-helpers";

const ELEVEN_MINUTES = 11 * 60_000;
const STEP_MS = TOTP_PERIOD_SECONDS * 1000;

/** A user who started setting up an app; returns what the page showed and the stored secret. */
async function pendingApp() {
  const user = await makeUser();
  const setup = await startAuthenticatorAppSetup({ user: signedIn(user) });
  return { user, setup, secret: await storedSecret(user.id) };
}

async function auditTypes(userId: string) {
  return (await auditEvents(userId)).map((e) => e.type);
}

describe("startAuthenticatorAppSetup", () => {
  it("stores a new secret sealed and unconfirmed, and shows it once as text, otpauth URI and QR code", async () => {
    const { user, setup, secret } = await pendingApp();

    const row = await getDb().authenticatorApp.findUniqueOrThrow({ where: { userId: user.id } });
    expect(row).toMatchObject({ confirmedAt: null, lastUsedStep: null });
    expect(secret).toHaveLength(20);
    // Sealed at rest: the secret's bytes do not appear in the stored column.
    expect(Buffer.from(row.secretSealed).includes(secret)).toBe(false);
    expect(decodeShownSecret(setup.secret)).toEqual(secret);
    expect(setup.secret).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    const uri = new URL(setup.uri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe(`/Security Info:${user.email}`);
    expect(uri.searchParams.get("issuer")).toBe("Security Info");
    expect(uri.searchParams.get("secret")).toBe(setup.secret.replace(/ /g, ""));
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
    expect(uri.searchParams.get("algorithm")).toBe("SHA1");
    expect(setup).toMatchObject({ accountName: user.email, issuer: "Security Info" });
    expect(setup.qr).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(setup.qr.split(",")[1]!, "base64").toString("utf8")).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    // Starting a setup adds no method: nothing is audited until the app is confirmed.
    expect(await auditTypes(user.id)).toEqual([]);
  });

  it("replaces an unfinished setup with a new secret", async () => {
    const { user, secret } = await pendingApp();
    const again = await startAuthenticatorAppSetup({ user: signedIn(user) });
    const newSecret = await storedSecret(user.id);
    expect(newSecret).not.toEqual(secret);
    expect(decodeShownSecret(again.secret)).toEqual(newSecret);
    expect(await getDb().authenticatorApp.count({ where: { userId: user.id } })).toBe(1);
  });

  it("refuses a stale or single-factor sign-in (REAUTH_REQUIRED) and stores nothing", async () => {
    const user = await makeUser();
    await rejectsWith(startAuthenticatorAppSetup({ user: signedIn(user, ELEVEN_MINUTES) }), "REAUTH_REQUIRED");
    await rejectsWith(startAuthenticatorAppSetup({ user: signedIn(user, 0, false) }), "REAUTH_REQUIRED");
    await rejectsWith(startAuthenticatorAppSetup({ user: null }), "UNAUTHENTICATED");
    expect(await getDb().authenticatorApp.findUnique({ where: { userId: user.id } })).toBeNull();
  });

  it("refuses while a confirmed app exists (AUTHENTICATOR_APP_EXISTS, 409) and keeps it as it was", async () => {
    const user = await makeUser();
    await giveAuthenticatorApp(user.id);
    const before = await methodsSnapshot(user.id);
    const error = await rejectsWith(startAuthenticatorAppSetup({ user: signedIn(user) }), "AUTHENTICATOR_APP_EXISTS");
    expect(error.status).toBe(409);
    expect(await methodsSnapshot(user.id)).toEqual(before);
  });
});

describe("confirmAuthenticatorApp", () => {
  it("confirms with the current code, records its step as used and audits authenticator_app.added", async () => {
    const { user, setup, secret } = await pendingApp();
    const now = new Date();

    const result = await confirmAuthenticatorApp({ userId: user.id, code: totpCodeAt(secret, now.getTime()), ctx: testCtx, now });

    expect(result).toEqual({ authenticatorApp: { addedAt: now.toISOString() } });
    const row = await getDb().authenticatorApp.findUniqueOrThrow({ where: { userId: user.id } });
    expect(row.confirmedAt).toEqual(now);
    expect(row.lastUsedStep).toBe(BigInt(totpStep(now.getTime())));
    const event = await expectOneSuccessAudit(user.id, "authenticator_app.added", { authenticatorAppId: row.id });
    // The secret never reaches the audit log.
    const details = JSON.stringify(event.details);
    expect(details).not.toContain(secret.toString("hex"));
    expect(details).not.toContain(setup.secret.replace(/ /g, ""));
  });

  it("stops the confirming code from then signing in (single use)", async () => {
    const { user, secret } = await pendingApp();
    const now = new Date();
    const code = totpCodeAt(secret, now.getTime());
    await confirmAuthenticatorApp({ userId: user.id, code, ctx: testCtx, now });
    expect(await consumeAuthenticatorCode(null, user.id, code, now)).toBe("reused");
    expect(await consumeAuthenticatorCode(null, user.id, totpCodeAt(secret, now.getTime() + STEP_MS), now)).toBe("ok");
  });

  it.each([
    ["one step behind", -1],
    ["one step ahead", 1],
  ])("accepts a code %s (clock drift) and records that step", async (_label, offset) => {
    const { user, secret } = await pendingApp();
    const now = new Date();
    await confirmAuthenticatorApp({ userId: user.id, code: totpCodeAt(secret, now.getTime() + offset * STEP_MS), ctx: testCtx, now });
    const row = await getDb().authenticatorApp.findUniqueOrThrow({ where: { userId: user.id } });
    expect(row.lastUsedStep).toBe(BigInt(totpStep(now.getTime()) + offset));
  });

  it.each([
    ["two steps behind", (s: Buffer, t: number) => totpCodeAt(s, t - 2 * STEP_MS)],
    ["two steps ahead", (s: Buffer, t: number) => totpCodeAt(s, t + 2 * STEP_MS)],
    ["not six digits", () => "12345"],
    ["letters", () => "abcdef"],
    ["empty", () => ""],
    ["another secret's code", (_s: Buffer, t: number) => totpCodeAt(Buffer.alloc(20, 7), t)],
  ])("refuses a code that is %s (CODE_INVALID, 400) and stays unconfirmed", async (_label, codeOf) => {
    const { user, secret } = await pendingApp();
    const now = Date.now();
    const code = codeOf(secret, now);
    // A wrong code that happens to match the current one is not a refusal: skip that 1-in-a-million case.
    if (code === totpCodeAt(secret, now)) return;
    const before = await methodsSnapshot(user.id);
    const error = await rejectsWith(confirmAuthenticatorApp({ userId: user.id, code, ctx: testCtx, now: new Date(now) }), "CODE_INVALID");
    expect(error.status).toBe(400);
    expect(await methodsSnapshot(user.id)).toEqual(before);
  });

  it("refuses when no setup was started (AUTHENTICATOR_APP_NOT_FOUND) and creates nothing", async () => {
    const user = await makeUser();
    await rejectsWith(confirmAuthenticatorApp({ userId: user.id, code: "123456", ctx: testCtx }), "AUTHENTICATOR_APP_NOT_FOUND");
    expect(await getDb().authenticatorApp.findUnique({ where: { userId: user.id } })).toBeNull();
    expect(await auditTypes(user.id)).toEqual([]);
  });

  it("refuses to confirm an app twice (AUTHENTICATOR_APP_EXISTS) and changes nothing", async () => {
    const user = await makeUser();
    const secret = await giveAuthenticatorApp(user.id);
    const before = await methodsSnapshot(user.id);
    await rejectsWith(confirmAuthenticatorApp({ userId: user.id, code: codeFor(secret), ctx: testCtx }), "AUTHENTICATOR_APP_EXISTS");
    expect(await methodsSnapshot(user.id)).toEqual(before);
  });

  it("stays unconfirmed when the audit row cannot be written (one transaction)", async () => {
    const { user, secret } = await pendingApp();
    const before = await methodsSnapshot(user.id);
    const restore = await refuseAuditInserts("authenticator_app.added", user.id);
    try {
      await expect(confirmAuthenticatorApp({ userId: user.id, code: codeFor(secret), ctx: testCtx })).rejects.toThrow(/audit insert refused/);
    } finally {
      await restore();
    }
    expect(await methodsSnapshot(user.id)).toEqual(before);
  });
});

describe("removeAuthenticatorApp", () => {
  it("removes the app, audits authenticator_app.removed, and its codes stop working", async () => {
    const user = await makeUser();
    await givePassword(user.id);
    const secret = await giveAuthenticatorApp(user.id);
    await registerPasskey(user);

    const result = await removeAuthenticatorApp({ user: signedIn(user), ctx: testCtx });

    expect(result).toEqual({ removed: true, defaultSignInMethod: null });
    expect(await getDb().authenticatorApp.findUnique({ where: { userId: user.id } })).toBeNull();
    await expectOneSuccessAudit(user.id, "authenticator_app.removed");
    expect(await consumeAuthenticatorCode(null, user.id, codeFor(secret))).toBe("no-app");
  });

  it("clears a default of password + app in the same transaction, and keeps a default of passkey", async () => {
    const user = await makeUser();
    await givePassword(user.id);
    await giveAuthenticatorApp(user.id);
    await registerPasskey(user);
    await setDefaultSignInMethod({ userId: user.id, method: "password", ctx: testCtx });
    expect(await removeAuthenticatorApp({ user: signedIn(user), ctx: testCtx })).toEqual({ removed: true, defaultSignInMethod: null });
    expect((await methodsSnapshot(user.id)).user.defaultSignInMethod).toBeNull();

    const other = await makeUser();
    await givePassword(other.id);
    await giveAuthenticatorApp(other.id);
    await registerPasskey(other);
    await setDefaultSignInMethod({ userId: other.id, method: "passkey", ctx: testCtx });
    expect(await removeAuthenticatorApp({ user: signedIn(other), ctx: testCtx })).toEqual({ removed: true, defaultSignInMethod: "passkey" });
  });

  it("removes the app of a user without a password (the app alone is no way in)", async () => {
    const user = await makeUser();
    await giveAuthenticatorApp(user.id);
    await removeAuthenticatorApp({ user: signedIn(user), ctx: testCtx });
    expect(await getDb().authenticatorApp.count({ where: { userId: user.id } })).toBe(0);
  });

  it("removes it when a usable Temporary Access Pass remains", async () => {
    const user = await makeUser();
    await givePassword(user.id);
    await giveAuthenticatorApp(user.id);
    await issueTemporaryAccessPass({ userId: user.id, ctx: testCtx });
    await removeAuthenticatorApp({ user: signedIn(user), ctx: testCtx });
    expect(await getDb().authenticatorApp.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses when password + app is the last way in (LAST_SIGN_IN_METHOD, 409) and changes nothing", async () => {
    const user = await makeUser();
    await givePassword(user.id);
    await giveAuthenticatorApp(user.id);
    await setDefaultSignInMethod({ userId: user.id, method: "password", ctx: testCtx });
    const before = await methodsSnapshot(user.id);
    const error = await rejectsWith(removeAuthenticatorApp({ user: signedIn(user), ctx: testCtx }), "LAST_SIGN_IN_METHOD");
    expect(error.status).toBe(409);
    expect(await methodsSnapshot(user.id)).toEqual(before);
  });

  it("refuses a stale or single-factor sign-in (REAUTH_REQUIRED) and changes nothing", async () => {
    const user = await makeUser();
    await giveAuthenticatorApp(user.id);
    const before = await methodsSnapshot(user.id);
    await rejectsWith(removeAuthenticatorApp({ user: signedIn(user, ELEVEN_MINUTES), ctx: testCtx }), "REAUTH_REQUIRED");
    await rejectsWith(removeAuthenticatorApp({ user: signedIn(user, 0, false), ctx: testCtx }), "REAUTH_REQUIRED");
    await rejectsWith(removeAuthenticatorApp({ user: null, ctx: testCtx }), "UNAUTHENTICATED");
    expect(await methodsSnapshot(user.id)).toEqual(before);
  });

  it("refuses when there is no app, or only an unfinished setup (AUTHENTICATOR_APP_NOT_FOUND, 404)", async () => {
    const user = await makeUser();
    const error = await rejectsWith(removeAuthenticatorApp({ user: signedIn(user), ctx: testCtx }), "AUTHENTICATOR_APP_NOT_FOUND");
    expect(error.status).toBe(404);
    const { user: pending } = await pendingApp();
    const before = await methodsSnapshot(pending.id);
    await rejectsWith(removeAuthenticatorApp({ user: signedIn(pending), ctx: testCtx }), "AUTHENTICATOR_APP_NOT_FOUND");
    expect(await methodsSnapshot(pending.id)).toEqual(before);
  });

  it("keeps the app when the audit row cannot be written (one transaction)", async () => {
    const user = await makeUser();
    await giveAuthenticatorApp(user.id);
    const before = await methodsSnapshot(user.id);
    const restore = await refuseAuditInserts("authenticator_app.removed", user.id);
    try {
      await expect(removeAuthenticatorApp({ user: signedIn(user), ctx: testCtx })).rejects.toThrow(/audit insert refused/);
    } finally {
      await restore();
    }
    expect(await methodsSnapshot(user.id)).toEqual(before);
  });
});

describe("consumeAuthenticatorCode", () => {
  it("accepts a current code once: ok, then reused", async () => {
    const user = await makeUser();
    const secret = await giveAuthenticatorApp(user.id);
    const now = new Date();
    const code = codeFor(secret, now.getTime());
    expect(await consumeAuthenticatorCode(null, user.id, code, now)).toBe("ok");
    const row = await getDb().authenticatorApp.findUniqueOrThrow({ where: { userId: user.id } });
    expect(row.lastUsedStep).toBe(BigInt(totpStep(now.getTime())));
    expect(row.lastUsedAt).toEqual(now);
    expect(await consumeAuthenticatorCode(null, user.id, code, now)).toBe("reused");
  });

  it("refuses an older step's code once a newer one was used", async () => {
    const user = await makeUser();
    const secret = await giveAuthenticatorApp(user.id);
    const now = Date.now();
    expect(await consumeAuthenticatorCode(null, user.id, codeFor(secret, now + STEP_MS), new Date(now))).toBe("ok");
    expect(await consumeAuthenticatorCode(null, user.id, codeFor(secret, now), new Date(now))).toBe("reused");
    expect(await consumeAuthenticatorCode(null, user.id, codeFor(secret, now - STEP_MS), new Date(now))).toBe("reused");
  });

  it("answers wrong for a wrong code and no-app without a confirmed app", async () => {
    const user = await makeUser();
    const secret = await giveAuthenticatorApp(user.id);
    const now = Date.now();
    const wrong = codeFor(secret, now) === "000000" ? "111111" : "000000";
    expect(await consumeAuthenticatorCode(null, user.id, wrong, new Date(now))).toBe("wrong");
    const { user: pending, secret: pendingSecret } = await pendingApp();
    expect(await consumeAuthenticatorCode(null, pending.id, codeFor(pendingSecret, now), new Date(now))).toBe("no-app");
    expect(await consumeAuthenticatorCode(null, (await makeUser()).id, "123456")).toBe("no-app");
  });

  it("lets exactly one of two concurrent uses of the same code through", async () => {
    const user = await makeUser();
    const secret = await giveAuthenticatorApp(user.id);
    const now = new Date();
    const code = codeFor(secret, now.getTime());
    const results = await Promise.all([
      consumeAuthenticatorCode(null, user.id, code, now),
      consumeAuthenticatorCode(null, user.id, code, now),
      consumeAuthenticatorCode(null, user.id, code, now),
    ]);
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    expect(results.filter((r) => r === "reused")).toHaveLength(2);
  });
});
