// Passkey sign-in: createAuthenticationOptions + verifyAuthentication on the real database.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { getDb } from "@/server/db";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyAuthentication } from "@/server/webauthn/verify-authentication";
import type { UserProfile } from "@/server/users";
import { makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import { SoftAuthenticator, type SoftAuthenticatorOptions } from "../fixtures/soft-authenticator";
import {
  auditEvents,
  auditEventsForCredential,
  challengeRow,
  expectOneSuccessAudit,
  passkeyRow,
  registerPasskey,
  rejectsWith,
  TEST_ORIGIN,
} from "./webauthn-helpers";

/** A user with one registered passkey held by a soft authenticator. */
async function userWithPasskey(options?: SoftAuthenticatorOptions) {
  const user = await makeUser();
  const { credentialId, passkeyId, authenticator } = await registerPasskey(user, new SoftAuthenticator(options));
  return { user, credentialId, passkeyId, authenticator };
}

async function webauthnUserId(userId: string): Promise<string> {
  const row = await getDb().user.findUniqueOrThrow({ where: { id: userId }, select: { webauthnUserId: true } });
  return row.webauthnUserId;
}

async function lastSignInAt(userId: string): Promise<Date | null> {
  const row = await getDb().user.findUniqueOrThrow({ where: { id: userId }, select: { lastSignInAt: true } });
  return row.lastSignInAt;
}

/** What a refused sign-in must leave untouched. */
async function snapshot(credentialId: string, userId: string) {
  const row = await passkeyRow(credentialId);
  return {
    counter: row?.counter,
    backedUp: row?.backedUp,
    lastUsedAt: row?.lastUsedAt,
    lastUsedUserAgent: row?.lastUsedUserAgent,
    lastSignInAt: await lastSignInAt(userId),
    successes: (await auditEvents(userId, { type: "passkey.authentication", outcome: "success" })).length,
  };
}

async function expectUnchanged(credentialId: string, user: UserProfile, before: Awaited<ReturnType<typeof snapshot>>) {
  expect(await snapshot(credentialId, user.id)).toEqual(before);
}

/** Exactly one failure audit naming `credentialId`, with the given subject. */
async function expectFailureAudit(
  credentialId: string,
  subjectUserId: string | null,
  type = "passkey.authentication",
  reason?: string | RegExp,
) {
  const events = await auditEventsForCredential(credentialId, { outcome: "failure" });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ type, subjectUserId, ip: testCtx.ip, userAgent: testCtx.userAgent });
  if (reason !== undefined) {
    const details = events[0]!.details as { reason: string };
    if (typeof reason === "string") expect(details.reason).toBe(reason);
    else expect(details.reason).toMatch(reason);
  }
}

describe("authentication options", () => {
  it("lists only the named user's credentials in a username-first sign-in and ties the challenge to them", async () => {
    const { user, credentialId } = await userWithPasskey({ transports: ["usb", "nfc"] });
    const second = await registerPasskey(user);
    const other = await userWithPasskey();
    const binding = newBinding();

    const options = await createAuthenticationOptions({ binding, email: `  ${user.email.toUpperCase()} ` });

    const allowed = options.allowCredentials ?? [];
    expect(allowed.map((c) => c.id).sort()).toEqual([credentialId, second.credentialId].sort());
    expect(allowed.find((c) => c.id === credentialId)).toMatchObject({ type: "public-key", transports: ["usb", "nfc"] });
    expect(allowed.map((c) => c.id)).not.toContain(other.credentialId);
    expect(options.rpId).toBe("localhost");
    expect(options.userVerification).toBe("preferred");
    expect(await challengeRow(options.challenge)).toMatchObject({ purpose: "authentication", binding, userId: user.id });
  });

  it("offers no credentials in a usernameless sign-in and ties the challenge to nobody", async () => {
    await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(await challengeRow(options.challenge)).toMatchObject({ purpose: "authentication", binding, userId: null });
  });

  it("answers an unknown email like a usernameless sign-in (no account enumeration)", async () => {
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding, email: "nobody-here@example.test" });
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(await challengeRow(options.challenge)).toMatchObject({ userId: null });
  });

  it("asks for user verification when configured as required", async () => {
    process.env.WEBAUTHN_USER_VERIFICATION = "required";
    resetConfigForTests();
    const options = await createAuthenticationOptions({ binding: newBinding() });
    expect(options.userVerification).toBe("required");
  });

  it("cleans up expired challenges when new options are created", async () => {
    const stale = await createAuthenticationOptions({ binding: newBinding() });
    const live = await createAuthenticationOptions({ binding: newBinding() });
    await getDb().challenge.update({ where: { value: stale.challenge }, data: { expiresAt: new Date(Date.now() - 1000) } });

    const fresh = await createAuthenticationOptions({ binding: newBinding() });

    expect(await challengeRow(stale.challenge)).toBeNull();
    expect(await challengeRow(live.challenge)).not.toBeNull();
    expect(await challengeRow(fresh.challenge)).not.toBeNull();
    expect(await getDb().challenge.count({ where: { expiresAt: { lt: new Date() } } })).toBe(0);
  });
});

describe("authentication verification: success", () => {
  it("signs in username-first and records the use", async () => {
    const { user, credentialId, passkeyId, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding, email: user.email });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
    const before = new Date();

    const profile = await verifyAuthentication({ response, binding, ctx: testCtx });

    const { sessionId, signals, user: account, proof } = profile;
    expect(account).toEqual({ id: user.id, email: user.email, displayName: user.displayName, role: user.role });
    expect(proof).toEqual({ method: "passkey", passkeyId, userVerified: true });
    // The sign-in started its session in the same statement: a live row for this user.
    const session = await getDb().userSession.findUnique({ where: { id: sessionId } });
    expect(session?.userId).toBe(user.id);
    expect(session!.expiresAt.getTime()).toBeGreaterThan(Date.now());
    // And what the browser is told the account's passkeys are now (WebAuthn signals).
    expect(signals).toMatchObject({ rpId: "localhost", userName: user.email, displayName: user.displayName, acceptedCredentialIds: [credentialId] });
    const row = await passkeyRow(credentialId);
    expect(row).toMatchObject({ counter: 1n, backedUp: false, lastUsedUserAgent: testCtx.userAgent });
    expect(row!.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect((await lastSignInAt(user.id))!.getTime()).toBe(row!.lastUsedAt!.getTime());

    await expectOneSuccessAudit(user.id, "passkey.authentication", { passkeyId, userVerified: true });
    expect(await challengeRow(options.challenge)).toBeNull();
  });

  it("signs in usernameless with a discoverable credential", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });

    expect((await verifyAuthentication({ response, binding, ctx: testCtx })).user.id).toBe(user.id);
    expect((await passkeyRow(credentialId))?.counter).toBe(1n);
  });

  it("moves the counter forward on every sign-in", async () => {
    const { credentialId, authenticator } = await userWithPasskey({ counterIncrement: 7 });
    for (const expected of [7n, 14n]) {
      const binding = newBinding();
      const options = await createAuthenticationOptions({ binding });
      await verifyAuthentication({ response: authenticator.getAssertion({ options, origin: TEST_ORIGIN }), binding, ctx: testCtx });
      expect((await passkeyRow(credentialId))?.counter).toBe(expected);
    }
  });

  it("updates the backed-up state the authenticator reports", async () => {
    const { credentialId, authenticator } = await userWithPasskey({ backupEligible: true, backupState: false });
    expect((await passkeyRow(credentialId))?.backedUp).toBe(false);

    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides: { backupState: true } });
    await verifyAuthentication({ response, binding, ctx: testCtx });
    expect(await passkeyRow(credentialId)).toMatchObject({ backedUp: true, deviceType: "multiDevice" });
  });

  it("accepts a synced passkey whose counter stays 0 forever", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey({ counterIncrement: 0, backupEligible: true, backupState: true });
    for (let i = 0; i < 2; i++) {
      const binding = newBinding();
      const options = await createAuthenticationOptions({ binding, email: user.email });
      const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
      expect((await verifyAuthentication({ response, binding, ctx: testCtx })).user.id).toBe(user.id);
    }
    expect((await passkeyRow(credentialId))?.counter).toBe(0n);
    expect(await auditEvents(user.id, { type: "passkey.authentication", outcome: "success" })).toHaveLength(2);
  });

  it("accepts an assertion without user verification when verification is only preferred", async () => {
    const { user, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides: { userVerified: false } });
    expect((await verifyAuthentication({ response, binding, ctx: testCtx })).user.id).toBe(user.id);
    const [event] = await auditEvents(user.id, { type: "passkey.authentication", outcome: "success" });
    expect(event?.details).toMatchObject({ userVerified: false });
  });
});

describe("authentication verification: refusals", () => {
  it("refuses a replayed response (CHALLENGE_INVALID) and does not count it twice", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
    await verifyAuthentication({ response, binding, ctx: testCtx });
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "CHALLENGE_INVALID");
    await expectUnchanged(credentialId, user, before);
    await expectFailureAudit(credentialId, null, "passkey.authentication", "CHALLENGE_INVALID");
  });

  it("refuses an expired challenge (CHALLENGE_EXPIRED)", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding, email: user.email });
    await getDb().challenge.update({ where: { value: options.challenge }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "CHALLENGE_EXPIRED");
    await expectUnchanged(credentialId, user, before);
    await expectFailureAudit(credentialId, null, "passkey.authentication", "CHALLENGE_EXPIRED");
    expect(await challengeRow(options.challenge)).toBeNull();
  });

  it("refuses a challenge minted for another browser session (CHALLENGE_INVALID) and leaves it alone", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const options = await createAuthenticationOptions({ binding: newBinding() });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding: newBinding(), ctx: testCtx }), "CHALLENGE_INVALID");
    await rejectsWith(verifyAuthentication({ response, binding: undefined, ctx: testCtx }), "CHALLENGE_INVALID");
    await expectUnchanged(credentialId, user, before);
    expect(await auditEventsForCredential(credentialId, { outcome: "failure" })).toHaveLength(2);
    expect(await challengeRow(options.challenge)).not.toBeNull();
  });

  it("refuses a registration challenge used for sign-in (CHALLENGE_INVALID)", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const registration = await createRegistrationOptions({ user: signedIn(user), binding });
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides: { challenge: registration.challenge } });
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "CHALLENGE_INVALID");
    await expectUnchanged(credentialId, user, before);
    await expectFailureAudit(credentialId, null, "passkey.authentication", "CHALLENGE_INVALID");
    expect(await challengeRow(registration.challenge)).toMatchObject({ purpose: "registration" });
  });

  it.each(["https://evil.example", "http://localhost:3001", "https://localhost:3000"])(
    "refuses an assertion from origin %s (AUTHENTICATION_FAILED)",
    async (origin) => {
      const { user, credentialId, authenticator } = await userWithPasskey();
      const binding = newBinding();
      const options = await createAuthenticationOptions({ binding });
      const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides: { origin } });
      const before = await snapshot(credentialId, user.id);

      await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
      await expectUnchanged(credentialId, user, before);
      await expectFailureAudit(credentialId, user.id, "passkey.authentication", /origin/i);
      expect(await challengeRow(options.challenge)).toBeNull();
    },
  );

  it("refuses an assertion for another RP ID (AUTHENTICATION_FAILED)", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides: { rpId: "evil.example" } });
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    await expectUnchanged(credentialId, user, before);
    await expectFailureAudit(credentialId, user.id, "passkey.authentication", /rp ?id/i);
  });

  it("refuses an assertion without user verification when verification is required (AUTHENTICATION_FAILED)", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    process.env.WEBAUTHN_USER_VERIFICATION = "required";
    resetConfigForTests();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides: { userVerified: false } });
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    await expectUnchanged(credentialId, user, before);
    await expectFailureAudit(credentialId, user.id, "passkey.authentication", /verif/i);
  });

  it("refuses an assertion without user presence (AUTHENTICATION_FAILED)", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides: { userPresent: false } });
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    await expectUnchanged(credentialId, user, before);
    await expectFailureAudit(credentialId, user.id);
  });

  it("refuses an unknown credential (AUTHENTICATION_FAILED)", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const unknownId = randomBytes(16).toString("base64url");
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides: { credentialId: unknownId } });
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    await expectUnchanged(credentialId, user, before);
    await expectFailureAudit(unknownId, null, "passkey.authentication", "unknown credential");
    expect(await challengeRow(options.challenge)).toBeNull();
  });

  it("refuses another user's credential in a username-first sign-in (AUTHENTICATION_FAILED)", async () => {
    const alice = await userWithPasskey();
    const bob = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding, email: alice.user.email });
    // Bob's authenticator answers Alice's ceremony with Bob's (validly signed) credential.
    const response = bob.authenticator.getAssertion({ options, origin: TEST_ORIGIN, credentialId: bob.credentialId });
    const aliceBefore = await snapshot(alice.credentialId, alice.user.id);
    const bobBefore = await snapshot(bob.credentialId, bob.user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    await expectUnchanged(bob.credentialId, bob.user, bobBefore);
    await expectUnchanged(alice.credentialId, alice.user, aliceBefore);
    expect((await passkeyRow(bob.credentialId))?.counter).toBe(0n);
    await expectFailureAudit(bob.credentialId, alice.user.id, "passkey.authentication", "credential of another user");
  });

  it("refuses a user handle that is not the credential owner's (AUTHENTICATION_FAILED)", async () => {
    const alice = await userWithPasskey();
    const bob = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = bob.authenticator.getAssertion({
      options,
      origin: TEST_ORIGIN,
      overrides: { userHandle: await webauthnUserId(alice.user.id) },
    });
    const aliceBefore = await snapshot(alice.credentialId, alice.user.id);
    const bobBefore = await snapshot(bob.credentialId, bob.user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    await expectUnchanged(bob.credentialId, bob.user, bobBefore);
    await expectUnchanged(alice.credentialId, alice.user, aliceBefore);
    await expectFailureAudit(bob.credentialId, bob.user.id, "passkey.authentication", "user handle mismatch");
  });

  it("refuses an assertion signed with another key (AUTHENTICATION_FAILED)", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding, email: user.email });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides: { signWithOtherKey: true } });
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    await expectUnchanged(credentialId, user, before);
    await expectFailureAudit(credentialId, user.id, "passkey.authentication");
  });

  it("refuses a valid signature whose DER length byte was changed (AUTHENTICATION_FAILED)", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding, email: user.email });
    const valid = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
    const signature = Buffer.from(valid.response.signature, "base64url");
    signature[1]! ^= 0x02;
    const response = { ...valid, response: { ...valid.response, signature: signature.toString("base64url") } };
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    await expectUnchanged(credentialId, user, before);
    await expectFailureAudit(credentialId, user.id, "passkey.authentication", "signature is not strict DER");
  });

  it.each([5, 2, 0])("refuses a reported counter of %i after a stored 5 (COUNTER_REGRESSION) and audits it", async (reported) => {
    const { user, credentialId, authenticator } = await userWithPasskey({ signCountStart: 5 });
    expect((await passkeyRow(credentialId))?.counter).toBe(5n);
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding, email: user.email });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides: { counter: reported } });
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "COUNTER_REGRESSION");
    await expectUnchanged(credentialId, user, before);
    await expectFailureAudit(credentialId, user.id, "passkey.counter_regression", `counter ${reported} after 5`);
  });

  it("refuses a counter that went back after a sign-in (COUNTER_REGRESSION)", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    let binding = newBinding();
    let options = await createAuthenticationOptions({ binding });
    await verifyAuthentication({ response: authenticator.getAssertion({ options, origin: TEST_ORIGIN }), binding, ctx: testCtx });
    expect((await passkeyRow(credentialId))?.counter).toBe(1n);

    // A clone of the authenticator that still reports the old count.
    authenticator.setCounter(0);
    binding = newBinding();
    options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "COUNTER_REGRESSION");
    await expectUnchanged(credentialId, user, before);
    const events = await auditEvents(user.id, { type: "passkey.counter_regression", outcome: "failure" });
    expect(events).toHaveLength(1);
  });

  // Only a validly signed assertion proves the authenticator reported that counter; anyone who knows
  // a credential id (allowCredentials lists them) must not be able to raise a clone alarm.
  it("refuses a forged assertion with a low counter as AUTHENTICATION_FAILED, not as a counter regression", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey({ signCountStart: 5 });
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding, email: user.email });
    const response = authenticator.getAssertion({
      options,
      origin: TEST_ORIGIN,
      overrides: { counter: 0, signWithOtherKey: true },
    });
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    await expectUnchanged(credentialId, user, before);
    expect(await auditEvents(user.id, { type: "passkey.counter_regression" })).toHaveLength(0);
  });

  it("lets exactly one of two concurrent verifications of one challenge succeed", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN });

    const results = await Promise.allSettled([
      verifyAuthentication({ response, binding, ctx: testCtx }),
      verifyAuthentication({ response, binding, ctx: testCtx }),
    ]);

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatchObject({ code: "CHALLENGE_INVALID" });
    expect((await passkeyRow(credentialId))?.counter).toBe(1n);
    expect(await auditEvents(user.id, { type: "passkey.authentication", outcome: "success" })).toHaveLength(1);
  });

  it("refuses garbage clientDataJSON as INVALID_REQUEST and keeps the challenge", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const good = authenticator.getAssertion({ options, origin: TEST_ORIGIN });
    const response = { ...good, response: { ...good.response, clientDataJSON: Buffer.from("{nope").toString("base64url") } };
    const before = await snapshot(credentialId, user.id);

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "INVALID_REQUEST");
    await expectUnchanged(credentialId, user, before);
    expect(await challengeRow(options.challenge)).not.toBeNull();
  });
});

describe("authentication verification: fixes found in review", () => {
  it("refuses a usernameless assertion that carries no user handle (AUTHENTICATION_FAILED)", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const before = await snapshot(credentialId, user.id);
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides: { userHandle: null } });
    expect(response.response.userHandle).toBeUndefined();

    await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    await expectUnchanged(credentialId, user, before);
    await expectFailureAudit(credentialId, user.id, "passkey.authentication", "user handle mismatch");
  });

  it("accepts a username-first assertion without a user handle (the account was named first)", async () => {
    const { user, authenticator } = await userWithPasskey();
    const binding = newBinding();
    const options = await createAuthenticationOptions({ binding, email: user.email });
    const response = authenticator.getAssertion({ options, origin: TEST_ORIGIN, overrides: { userHandle: null } });
    expect((await verifyAuthentication({ response, binding, ctx: testCtx })).user.id).toBe(user.id);
  });

  it("lets only one of two assertions with the same counter land when they race on two challenges", async () => {
    const { user, credentialId, authenticator } = await userWithPasskey();
    const [a, b] = [newBinding(), newBinding()];
    const optionsA = await createAuthenticationOptions({ binding: a });
    const optionsB = await createAuthenticationOptions({ binding: b });
    // A cloned authenticator: both copies report counter 1.
    const responseA = authenticator.getAssertion({ options: optionsA, origin: TEST_ORIGIN, overrides: { counter: 1 } });
    const responseB = authenticator.getAssertion({ options: optionsB, origin: TEST_ORIGIN, overrides: { counter: 1 } });

    const results = await Promise.allSettled([
      verifyAuthentication({ response: responseA, binding: a, ctx: testCtx }),
      verifyAuthentication({ response: responseB, binding: b, ctx: testCtx }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "COUNTER_REGRESSION" });
    expect((await passkeyRow(credentialId))?.counter).toBe(1n);
    expect(await auditEvents(user.id, { type: "passkey.authentication", outcome: "success" })).toHaveLength(1);
    expect(await auditEvents(user.id, { type: "passkey.counter_regression", outcome: "failure" })).toHaveLength(1);
  });
});
