// Every passkey policy rule at registration (options and verification) and at sign-in, with the
// software authenticator; a refusal stores nothing, changes nothing and is audited with its rule.
import { afterEach, describe, expect, it } from "vitest";
import type { SoftAuthenticatorOptions } from "../fixtures/soft-authenticator";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import { restoreDefaultPasskeyPolicy, setPasskeyPolicy } from "../fixtures/admin-policy";
import { makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import { getDb } from "@/server/db";
import { listUserPasskeys } from "@/server/methods/list-user-passkeys";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyAuthentication } from "@/server/webauthn/verify-authentication";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import type { UserProfile } from "@/server/users";
import { auditEvents, auditEventsForCredential, passkeyCount, passkeyRow, registerPasskey, rejectsWith, TEST_ORIGIN } from "./webauthn-helpers";

const VIRTUAL = "01020304-0506-0708-0102-030405060708";
const OTHER = "ee882879-721c-4913-9775-3dfcce97072a";

afterEach(restoreDefaultPasskeyPolicy);

async function challengeCount() {
  return getDb().challenge.count();
}

/** Registers a passkey from an authenticator with these options; returns the refusal, if any. */
async function attemptRegistration(user: UserProfile, options: SoftAuthenticatorOptions = {}) {
  const session = signedIn(user);
  const binding = newBinding();
  const creation = await createRegistrationOptions({ user: session, binding });
  const response = new SoftAuthenticator(options).createCredential({ options: creation, origin: TEST_ORIGIN });
  return { creation, response, run: () => verifyRegistration({ response, user: session, binding, ctx: testCtx }) };
}

/** Signs in with an already registered passkey; the promise of the verification. */
async function attemptSignIn(user: UserProfile, authenticator: SoftAuthenticator) {
  const binding = newBinding();
  const options = await createAuthenticationOptions({ email: user.email, binding });
  const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
  return verifyAuthentication({ response, binding, ctx: testCtx });
}

async function signInState(credentialId: string, userId: string) {
  const row = await passkeyRow(credentialId);
  const owner = await getDb().user.findUniqueOrThrow({ where: { id: userId }, select: { lastSignInAt: true } });
  return { counter: row?.counter, lastUsedAt: row?.lastUsedAt, lastSignInAt: owner.lastSignInAt };
}

describe("registration under the passkey policy", () => {
  it.each([
    ["passkeys are off", { enabled: false }, /turned passkeys off/],
    ["self-service setup is off", { selfServiceSetup: false }, /doesn't let you add passkeys yourself/],
  ])("refuses options when %s (PASSKEYS_DISABLED) and stores no challenge", async (_name, change, message) => {
    const user = await makeUser();
    await setPasskeyPolicy(change);
    const challenges = await challengeCount();
    const error = await rejectsWith(createRegistrationOptions({ user: signedIn(user), binding: newBinding() }), "PASSKEYS_DISABLED");
    expect(error.message).toMatch(message);
    expect(await challengeCount()).toBe(challenges);
  });

  it("refuses options to a user a 'selected' policy does not list, and gives them to one it lists", async () => {
    const [outside, inside] = [await makeUser(), await makeUser()];
    await setPasskeyPolicy({ target: "selected", targetUserIds: [inside.id] });
    const error = await rejectsWith(createRegistrationOptions({ user: signedIn(outside), binding: newBinding() }), "PASSKEYS_DISABLED");
    expect(error.message).toMatch(/doesn't include your account/);
    await expect(createRegistrationOptions({ user: signedIn(inside), binding: newBinding() })).resolves.toBeDefined();
  });

  it("refuses the verification when passkeys were turned off after the options, storing nothing", async () => {
    const user = await makeUser();
    const { run } = await attemptRegistration(user);
    await setPasskeyPolicy({ enabled: false });
    await rejectsWith(run(), "PASSKEYS_DISABLED");
    expect(await passkeyCount(user.id)).toBe(0);
    expect(await auditEvents(user.id, { type: "passkey.registration", outcome: "failure" })).toHaveLength(1);
  });

  it("refuses a synced passkey when only device-bound ones are allowed, and accepts a device-bound one", async () => {
    const user = await makeUser();
    await setPasskeyPolicy({ syncedAllowed: false });
    const synced = await attemptRegistration(user, { backupEligible: true });
    expect(synced.creation.hints).toEqual(["security-key"]);
    const error = await rejectsWith(synced.run(), "PASSKEY_NOT_ALLOWED");
    expect(error.message).toMatch(/allows only device-bound passkeys, such as a security key/);
    expect(await passkeyCount(user.id)).toBe(0);
    const [audit] = await auditEventsForCredential(synced.response.id, { outcome: "failure" });
    expect(audit?.details).toMatchObject({ reason: "PASSKEY_NOT_ALLOWED", rule: "syncedNotAllowed" });

    const bound = await attemptRegistration(user, { backupEligible: false });
    await bound.run();
    expect(await passkeyCount(user.id)).toBe(1);
  });

  it("refuses a blocked AAGUID and accepts any other", async () => {
    const user = await makeUser();
    await setPasskeyPolicy({ keyRestriction: "block", aaguids: [VIRTUAL] });
    const blocked = await attemptRegistration(user, { aaguid: VIRTUAL });
    const error = await rejectsWith(blocked.run(), "PASSKEY_NOT_ALLOWED");
    expect(error.message).toMatch(/blocked passkeys from this provider/);
    expect(await passkeyCount(user.id)).toBe(0);
    await (await attemptRegistration(user, { aaguid: OTHER })).run();
    expect(await passkeyCount(user.id)).toBe(1);
  });

  it("accepts only listed AAGUIDs under an allow list", async () => {
    const user = await makeUser();
    await setPasskeyPolicy({ keyRestriction: "allow", aaguids: [OTHER] });
    const error = await rejectsWith((await attemptRegistration(user, { aaguid: VIRTUAL })).run(), "PASSKEY_NOT_ALLOWED");
    expect(error.message).toMatch(/only from approved providers/);
    expect(await passkeyCount(user.id)).toBe(0);
    await (await attemptRegistration(user, { aaguid: OTHER })).run();
    expect(await passkeyCount(user.id)).toBe(1);
  });

  it("asks for and requires user verification when the policy requires it", async () => {
    const user = await makeUser();
    await setPasskeyPolicy({ userVerification: "required" });
    const attempt = await attemptRegistration(user, { userVerified: false });
    expect(attempt.creation.authenticatorSelection?.userVerification).toBe("required");
    await rejectsWith(attempt.run(), "REGISTRATION_FAILED");
    expect(await passkeyCount(user.id)).toBe(0);
    await (await attemptRegistration(user, { userVerified: true })).run();
    expect(await passkeyCount(user.id)).toBe(1);
  });

  it("applies the policy's maximum number of passkeys", async () => {
    const user = await makeUser();
    await setPasskeyPolicy({ maxPasskeys: 1 });
    await registerPasskey(user);
    await rejectsWith(createRegistrationOptions({ user: signedIn(user), binding: newBinding() }), "PASSKEY_LIMIT_REACHED");
    expect(await passkeyCount(user.id)).toBe(1);
  });
});

describe("sign-in under the passkey policy", () => {
  it.each([
    ["passkeys are off", {}, { enabled: false }, "disabled", /turned passkeys off/],
    ["the passkey is synced and only device-bound ones are allowed", { backupEligible: true }, { syncedAllowed: false }, "syncedNotAllowed", /only device-bound passkeys/],
    ["its AAGUID is blocked", { aaguid: VIRTUAL }, { keyRestriction: "block" as const, aaguids: [VIRTUAL] }, "aaguidBlocked", /blocked passkeys from this provider/],
    ["its AAGUID is not on the allow list", { aaguid: VIRTUAL }, { keyRestriction: "allow" as const, aaguids: [OTHER] }, "aaguidNotAllowed", /approved providers/],
  ])("refuses a passkey when %s (PASSKEY_NOT_ALLOWED), changes nothing and audits the rule", async (_name, authOptions, change, rule, message) => {
    const user = await makeUser();
    const authenticator = new SoftAuthenticator(authOptions);
    const { credentialId } = await registerPasskey(user, authenticator);
    await setPasskeyPolicy(change);
    const before = await signInState(credentialId, user.id);

    const error = await rejectsWith(attemptSignIn(user, authenticator), "PASSKEY_NOT_ALLOWED");
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/Sign in another way/);
    expect(await signInState(credentialId, user.id)).toEqual(before);
    const failures = await auditEventsForCredential(credentialId, { outcome: "failure" });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.details).toMatchObject({ reason: "PASSKEY_NOT_ALLOWED", rule });

    await restoreDefaultPasskeyPolicy();
    await expect(attemptSignIn(user, authenticator)).resolves.toMatchObject({ user: { id: user.id } });
  });

  it("refuses a user a 'selected' policy does not list, and signs in one it lists", async () => {
    const [outside, inside] = [await makeUser(), await makeUser()];
    const outsideKey = (await registerPasskey(outside)).authenticator;
    const insideKey = (await registerPasskey(inside)).authenticator;
    await setPasskeyPolicy({ target: "selected", targetUserIds: [inside.id] });
    const error = await rejectsWith(attemptSignIn(outside, outsideKey), "PASSKEY_NOT_ALLOWED");
    expect(error.message).toMatch(/doesn't include your account/);
    await expect(attemptSignIn(inside, insideKey)).resolves.toMatchObject({ user: { id: inside.id } });
  });

  it("asks for and requires user verification at sign-in when the policy requires it", async () => {
    const user = await makeUser();
    const authenticator = new SoftAuthenticator({ userVerified: false });
    const { credentialId } = await registerPasskey(user, authenticator);
    await setPasskeyPolicy({ userVerification: "required" });
    const before = await signInState(credentialId, user.id);
    const binding = newBinding();
    const options = await createAuthenticationOptions({ email: user.email, binding });
    expect(options.userVerification).toBe("required");
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    expect(await signInState(credentialId, user.id)).toEqual(before);
  });

  it("marks a passkey the policy no longer allows in the user's list", async () => {
    const user = await makeUser();
    await registerPasskey(user, new SoftAuthenticator({ aaguid: VIRTUAL }));
    await registerPasskey(user, new SoftAuthenticator({ aaguid: OTHER }));
    await setPasskeyPolicy({ keyRestriction: "block", aaguids: [VIRTUAL] });
    const list = await listUserPasskeys(user.id);
    const byAaguid = Object.fromEntries(list.map((p) => [p.aaguid, p.policy]));
    expect(byAaguid[VIRTUAL]).toMatchObject({ allowed: false, rule: "aaguidBlocked" });
    expect(byAaguid[OTHER]).toEqual({ allowed: true, rule: null, message: null });
  });
});
