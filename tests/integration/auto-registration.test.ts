// Passkey upgrade after a password + authenticator-app sign-in: the conditional create's options
// (autoRegistration challenge) and its verification, which alone waives user presence.
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db";
import type { SignedInUser } from "@/server/session";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import { countRows, makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import {
  auditEvents,
  auditEventsForCredential,
  challengeRow,
  passkeyCount,
  passkeyRow,
  registerPasskey,
  rejectsWith,
  TEST_ORIGIN,
} from "./webauthn-helpers";

const ELEVEN_MINUTES = 11 * 60_000;

/** The session a password + authenticator-app sign-in leaves, `ageMs` ago. */
function passwordAndCode(user: { id: string }, ageMs = 0): SignedInUser {
  return { userId: user.id, methods: ["password", "totp"], mfa: true, authTime: Date.now() - ageMs };
}

/** A password manager completing a conditional create: no gesture, so no UP (and no UV) flag. */
const silentManager = () => new SoftAuthenticator({ userPresent: false, userVerified: false, backupEligible: true, backupState: true });

/** Runs `attempt` (after counting rows) and asserts it is refused with `code`, storing nothing. */
async function expectNoOptionsStored(attempt: () => Promise<unknown>, code: Parameters<typeof rejectsWith>[1]) {
  const before = await countRows();
  await rejectsWith(attempt(), code);
  expect(await countRows()).toEqual(before);
}

describe("auto registration options", () => {
  it("are given right after a password + code sign-in, with an autoRegistration challenge", async () => {
    const user = await makeUser();
    const binding = newBinding();
    const options = await createRegistrationOptions({ user: passwordAndCode(user), binding, auto: true });
    expect(options.excludeCredentials).toEqual([]);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required" });
    expect(options.hints ?? []).toEqual([]);
    expect(await challengeRow(options.challenge)).toMatchObject({ purpose: "autoRegistration", binding, userId: user.id });
  });

  it("are refused to a session of any other kind, storing no challenge", async () => {
    const user = await makeUser();
    const binding = newBinding();
    // Nobody signed in.
    await expectNoOptionsStored(() => createRegistrationOptions({ user: null, binding, auto: true }), "UNAUTHENTICATED");
    // Password alone: single-factor.
    await expectNoOptionsStored(
      () => createRegistrationOptions({ user: { userId: user.id, methods: ["password"], mfa: false, authTime: Date.now() }, binding, auto: true }),
      "REAUTH_REQUIRED",
    );
    // Password + code, but no longer fresh.
    await expectNoOptionsStored(() => createRegistrationOptions({ user: passwordAndCode(user, ELEVEN_MINUTES), binding, auto: true }), "REAUTH_REQUIRED");
    // Multifactor and fresh, but not a password sign-in (TAP, passkey).
    await expectNoOptionsStored(() => createRegistrationOptions({ user: signedIn(user), binding, auto: true }), "INVALID_REQUEST");
    await expectNoOptionsStored(
      () => createRegistrationOptions({ user: { userId: user.id, methods: ["passkey"], mfa: true, authTime: Date.now() }, binding, auto: true }),
      "INVALID_REQUEST",
    );
  });

  it("are refused to a user who already has a passkey", async () => {
    const user = await makeUser();
    await registerPasskey(user);
    await expectNoOptionsStored(() => createRegistrationOptions({ user: passwordAndCode(user), binding: newBinding(), auto: true }), "INVALID_REQUEST");
  });
});

describe("auto registration verification", () => {
  it("accepts a response without user presence for an autoRegistration challenge, named and audited like any", async () => {
    const user = await makeUser();
    const session = passwordAndCode(user);
    const binding = newBinding();
    const options = await createRegistrationOptions({ user: session, binding, auto: true });
    const response = silentManager().createCredential({ options, origin: TEST_ORIGIN });

    const passkey = await verifyRegistration({ response, user: session, binding, ctx: testCtx, auto: true });

    expect(passkey.name).toMatch(/\S/);
    const row = await passkeyRow(response.id);
    expect(row).toMatchObject({ userId: user.id, userVerified: false, name: passkey.name });
    expect(await challengeRow(options.challenge)).toBeNull();
    const events = await auditEvents(user.id, { type: "passkey.registration" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: "success", actorId: user.id, details: { passkeyId: row!.id, via: "auto" } });
  });

  it("refuses a response without user presence for a normal registration, storing nothing", async () => {
    const user = await makeUser();
    const session = signedIn(user);
    const binding = newBinding();
    const options = await createRegistrationOptions({ user: session, binding });
    const response = new SoftAuthenticator({ userPresent: false }).createCredential({ options, origin: TEST_ORIGIN });

    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "REGISTRATION_FAILED");

    expect(await passkeyRow(response.id)).toBeNull();
    expect(await passkeyCount(user.id)).toBe(0);
    const failures = await auditEventsForCredential(response.id, { type: "passkey.registration", outcome: "failure" });
    expect(failures).toHaveLength(1);
    expect((failures[0]!.details as { reason: string }).reason).toMatch(/present/i);
  });

  it("refuses a response without user presence after a password + code sign-in too, unless it answers auto options", async () => {
    const user = await makeUser();
    const session = passwordAndCode(user);
    const binding = newBinding();
    const options = await createRegistrationOptions({ user: session, binding });
    const response = silentManager().createCredential({ options, origin: TEST_ORIGIN });
    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "REGISTRATION_FAILED");
    expect(await passkeyCount(user.id)).toBe(0);
  });

  it("cannot use an autoRegistration challenge for a normal verification: refused, left unconsumed", async () => {
    const user = await makeUser();
    const session = passwordAndCode(user);
    const binding = newBinding();
    const options = await createRegistrationOptions({ user: session, binding, auto: true });
    const authenticator = new SoftAuthenticator();
    const response = authenticator.createCredential({ options, origin: TEST_ORIGIN });

    await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "CHALLENGE_INVALID");
    expect(await passkeyCount(user.id)).toBe(0);
    expect(await challengeRow(options.challenge)).toMatchObject({ purpose: "autoRegistration" });

    // Its own ceremony still accepts it.
    await verifyRegistration({ response, user: session, binding, ctx: testCtx, auto: true });
    expect(await passkeyCount(user.id)).toBe(1);
  });

  it("cannot use a registration challenge for an auto verification: refused, left unconsumed", async () => {
    const user = await makeUser();
    const session = passwordAndCode(user);
    const binding = newBinding();
    const options = await createRegistrationOptions({ user: session, binding });
    const silent = silentManager().createCredential({ options, origin: TEST_ORIGIN });

    await rejectsWith(verifyRegistration({ response: silent, user: session, binding, ctx: testCtx, auto: true }), "CHALLENGE_INVALID");
    expect(await passkeyRow(silent.id)).toBeNull();
    expect(await challengeRow(options.challenge)).toMatchObject({ purpose: "registration" });
  });

  it("refuses an auto verification from a session that could not have asked for it, consuming nothing", async () => {
    const user = await makeUser();
    const binding = newBinding();
    const options = await createRegistrationOptions({ user: passwordAndCode(user), binding, auto: true });
    const response = silentManager().createCredential({ options, origin: TEST_ORIGIN });
    const before = await countRows();

    await rejectsWith(verifyRegistration({ response, user: signedIn(user), binding, ctx: testCtx, auto: true }), "INVALID_REQUEST");
    await rejectsWith(
      verifyRegistration({ response, user: passwordAndCode(user, ELEVEN_MINUTES), binding, ctx: testCtx, auto: true }),
      "REAUTH_REQUIRED",
    );

    expect(await countRows()).toEqual(before);
    expect(await challengeRow(options.challenge)).not.toBeNull();
  });

  it("refuses an autoRegistration challenge from another browser", async () => {
    const user = await makeUser();
    const session = passwordAndCode(user);
    const options = await createRegistrationOptions({ user: session, binding: newBinding(), auto: true });
    const response = silentManager().createCredential({ options, origin: TEST_ORIGIN });
    await rejectsWith(verifyRegistration({ response, user: session, binding: newBinding(), ctx: testCtx, auto: true }), "CHALLENGE_INVALID");
    expect(await getDb().passkey.count({ where: { userId: user.id } })).toBe(0);
  });
});
