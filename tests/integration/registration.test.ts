// Passkey registration: createRegistrationOptions + verifyRegistration on the real database.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/server/config";
import { getDb } from "@/server/db";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import { makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { cborEncode, fromBase64url, SoftAuthenticator, toBase64url, ZERO_AAGUID, type CborValue } from "../fixtures/soft-authenticator";
import {
  auditEvents,
  auditEventsForCredential,
  challengeRow,
  clientDataJSON,
  expectOneSuccessAudit,
  passkeyCount,
  passkeyRow,
  registerPasskey,
  rejectsWith,
  TEST_ORIGIN,
} from "./webauthn-helpers";

const GOOGLE_AAGUID = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4";
const ELEVEN_MINUTES = 11 * 60_000;
/** Provider icons are only ever `data:` image URLs (rendered through <img>). */
const DATA_IMAGE_URL = expect.stringMatching(/^data:image\/(png|jpeg|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/);

/** A signed-in user with registration options minted for a fresh browser binding. */
async function startRegistration(authenticatorOptions?: ConstructorParameters<typeof SoftAuthenticator>[0]) {
  const user = await makeUser();
  const session = signedIn(user);
  const binding = newBinding();
  const options = await createRegistrationOptions({ user: session, binding });
  const authenticator = new SoftAuthenticator(authenticatorOptions);
  return { user, session, binding, options, authenticator };
}

/** Asserts that a refused registration stored nothing for the user or the credential. */
async function expectNothingStored(userId: string, credentialId: string) {
  expect(await passkeyRow(credentialId)).toBeNull();
  expect(await passkeyCount(userId)).toBe(0);
  expect(await auditEvents(userId, { type: "passkey.registration", outcome: "success" })).toHaveLength(0);
}

/** Asserts one failure audit event for the registration of `credentialId` by `userId`. */
async function expectFailureAudit(userId: string, credentialId: string, reason?: string | RegExp) {
  const events = await auditEventsForCredential(credentialId, { type: "passkey.registration", outcome: "failure" });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ subjectUserId: userId, actorId: userId, ip: testCtx.ip, userAgent: testCtx.userAgent });
  if (reason !== undefined) {
    const details = events[0]!.details as { reason: string };
    if (typeof reason === "string") expect(details.reason).toBe(reason);
    else expect(details.reason).toMatch(reason);
  }
}

/** The response with its attested public key (the COSE_Key at the end of authData) replaced; "none" attestation signs nothing. */
function withPublicKey(response: RegistrationResponseJSON, coseKey: Uint8Array): RegistrationResponseJSON {
  const authData = fromBase64url(response.response.authenticatorData!);
  const keyAt = 55 + ((authData[53]! << 8) | authData[54]!);
  const changed = new Uint8Array(Buffer.concat([authData.slice(0, keyAt), coseKey]));
  const attestationObject = cborEncode(new Map<string, CborValue>([["fmt", "none"], ["attStmt", new Map()], ["authData", changed]]));
  return { ...response, response: { ...response.response, attestationObject: toBase64url(attestationObject), authenticatorData: toBase64url(changed) } };
}

describe("registration options", () => {
  it("requires a discoverable credential, asks for direct attestation and carries the user's handle", async () => {
    const { user, binding, options } = await startRegistration();
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { webauthnUserId: true } });

    expect(options.user.id).toBe(row.webauthnUserId);
    expect(options.user.name).toBe(user.email);
    expect(options.user.displayName).toBe(user.displayName);
    expect(options.rp).toEqual({ id: "localhost", name: "Security Info" });
    expect(options.attestation).toBe("direct");
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: "required",
      requireResidentKey: true,
      userVerification: "preferred",
    });
    // EdDSA, ES256, RS256 on every runtime: never a post-quantum algorithm that one supported
    // Node.js could verify and another could not.
    expect(options.pubKeyCredParams).toEqual([
      { alg: -8, type: "public-key" },
      { alg: -7, type: "public-key" },
      { alg: -257, type: "public-key" },
    ]);
    expect(options.excludeCredentials).toEqual([]);

    const challenge = await challengeRow(options.challenge);
    expect(challenge).toMatchObject({ purpose: "registration", binding, userId: user.id });
    expect(challenge!.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it("excludes the credentials the user already has", async () => {
    const user = await makeUser();
    const first = await registerPasskey(user, new SoftAuthenticator({ transports: ["usb", "nfc"] }));
    const second = await registerPasskey(user);
    const other = await registerPasskey(await makeUser());

    const options = await createRegistrationOptions({ user: signedIn(user), binding: newBinding() });
    const excluded = options.excludeCredentials ?? [];
    expect(excluded.map((c) => c.id).sort()).toEqual([first.credentialId, second.credentialId].sort());
    expect(excluded.find((c) => c.id === first.credentialId)).toMatchObject({ type: "public-key", transports: ["usb", "nfc"] });
    expect(excluded.map((c) => c.id)).not.toContain(other.credentialId);
  });

  it("asks for user verification when configured as required", async () => {
    process.env.WEBAUTHN_USER_VERIFICATION = "required";
    resetConfigForTests();
    const { options } = await startRegistration();
    expect(options.authenticatorSelection?.userVerification).toBe("required");
  });

  it.each([
    ["localDevice", ["client-device"], "platform"],
    ["remoteDevice", ["hybrid"], "cross-platform"],
    ["securityKey", ["security-key"], "cross-platform"],
  ] as const)("maps authenticatorType %s to hints %j", async (authenticatorType, hints, attachment) => {
    const user = await makeUser();
    const options = await createRegistrationOptions({ user: signedIn(user), binding: newBinding(), authenticatorType });
    expect(options.hints).toEqual(hints);
    expect(options.authenticatorSelection?.authenticatorAttachment).toBe(attachment);
  });

  it("gives no hints when no authenticatorType is asked for, even after a call that gave some", async () => {
    const user = await makeUser();
    await createRegistrationOptions({ user: signedIn(user), binding: newBinding(), authenticatorType: "securityKey" });
    const options = await createRegistrationOptions({ user: signedIn(user), binding: newBinding() });
    expect(options.hints ?? []).toEqual([]);
    expect(options.authenticatorSelection?.authenticatorAttachment).toBeUndefined();
  });

  it("gives every call a new challenge", async () => {
    const user = await makeUser();
    const binding = newBinding();
    const a = await createRegistrationOptions({ user: signedIn(user), binding });
    const b = await createRegistrationOptions({ user: signedIn(user), binding });
    expect(a.challenge).not.toBe(b.challenge);
    expect(Buffer.from(a.challenge, "base64url").length).toBeGreaterThanOrEqual(16);
  });

  it("refuses without a session (UNAUTHENTICATED) and stores no challenge", async () => {
    const binding = newBinding();
    await rejectsWith(createRegistrationOptions({ user: null, binding }), "UNAUTHENTICATED");
    expect(await getDb().challenge.count({ where: { binding } })).toBe(0);
  });

  it("refuses a session older than 10 minutes (REAUTH_REQUIRED) and stores no challenge", async () => {
    const user = await makeUser();
    const binding = newBinding();
    await rejectsWith(createRegistrationOptions({ user: signedIn(user, ELEVEN_MINUTES), binding }), "REAUTH_REQUIRED");
    expect(await getDb().challenge.count({ where: { binding } })).toBe(0);
  });

  it("accepts a session just inside the 10-minute window", async () => {
    const user = await makeUser();
    const options = await createRegistrationOptions({ user: signedIn(user, 9 * 60_000), binding: newBinding() });
    expect(options.challenge).toBeTruthy();
  });

  it("refuses a session that was not multifactor (REAUTH_REQUIRED) and stores no challenge", async () => {
    const user = await makeUser();
    const binding = newBinding();
    await rejectsWith(createRegistrationOptions({ user: signedIn(user, 0, false), binding }), "REAUTH_REQUIRED");
    expect(await getDb().challenge.count({ where: { binding } })).toBe(0);
  });

  it("refuses a session whose user no longer exists (USER_NOT_FOUND)", async () => {
    const user = await makeUser();
    await getDb().user.delete({ where: { id: user.id } });
    const binding = newBinding();
    await rejectsWith(createRegistrationOptions({ user: signedIn(user), binding }), "USER_NOT_FOUND");
    expect(await getDb().challenge.count({ where: { binding } })).toBe(0);
  });
});

describe("registration verification: success", () => {
  it("stores every field of a device-bound passkey and names it 'Passkey' for an unknown AAGUID", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration({
      transports: ["internal", "hybrid"],
      signCountStart: 3,
    });
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    const before = Date.now();

    const summary = await verifyRegistration({ response, user: session, binding, ctx: testCtx });

    const row = await passkeyRow(response.id);
    expect(row).not.toBeNull();
    expect(row).toMatchObject({
      id: summary.id,
      credentialId: response.id,
      userId: user.id,
      counter: 3n,
      transports: ["internal", "hybrid"],
      aaguid: ZERO_AAGUID,
      name: "Passkey",
      deviceType: "singleDevice",
      backedUp: false,
      attestationFormat: "none",
      attestationVerified: false,
      userVerified: true,
      createdUserAgent: testCtx.userAgent,
      // "integration-test" names no browser, system or device.
      createdBrowser: null,
      createdOs: null,
      createdDevice: null,
      lastUsedAt: null,
      lastUsedUserAgent: null,
    });
    expect(Buffer.from(row!.publicKey).equals(Buffer.from(authenticator.credentials[0]!.publicKey))).toBe(true);
    expect(row!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);

    expect(summary).toEqual({
      id: row!.id,
      credentialId: response.id,
      name: "Passkey",
      aaguid: ZERO_AAGUID,
      provider: { name: "Passkey", known: false, iconLight: DATA_IMAGE_URL, iconDark: DATA_IMAGE_URL },
      deviceType: "singleDevice",
      backedUp: false,
      transports: ["internal", "hybrid"],
      createdOn: { browser: null, os: null, device: null },
      createdAt: row!.createdAt.toISOString(),
      lastUsedAt: null,
      policy: { allowed: true, rule: null, message: null },
    });
    // The challenge is single use.
    expect(await challengeRow(options.challenge)).toBeNull();
  });

  it("records a success audit event in the same change", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    const summary = await verifyRegistration({ response, user: session, binding, ctx: testCtx });

    await expectOneSuccessAudit(user.id, "passkey.registration", { passkeyId: summary.id, aaguid: ZERO_AAGUID, fmt: "none", deviceType: "singleDevice" });
  });

  it("stores a synced passkey as multiDevice and backed up", async () => {
    const { session, binding, options, authenticator } = await startRegistration({ backupEligible: true, backupState: true });
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    const summary = await verifyRegistration({ response, user: session, binding, ctx: testCtx });
    expect(await passkeyRow(response.id)).toMatchObject({ deviceType: "multiDevice", backedUp: true });
    expect(summary).toMatchObject({ deviceType: "multiDevice", backedUp: true });
  });

  it("stores a backup-eligible passkey that is not yet backed up as multiDevice, not backed up", async () => {
    const { session, binding, options, authenticator } = await startRegistration({ backupEligible: true, backupState: false });
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    await verifyRegistration({ response, user: session, binding, ctx: testCtx });
    expect(await passkeyRow(response.id)).toMatchObject({ deviceType: "multiDevice", backedUp: false });
  });

  it("accepts packed self attestation and names the passkey after a known provider", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration({
      aaguid: GOOGLE_AAGUID,
      attestation: "packed",
      backupEligible: true,
      backupState: true,
      transports: ["hybrid", "internal"],
    });
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    const summary = await verifyRegistration({ response, user: session, binding, ctx: testCtx });

    expect(await passkeyRow(response.id)).toMatchObject({
      userId: user.id,
      aaguid: GOOGLE_AAGUID,
      name: "Google Password Manager",
      attestationFormat: "packed",
      // Self attestation proves nothing about the maker.
      attestationVerified: false,
    });
    expect(summary).toMatchObject({
      credentialId: response.id,
      name: "Google Password Manager",
      provider: { name: "Google Password Manager", known: true, iconLight: DATA_IMAGE_URL, iconDark: DATA_IMAGE_URL },
    });
    expect((await auditEvents(user.id, { type: "passkey.registration", outcome: "success" }))[0]?.details).toMatchObject({ fmt: "packed" });
  });

  it("keeps an explicit name over the provider's", async () => {
    const { session, binding, options, authenticator } = await startRegistration({ aaguid: GOOGLE_AAGUID });
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    const summary = await verifyRegistration({ response, name: "Work phone", user: session, binding, ctx: testCtx });
    expect(summary).toMatchObject({ name: "Work phone", provider: { name: "Google Password Manager", known: true } });
    expect((await passkeyRow(response.id))?.name).toBe("Work phone");
  });

  it("accepts a response without user verification when verification is only preferred", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration({ userVerified: false });
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    await verifyRegistration({ response, user: session, binding, ctx: testCtx });
    expect(await passkeyRow(response.id)).toMatchObject({ userId: user.id, userVerified: false });
  });
});

describe("registration verification: refusals", () => {
  it("refuses without a session (UNAUTHENTICATED) and stores nothing", async () => {
    const { user, binding, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    await rejectsWith(verifyRegistration({ response, user: null, binding, ctx: testCtx }), "UNAUTHENTICATED");
    await expectNothingStored(user.id, response.id);
    // Refused before the challenge was looked at.
    expect(await challengeRow(options.challenge)).not.toBeNull();
  });

  it("refuses a session that went stale after the options were made (REAUTH_REQUIRED)", async () => {
    const { user, binding, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    await rejectsWith(
      verifyRegistration({ response, user: signedIn(user, ELEVEN_MINUTES), binding, ctx: testCtx }),
      "REAUTH_REQUIRED",
    );
    await expectNothingStored(user.id, response.id);
    expect(await challengeRow(options.challenge)).not.toBeNull();
  });

  it("refuses a session that was not multifactor (REAUTH_REQUIRED)", async () => {
    const { user, binding, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    await rejectsWith(
      verifyRegistration({ response, user: signedIn(user, 0, false), binding, ctx: testCtx }),
      "REAUTH_REQUIRED",
    );
    await expectNothingStored(user.id, response.id);
  });

  it("refuses a replayed response (CHALLENGE_INVALID) and keeps the one passkey", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    await verifyRegistration({ response, user: session, binding, ctx: testCtx });

    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "CHALLENGE_INVALID");
    expect(await passkeyCount(user.id)).toBe(1);
    expect(await auditEvents(user.id, { type: "passkey.registration", outcome: "success" })).toHaveLength(1);
    await expectFailureAudit(user.id, response.id, "CHALLENGE_INVALID");
  });

  it("refuses an expired challenge (CHALLENGE_EXPIRED) and removes it", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration();
    await getDb().challenge.update({ where: { value: options.challenge }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });

    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "CHALLENGE_EXPIRED");
    await expectNothingStored(user.id, response.id);
    await expectFailureAudit(user.id, response.id, "CHALLENGE_EXPIRED");
    expect(await challengeRow(options.challenge)).toBeNull();
  });

  it("refuses a challenge minted for another browser session (CHALLENGE_INVALID) and leaves it alone", async () => {
    const { user, session, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });

    await rejectsWith(verifyRegistration({ response, user: session, binding: newBinding(), ctx: testCtx }), "CHALLENGE_INVALID");
    await expectNothingStored(user.id, response.id);
    await expectFailureAudit(user.id, response.id, "CHALLENGE_INVALID");
    expect(await challengeRow(options.challenge)).not.toBeNull();
  });

  it("refuses when the browser session has no binding (CHALLENGE_INVALID)", async () => {
    const { user, session, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    await rejectsWith(verifyRegistration({ response, user: session, binding: undefined, ctx: testCtx }), "CHALLENGE_INVALID");
    await expectNothingStored(user.id, response.id);
  });

  it("refuses a challenge minted for another user (CHALLENGE_INVALID)", async () => {
    const { user: alice, binding, options, authenticator } = await startRegistration();
    const mallory = await makeUser();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });

    await rejectsWith(
      verifyRegistration({ response, user: signedIn(mallory), binding, ctx: testCtx }),
      "CHALLENGE_INVALID",
    );
    await expectNothingStored(mallory.id, response.id);
    await expectNothingStored(alice.id, response.id);
    await expectFailureAudit(mallory.id, response.id, "challenge of another user");
  });

  it("refuses an authentication challenge used for registration (CHALLENGE_INVALID)", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration();
    const signIn = await createAuthenticationOptions({ binding });
    const response = authenticator.createCredential({
      options,
      origin: TEST_ORIGIN,
      overrides: { challenge: signIn.challenge },
    });

    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "CHALLENGE_INVALID");
    await expectNothingStored(user.id, response.id);
    await expectFailureAudit(user.id, response.id, "CHALLENGE_INVALID");
    // The sign-in challenge was not consumed by the wrong ceremony.
    expect(await challengeRow(signIn.challenge)).toMatchObject({ purpose: "authentication" });
  });

  it.each(["https://evil.example", "http://localhost:3001", "https://localhost:3000"])(
    "refuses a response from origin %s (REGISTRATION_FAILED)",
    async (origin) => {
      const { user, session, binding, options, authenticator } = await startRegistration();
      const response = authenticator.createCredential({ options, origin: TEST_ORIGIN, overrides: { origin } });

      await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "REGISTRATION_FAILED");
      await expectNothingStored(user.id, response.id);
      await expectFailureAudit(user.id, response.id, /origin/i);
      // The challenge was spent: the same response cannot be tried again.
      expect(await challengeRow(options.challenge)).toBeNull();
    },
  );

  it("refuses a credential scoped to another RP ID (REGISTRATION_FAILED)", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN, overrides: { rpId: "evil.example" } });

    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "REGISTRATION_FAILED");
    await expectNothingStored(user.id, response.id);
    await expectFailureAudit(user.id, response.id, /rp ?id/i);
  });

  it("refuses a response without user verification when verification is required (REGISTRATION_FAILED)", async () => {
    process.env.WEBAUTHN_USER_VERIFICATION = "required";
    resetConfigForTests();
    const { user, session, binding, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN, overrides: { userVerified: false } });

    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "REGISTRATION_FAILED");
    await expectNothingStored(user.id, response.id);
    await expectFailureAudit(user.id, response.id, /verif/i);
  });

  it("refuses a response without user presence (REGISTRATION_FAILED)", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN, overrides: { userPresent: false } });

    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "REGISTRATION_FAILED");
    await expectNothingStored(user.id, response.id);
    await expectFailureAudit(user.id, response.id);
  });

  it("refuses clientData of type webauthn.get (REGISTRATION_FAILED)", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN, overrides: { type: "webauthn.get" } });

    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "REGISTRATION_FAILED");
    await expectNothingStored(user.id, response.id);
    await expectFailureAudit(user.id, response.id, /webauthn\.get/);
  });

  it("refuses a packed attestation signed with another key (REGISTRATION_FAILED)", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration({ attestation: "packed" });
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN, overrides: { signWithOtherKey: true } });

    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "REGISTRATION_FAILED");
    await expectNothingStored(user.id, response.id);
    await expectFailureAudit(user.id, response.id);
  });

  it("refuses a credential that is already registered (CREDENTIAL_ALREADY_REGISTERED)", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration();
    const first = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    const stored = await verifyRegistration({ response: first, user: session, binding, ctx: testCtx });

    // The same attestation answered to a fresh challenge ("none" attestation signs nothing).
    const again = await createRegistrationOptions({ user: session, binding });
    const replayed = {
      ...first,
      response: { ...first.response, clientDataJSON: clientDataJSON("webauthn.create", again.challenge) },
    };
    await rejectsWith(verifyRegistration({ response: replayed, user: session, binding, ctx: testCtx }), "CREDENTIAL_ALREADY_REGISTERED");

    expect(await passkeyCount(user.id)).toBe(1);
    expect((await passkeyRow(first.id))?.id).toBe(stored.id);
    expect(await auditEvents(user.id, { type: "passkey.registration", outcome: "success" })).toHaveLength(1);
    await expectFailureAudit(user.id, first.id, "duplicate credential id");
  });

  it("refuses to register another user's credential id (CREDENTIAL_ALREADY_REGISTERED)", async () => {
    const alice = await makeUser();
    const { credentialId } = await registerPasskey(alice);
    const aliceRow = await passkeyRow(credentialId);

    // Mallory submits an attestation claiming Alice's credential id.
    const { user: mallory, session, binding, options, authenticator } = await startRegistration();
    const own = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    const ownId = Buffer.from(own.id, "base64url");
    const claimed = Buffer.from(credentialId, "base64url");
    expect(claimed.length).toBe(ownId.length);
    const attestation = Buffer.from(own.response.attestationObject, "base64url");
    const at = attestation.indexOf(ownId);
    expect(at).toBeGreaterThan(0);
    claimed.copy(attestation, at);
    const forged = {
      ...own,
      id: credentialId,
      rawId: credentialId,
      response: { ...own.response, attestationObject: attestation.toString("base64url") },
    };

    await rejectsWith(verifyRegistration({ response: forged, user: session, binding, ctx: testCtx }), "CREDENTIAL_ALREADY_REGISTERED");
    expect(await passkeyCount(mallory.id)).toBe(0);
    expect(await passkeyRow(credentialId)).toEqual(aliceRow);
    await expectFailureAudit(mallory.id, credentialId, "duplicate credential id");
  });

  it("refuses a response whose id and rawId name another credential than the one attested (REGISTRATION_FAILED)", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    const claimed = randomBytes(16).toString("base64url");

    await rejectsWith(verifyRegistration({ response: { ...response, id: claimed, rawId: claimed }, user: session, binding, ctx: testCtx }), "REGISTRATION_FAILED");
    await expectNothingStored(user.id, response.id);
    expect(await passkeyRow(claimed)).toBeNull();
    await expectFailureAudit(user.id, claimed, "credential id differs from the attested one");
  });

  it("refuses a response claiming another user's credential id while attesting its own, and leaves that passkey alone", async () => {
    const alice = await makeUser();
    const { credentialId } = await registerPasskey(alice);
    const aliceRow = await passkeyRow(credentialId);
    const { user: mallory, session, binding, options, authenticator } = await startRegistration();
    const own = authenticator.createCredential({ options, origin: TEST_ORIGIN });

    await rejectsWith(
      verifyRegistration({ response: { ...own, id: credentialId, rawId: credentialId }, user: session, binding, ctx: testCtx }),
      "REGISTRATION_FAILED",
    );
    await expectNothingStored(mallory.id, own.id);
    expect(await passkeyRow(credentialId)).toEqual(aliceRow);
  });

  // A key that contradicts its own alg is refused by our check; an algorithm the options did not
  // offer (ML-DSA-44 included, which Node.js 24's WebCrypto could verify but 22's could not) by the
  // library's, before ours runs.
  it.each([
    ["an ES256 alg on an RSA key", [[1, 3], [3, -7], [-1, randomBytes(256)], [-2, Uint8Array.of(1, 0, 1)]], /^public key: /],
    ["an ES256 alg on an Ed25519 key", [[1, 1], [3, -7], [-1, 6], [-2, randomBytes(32)]], /^public key: /],
    ["an ES256 alg on a P-384 key", [[1, 2], [3, -7], [-1, 2], [-2, randomBytes(48)], [-3, randomBytes(48)]], /^public key: /],
    ["an RS256 alg on a P-256 key", [[1, 2], [3, -257], [-1, 1], [-2, randomBytes(32)], [-3, randomBytes(32)]], /^public key: /],
    ["an ML-DSA-44 key (post-quantum, not offered)", [[1, 7], [3, -48], [-1, randomBytes(1312)]], /Unexpected public key alg/],
    ["an ES384 key (a valid key, but not offered)", [[1, 2], [3, -35], [-1, 2], [-2, randomBytes(48)], [-3, randomBytes(48)]], /Unexpected public key alg/],
  ] as Array<[string, Array<[number, number | Uint8Array]>, RegExp]>)("refuses %s and stores nothing (REGISTRATION_FAILED)", async (_, entries, reason) => {
    const { user, session, binding, options, authenticator } = await startRegistration();
    const response = withPublicKey(
      authenticator.createCredential({ options, origin: TEST_ORIGIN }),
      cborEncode(new Map(entries.map(([k, v]) => [k, v instanceof Uint8Array ? new Uint8Array(v) : v]))),
    );

    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "REGISTRATION_FAILED");
    await expectNothingStored(user.id, response.id);
    await expectFailureAudit(user.id, response.id, reason);
  });

  it("lets exactly one of two concurrent verifications of one challenge succeed", async () => {
    const { user, session, binding, options, authenticator } = await startRegistration();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });

    const results = await Promise.allSettled([
      verifyRegistration({ response, user: session, binding, ctx: testCtx }),
      verifyRegistration({ response, user: session, binding, ctx: testCtx }),
    ]);

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatchObject({ code: "CHALLENGE_INVALID" });
    expect(await passkeyCount(user.id)).toBe(1);
    expect(await auditEvents(user.id, { type: "passkey.registration", outcome: "success" })).toHaveLength(1);
  });

  it.each([
    ["not JSON", Buffer.from("not json at all").toString("base64url")],
    ["JSON without a challenge", Buffer.from(JSON.stringify({ type: "webauthn.create" })).toString("base64url")],
    ["a challenge that is not base64url", clientDataJSON("webauthn.create", "not/base64+url=but-long-enough")],
    ["a challenge that is too short", clientDataJSON("webauthn.create", "abc")],
  ])("refuses garbage clientDataJSON (%s) as INVALID_REQUEST and keeps the challenge", async (_label, garbage) => {
    const { user, session, binding, options, authenticator } = await startRegistration();
    const good = authenticator.createCredential({ options, origin: TEST_ORIGIN });
    const response = { ...good, response: { ...good.response, clientDataJSON: garbage } };

    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "INVALID_REQUEST");
    await expectNothingStored(user.id, response.id);
    expect(await challengeRow(options.challenge)).not.toBeNull();
  });
});
