// WebAuthn related origins: RELATED_ORIGINS lets ceremonies from other domains use this RP ID.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getConfig, resetConfigForTests } from "@/server/config";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";
import { getRelatedOrigins } from "@/server/webauthn/related-origins";
import { verifyAuthentication } from "@/server/webauthn/verify-authentication";
import { verifyRegistration } from "@/server/webauthn/verify-registration";
import { makeUser, newBinding, signedIn, testCtx } from "../fixtures/factories";
import { SoftAuthenticator } from "../fixtures/soft-authenticator";
import { auditEvents, auditEventsForCredential, passkeyCount, passkeyRow, registerPasskey, rejectsWith, TEST_ORIGIN } from "./webauthn-helpers";

const RELATED_ORIGIN = "https://login.example.org";

function configureRelatedOrigins(value: string | undefined) {
  if (value === undefined) delete process.env.RELATED_ORIGINS;
  else process.env.RELATED_ORIGINS = value;
  resetConfigForTests();
}

// setup-env.ts restores only the variables it sets; this one must not leak into later tests.
afterEach(() => configureRelatedOrigins(undefined));

describe("getRelatedOrigins", () => {
  it("lists only ORIGINS when RELATED_ORIGINS is unset", () => {
    configureRelatedOrigins(undefined);
    expect(getRelatedOrigins()).toEqual({ origins: [TEST_ORIGIN] });
  });

  it("lists ORIGINS, then RELATED_ORIGINS", () => {
    configureRelatedOrigins(RELATED_ORIGIN);
    expect(getRelatedOrigins()).toEqual({ origins: [TEST_ORIGIN, RELATED_ORIGIN] });
    expect(getConfig().relatedOrigins).toEqual([RELATED_ORIGIN]);
  });

  it("lists an origin named in both only once", () => {
    configureRelatedOrigins(`${RELATED_ORIGIN}, ${TEST_ORIGIN}`);
    expect(getRelatedOrigins()).toEqual({ origins: [TEST_ORIGIN, RELATED_ORIGIN] });
  });
});

describe("ceremonies from a related origin", () => {
  beforeEach(() => configureRelatedOrigins(RELATED_ORIGIN));

  /** Registration options for a fresh user, answered by an authenticator from `origin`. */
  async function registrationFrom(origin: string) {
    const user = await makeUser();
    const session = signedIn(user);
    const binding = newBinding();
    const options = await createRegistrationOptions({ user: session, binding });
    const authenticator = new SoftAuthenticator();
    const response = authenticator.createCredential({ options, origin });
    return { user, session, binding, response };
  }

  it("accepts a registration made on the related origin", async () => {
    const { user, session, binding, response } = await registrationFrom(RELATED_ORIGIN);
    const summary = await verifyRegistration({ response, user: session, binding, ctx: testCtx });
    expect(await passkeyRow(response.id)).toMatchObject({ id: summary.id, userId: user.id });
  });

  it.each(["https://login.example.com", "http://login.example.org", "https://evil.login.example.org", "https://login.example.org:8443"])(
    "refuses a registration made on %s, in neither list (REGISTRATION_FAILED), and stores nothing",
    async (origin) => {
      const { user, session, binding, response } = await registrationFrom(origin);
      await rejectsWith(verifyRegistration({ response, user: session, binding, ctx: testCtx }), "REGISTRATION_FAILED");
      expect(await passkeyRow(response.id)).toBeNull();
      expect(await passkeyCount(user.id)).toBe(0);
      const failures = await auditEventsForCredential(response.id, { type: "passkey.registration", outcome: "failure" });
      expect(failures).toHaveLength(1);
      expect((failures[0]!.details as { reason: string }).reason).toMatch(/origin/i);
    },
  );

  it("accepts a sign-in made on the related origin, and still one made on the app's own origin", async () => {
    const user = await makeUser();
    const { credentialId, authenticator } = await registerPasskey(user);

    for (const origin of [RELATED_ORIGIN, TEST_ORIGIN]) {
      const binding = newBinding();
      const options = await createAuthenticationOptions({ binding });
      const response = authenticator.getAssertion({ options, origin, credentialId });
      expect(await verifyAuthentication({ response, binding, ctx: testCtx })).toMatchObject({ user: { id: user.id, email: user.email } });
    }
    expect(await auditEvents(user.id, { type: "passkey.authentication", outcome: "success" })).toHaveLength(2);
  });

  it.each(["https://login.example.com", "http://login.example.org", "https://evil.example"])(
    "refuses a sign-in made on %s, in neither list (AUTHENTICATION_FAILED), and records no use",
    async (origin) => {
      const user = await makeUser();
      const { credentialId, authenticator } = await registerPasskey(user);
      const before = await passkeyRow(credentialId);
      const binding = newBinding();
      const options = await createAuthenticationOptions({ binding });
      const response = authenticator.getAssertion({ options, origin, credentialId });

      await rejectsWith(verifyAuthentication({ response, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");

      expect(await passkeyRow(credentialId)).toEqual(before);
      expect(await auditEvents(user.id, { type: "passkey.authentication", outcome: "success" })).toHaveLength(0);
      const failures = await auditEventsForCredential(credentialId, { type: "passkey.authentication", outcome: "failure" });
      expect(failures).toHaveLength(1);
      expect((failures[0]!.details as { reason: string }).reason).toMatch(/origin/i);
    },
  );
});

describe("ceremonies from a related origin that is not configured", () => {
  it("refuses registration and sign-in from https://login.example.org when RELATED_ORIGINS is unset", async () => {
    configureRelatedOrigins(undefined);
    const user = await makeUser();
    const { credentialId, authenticator } = await registerPasskey(user);

    const session = signedIn(user);
    const regBinding = newBinding();
    const creation = await createRegistrationOptions({ user: session, binding: regBinding });
    const registration = new SoftAuthenticator().createCredential({ options: creation, origin: RELATED_ORIGIN });
    await rejectsWith(verifyRegistration({ response: registration, user: session, binding: regBinding, ctx: testCtx }), "REGISTRATION_FAILED");
    expect(await passkeyCount(user.id)).toBe(1);

    const binding = newBinding();
    const request = await createAuthenticationOptions({ binding });
    const assertion = authenticator.getAssertion({ options: request, origin: RELATED_ORIGIN, credentialId });
    await rejectsWith(verifyAuthentication({ response: assertion, binding, ctx: testCtx }), "AUTHENTICATION_FAILED");
    expect(await auditEvents(user.id, { type: "passkey.authentication", outcome: "success" })).toHaveLength(0);
  });
});
