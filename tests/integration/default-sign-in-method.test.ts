// The default sign-in method and the "last way to sign in" rule with password + authenticator app.
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import { deleteUserPasskey } from "@/server/methods/delete-user-passkey";
import { getSecurityInfo } from "@/server/methods/get-security-info";
import { setDefaultSignInMethod } from "@/server/methods/set-default-sign-in-method";
import { startAuthenticatorAppSetup } from "@/server/authenticator-app/start-authenticator-app-setup";
import { giveAuthenticatorApp, givePassword } from "../fixtures/credentials";
import { makeUser, signedIn, testCtx } from "../fixtures/factories";
import { refuseAuditInserts } from "./db-helpers";
import { methodsSnapshot } from "./methods-helpers";
import { expectOneSuccessAudit, passkeyCount, registerPasskey, rejectsWith } from "./webauthn-helpers";

async function userWith(methods: { passkey?: boolean; password?: boolean; app?: boolean }) {
  const user = await makeUser();
  const passkey = methods.passkey ? await registerPasskey(user) : null;
  if (methods.password) await givePassword(user.id);
  if (methods.app) await giveAuthenticatorApp(user.id);
  return { user, passkey };
}

describe("setDefaultSignInMethod", () => {
  it("sets passkey, then password + app, auditing each change with from and to", async () => {
    const { user } = await userWith({ passkey: true, password: true, app: true });
    expect(await setDefaultSignInMethod({ userId: user.id, method: "passkey", ctx: testCtx })).toEqual({ defaultSignInMethod: "passkey" });
    await expectOneSuccessAudit(user.id, "default_sign_in_method.changed", { from: null, to: "passkey" });
    await setDefaultSignInMethod({ userId: user.id, method: "password", ctx: testCtx });
    expect((await methodsSnapshot(user.id)).user.defaultSignInMethod).toBe("password");
    expect((await getSecurityInfo(user.id))?.methods.defaultSignInMethod).toBe("password");
  });

  it.each([
    ["passkey", { password: true, app: true }],
    ["password", { passkey: true }],
    ["password", { passkey: true, password: true }],
    ["password", { passkey: true, app: true }],
  ] as const)("refuses %s for a user who lacks it (METHOD_NOT_REGISTERED, 409) and changes nothing (%o)", async (method, has) => {
    const { user } = await userWith(has);
    const before = await methodsSnapshot(user.id);
    const error = await rejectsWith(setDefaultSignInMethod({ userId: user.id, method, ctx: testCtx }), "METHOD_NOT_REGISTERED");
    expect(error.status).toBe(409);
    expect(await methodsSnapshot(user.id)).toEqual(before);
  });

  it("does not count an unfinished authenticator-app setup", async () => {
    const { user } = await userWith({ passkey: true, password: true });
    await startAuthenticatorAppSetup({ user: signedIn(user) });
    await rejectsWith(setDefaultSignInMethod({ userId: user.id, method: "password", ctx: testCtx }), "METHOD_NOT_REGISTERED");
  });

  it("keeps the old default when the audit row cannot be written (one transaction)", async () => {
    const { user } = await userWith({ passkey: true });
    const before = await methodsSnapshot(user.id);
    const restore = await refuseAuditInserts("default_sign_in_method.changed", user.id);
    try {
      await expect(setDefaultSignInMethod({ userId: user.id, method: "passkey", ctx: testCtx })).rejects.toThrow(/audit insert refused/);
    } finally {
      await restore();
    }
    expect(await methodsSnapshot(user.id)).toEqual(before);
  });
});

describe("deleting the last passkey", () => {
  it("needs no confirmation when password + authenticator app remain a way in", async () => {
    const { user, passkey } = await userWith({ passkey: true, password: true, app: true });
    await deleteUserPasskey({ user: signedIn(user), passkeyId: passkey!.passkeyId, ctx: testCtx });
    expect(await passkeyCount(user.id)).toBe(0);
  });

  it.each([
    ["a password alone", { password: true }],
    ["an authenticator app alone", { app: true }],
  ] as const)("still needs the confirmation with %s (LAST_SIGN_IN_METHOD)", async (_label, has) => {
    const { user, passkey } = await userWith({ passkey: true, ...has });
    const before = await methodsSnapshot(user.id);
    await rejectsWith(deleteUserPasskey({ user: signedIn(user), passkeyId: passkey!.passkeyId, ctx: testCtx }), "LAST_SIGN_IN_METHOD");
    expect(await methodsSnapshot(user.id)).toEqual(before);
  });

  it("clears a default of passkey with the last passkey, in the same transaction", async () => {
    const { user, passkey } = await userWith({ passkey: true, password: true, app: true });
    await setDefaultSignInMethod({ userId: user.id, method: "passkey", ctx: testCtx });
    await deleteUserPasskey({ user: signedIn(user), passkeyId: passkey!.passkeyId, ctx: testCtx });
    expect((await methodsSnapshot(user.id)).user.defaultSignInMethod).toBeNull();
  });

  it("keeps a default of passkey while another passkey remains, and a default of password", async () => {
    const { user, passkey } = await userWith({ passkey: true, password: true, app: true });
    await registerPasskey(user);
    await setDefaultSignInMethod({ userId: user.id, method: "passkey", ctx: testCtx });
    await deleteUserPasskey({ user: signedIn(user), passkeyId: passkey!.passkeyId, ctx: testCtx });
    expect((await methodsSnapshot(user.id)).user.defaultSignInMethod).toBe("passkey");

    const other = await userWith({ passkey: true, password: true, app: true });
    await setDefaultSignInMethod({ userId: other.user.id, method: "password", ctx: testCtx });
    await deleteUserPasskey({ user: signedIn(other.user), passkeyId: other.passkey!.passkeyId, ctx: testCtx });
    expect((await methodsSnapshot(other.user.id)).user.defaultSignInMethod).toBe("password");
  });

  it("keeps the default when the delete's audit row cannot be written", async () => {
    const { user, passkey } = await userWith({ passkey: true, password: true, app: true });
    await setDefaultSignInMethod({ userId: user.id, method: "passkey", ctx: testCtx });
    const before = await methodsSnapshot(user.id);
    const restore = await refuseAuditInserts("passkey.deleted", user.id);
    try {
      await expect(deleteUserPasskey({ user: signedIn(user), passkeyId: passkey!.passkeyId, ctx: testCtx })).rejects.toThrow(/audit insert refused/);
    } finally {
      await restore();
    }
    expect(await methodsSnapshot(user.id)).toEqual(before);
  });
});

describe("getSecurityInfo: other methods", () => {
  it("lists no password, no app and no default for a new user", async () => {
    const user = await makeUser();
    expect((await getSecurityInfo(user.id))?.methods).toEqual({ password: null, authenticatorApp: null, defaultSignInMethod: null });
  });

  it("lists the password's change date and the confirmed app's date, never a pending setup", async () => {
    const { user } = await userWith({ password: true });
    await startAuthenticatorAppSetup({ user: signedIn(user) });
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect((await getSecurityInfo(user.id))?.methods).toEqual({
      password: { changedAt: row.passwordChangedAt!.toISOString() },
      authenticatorApp: null,
      defaultSignInMethod: null,
    });
    await getDb().authenticatorApp.deleteMany({ where: { userId: user.id } });
    await giveAuthenticatorApp(user.id);
    const app = await getDb().authenticatorApp.findUniqueOrThrow({ where: { userId: user.id } });
    expect((await getSecurityInfo(user.id))?.methods.authenticatorApp).toEqual({ addedAt: app.confirmedAt!.toISOString() });
  });
});
