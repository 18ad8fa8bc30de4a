// What a session is worth (docs/decisions/013-what-a-session-is-worth.md): a passkey assertion is
// multifactor only with user verification; a session stands on the passkey that started it; a
// ceremony run inside a frame is refused.
import { describe, expect, it } from "vitest";
import { requireAdmin } from "@/server/admin/admin-access";
import { deletePasskeyAsAdmin } from "@/server/admin/users/delete-passkey-as-admin";
import { requireReregistration } from "@/server/admin/users/require-reregistration";
import { startAuthenticatorAppSetup } from "@/server/authenticator-app/start-authenticator-app-setup";
import { getDb } from "@/server/db";
import { deleteUserPasskey } from "@/server/methods/delete-user-passkey";
import { setUserPassword } from "@/server/password/set-user-password";
import type { SignedInUser } from "@/server/session";
import { signInAssurance } from "@/server/sign-in/sign-in-assurance";
import { createUserSession } from "@/server/sessions/user-sessions";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyAuthentication, type PasskeySignIn } from "@/server/webauthn/verify-authentication";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import type { UserProfile } from "@/server/users";
import { countRows, makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import { SoftAuthenticator, type AssertionOverrides } from "../fixtures/soft-authenticator";
import { auditEvents, passkeyRow, registerPasskey, rejectsWith, TEST_ORIGIN } from "./webauthn-helpers";

/** A usernameless passkey sign-in through the product's functions. */
async function passkeySignIn(authenticator: SoftAuthenticator, overrides: AssertionOverrides = {}): Promise<PasskeySignIn> {
  const binding = newBinding();
  const options = await createAuthenticationOptions({ binding });
  const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides });
  return verifyAuthentication({ response, binding, ctx: testCtx });
}

/** The session the sign-in route would put in the cookie for that sign-in. */
function sessionOf(signIn: PasskeySignIn): SignedInUser {
  const { methods, mfa } = signInAssurance(signIn.proof);
  return { userId: signIn.user.id, methods, mfa, authTime: Date.now() };
}

async function userWithPasskey(role: "user" | "admin" = "user") {
  const user = await makeUser({ role });
  const authenticator = new SoftAuthenticator();
  const { credentialId, passkeyId } = await registerPasskey(user, authenticator);
  return { user, authenticator, credentialId, passkeyId };
}

async function sessionRow(id: string) {
  return getDb().userSession.findUnique({ where: { id }, select: { id: true, passkeyId: true } });
}

describe("a passkey sign-in is multifactor only with user verification", () => {
  it("UP without UV signs in, single-factor: no step-up passes and no administration is reached", async () => {
    const { user, authenticator, passkeyId } = await userWithPasskey("admin");
    const signIn = await passkeySignIn(authenticator, { userVerified: false });
    expect(signIn.user.id).toBe(user.id);
    expect(signIn.proof).toEqual({ method: "passkey", passkeyId, userVerified: false });
    const session = sessionOf(signIn);
    expect(session).toMatchObject({ methods: ["passkey"], mfa: false });

    const before = await countRows();
    await rejectsWith(createRegistrationOptions({ user: session, binding: newBinding() }), "REAUTH_REQUIRED");
    await rejectsWith(startAuthenticatorAppSetup({ user: session }), "REAUTH_REQUIRED");
    await rejectsWith(
      setUserPassword({ user: session, currentSessionId: signIn.sessionId, newPassword: "a long unusual passphrase 42", ctx: testCtx }),
      "REAUTH_REQUIRED",
    );
    await rejectsWith(deleteUserPasskey({ user: session, passkeyId, confirmNoSignInMethod: true, ctx: testCtx }), "REAUTH_REQUIRED");
    await rejectsWith(requireAdmin(session), "MULTIFACTOR_REQUIRED");
    expect(await countRows()).toEqual(before);
  });

  it("UP + UV signs in multifactor: the same step-ups and administration pass", async () => {
    const { user, authenticator } = await userWithPasskey("admin");
    const signIn = await passkeySignIn(authenticator, { userVerified: true });
    const session = sessionOf(signIn);
    expect(session).toMatchObject({ methods: ["passkey"], mfa: true });

    expect((await createRegistrationOptions({ user: session, binding: newBinding() })).challenge).toEqual(expect.any(String));
    expect((await startAuthenticatorAppSetup({ user: session })).secret).toEqual(expect.any(String));
    await setUserPassword({ user: session, currentSessionId: signIn.sessionId, newPassword: "a long unusual passphrase 42", ctx: testCtx });
    expect((await requireAdmin(session)).userId).toBe(user.id);
  });

  it("records whether a passkey has ever verified its user, and never forgets it", async () => {
    const user = await makeUser();
    const authenticator = new SoftAuthenticator({ userVerified: false });
    const { credentialId } = await registerPasskey(user, authenticator);
    expect((await passkeyRow(credentialId))?.userVerified).toBe(false);

    await passkeySignIn(authenticator, { userVerified: false });
    expect((await passkeyRow(credentialId))?.userVerified).toBe(false);
    await passkeySignIn(authenticator, { userVerified: true });
    expect((await passkeyRow(credentialId))?.userVerified).toBe(true);
    await passkeySignIn(authenticator, { userVerified: false });
    expect((await passkeyRow(credentialId))?.userVerified).toBe(true);
  });

  it("decides every method's worth in one table", () => {
    expect(signInAssurance({ method: "passkey", passkeyId: "p", userVerified: true })).toEqual({ methods: ["passkey"], mfa: true, passkeyId: "p" });
    expect(signInAssurance({ method: "passkey", passkeyId: "p", userVerified: false })).toEqual({ methods: ["passkey"], mfa: false, passkeyId: "p" });
    expect(signInAssurance({ method: "tap" })).toEqual({ methods: ["tap"], mfa: true, passkeyId: null });
    expect(signInAssurance({ method: "password" })).toEqual({ methods: ["password"], mfa: false, passkeyId: null });
    expect(signInAssurance({ method: "password_totp" })).toEqual({ methods: ["password", "totp"], mfa: true, passkeyId: null });
  });
});

describe("a session follows the passkey it was signed in with", () => {
  /** A passkey sign-in on one device, and a TAP-strength session on another that does the deleting. */
  async function signedInTwice(role: "user" | "admin" = "user") {
    const setup = await userWithPasskey(role);
    // A second passkey, so deleting the first is not deleting the last way to sign in.
    await registerPasskey(setup.user, new SoftAuthenticator(), "Spare");
    const signIn = await passkeySignIn(setup.authenticator);
    expect(await sessionRow(signIn.sessionId)).toEqual({ id: signIn.sessionId, passkeyId: setup.passkeyId });
    const other = await createUserSession(setup.user.id);
    return { ...setup, signIn, other };
  }

  it("deleting the passkey ends the sessions it started, and only those", async () => {
    const { user, passkeyId, signIn, other } = await signedInTwice();
    await deleteUserPasskey({ user: signedIn(user), passkeyId, ctx: testCtx });
    expect(await sessionRow(signIn.sessionId)).toBeNull();
    expect(await sessionRow(other)).toEqual({ id: other, passkeyId: null });
  });

  it("tells the deleting browser when its own session stood on that passkey", async () => {
    const { user, passkeyId, signIn } = await signedInTwice();
    const session = sessionOf(signIn);
    const result = await deleteUserPasskey({ user: session, passkeyId, currentSessionId: signIn.sessionId, ctx: testCtx });
    expect(result).toMatchObject({ deleted: { id: passkeyId }, signedOut: true });
    expect(await sessionRow(signIn.sessionId)).toBeNull();
    const [audit] = await auditEvents(user.id, { type: "passkey.deleted" });
    expect(audit?.details).toMatchObject({ passkeyId, sessionsEnded: 1 });
  });

  it("an administrator deleting the passkey ends its sessions", async () => {
    const { user, passkeyId, signIn, other } = await signedInTwice();
    const admin = await makeUser({ role: "admin" });
    await deletePasskeyAsAdmin({ adminId: admin.id, userId: user.id, passkeyId, ctx: testCtx });
    expect(await sessionRow(signIn.sessionId)).toBeNull();
    expect(await sessionRow(other)).not.toBeNull();
  });

  it("requiring re-registration ends every session signed in with a passkey", async () => {
    const { user, signIn, other } = await signedInTwice();
    const admin = await makeUser({ role: "admin" });
    await requireReregistration({ adminId: admin.id, userId: user.id, ctx: testCtx });
    expect(await sessionRow(signIn.sessionId)).toBeNull();
    expect(await sessionRow(other)).not.toBeNull();
  });
});

describe("a ceremony run inside a frame is refused (WebAuthn L3 §7.1, §7.2)", () => {
  const framed: Array<[string, Record<string, unknown>]> = [
    ["crossOrigin: true", { crossOrigin: true }],
    ["crossOrigin: true with a topOrigin", { crossOrigin: true, topOrigin: "https://evil.example" }],
    ["a topOrigin alone", { topOrigin: "https://evil.example" }],
    ["a topOrigin equal to our origin", { topOrigin: TEST_ORIGIN }],
  ];

  it.each(framed)("refuses a sign-in whose clientDataJSON has %s, signing nobody in", async (_label, clientData) => {
    const { user, authenticator, credentialId } = await userWithPasskey();
    const sessionsBefore = await getDb().userSession.count({ where: { userId: user.id } });
    await rejectsWith(passkeySignIn(authenticator, { clientData }), "AUTHENTICATION_FAILED");
    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(sessionsBefore);
    expect((await passkeyRow(credentialId))?.counter).toBe(0n);
    const failures = await auditEvents(user.id, { type: "passkey.authentication", outcome: "failure" });
    expect(failures.map((e) => (e.details as { reason: string }).reason)).toEqual([expect.stringMatching(/frame/)]);
  });

  it.each(framed)("refuses a registration whose clientDataJSON has %s, storing nothing", async (_label, clientData) => {
    const user: UserProfile = await makeUser();
    const session = signedIn(user);
    const binding = newBinding();
    const options = await createRegistrationOptions({ user: session, binding });
    const response = new SoftAuthenticator().createCredential({ options, origin: TEST_ORIGIN, overrides: { clientData } });
    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "REGISTRATION_FAILED");
    expect(await getDb().passkey.count({ where: { userId: user.id } })).toBe(0);
  });

  it("accepts crossOrigin: false, as every top-level page sends it", async () => {
    const { user, authenticator } = await userWithPasskey();
    expect((await passkeySignIn(authenticator, { clientData: { crossOrigin: false } })).user.id).toBe(user.id);
  });
});
