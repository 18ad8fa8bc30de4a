import { describe, it, expect } from "vitest";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "../fixtures/webauthn-library";
import type { WebAuthnCredential } from "@simplewebauthn/server";
import {
  SoftAuthenticator,
  SoftAuthenticatorError,
  ZERO_AAGUID,
  cborEncode,
  fromBase64url,
  toBase64url,
  type SoftAuthenticatorOptions,
} from "../fixtures/soft-authenticator";

const rpID = "localhost";
const origin = "http://localhost:3000";
const TEST_AAGUID = "d1a5c0de-0000-4000-8000-5e0c0de5a1e5";

async function registrationOptions(userID?: Uint8Array<ArrayBuffer>) {
  return generateRegistrationOptions({
    rpName: "Security Info",
    rpID,
    userName: "alice@example.com",
    userID,
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
}

/** Registers one credential and returns what an RP would store for it. */
async function register(auth: SoftAuthenticator): Promise<WebAuthnCredential> {
  const options = await registrationOptions();
  const response = auth.createCredential({ options, origin });
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
  });
  expect(result.verified).toBe(true);
  return result.registrationInfo!.credential;
}

/** verifyAuthenticationResponse that reports failures as `false` instead of throwing. */
async function authVerifies(
  args: Parameters<typeof verifyAuthenticationResponse>[0],
): Promise<boolean> {
  try {
    return (await verifyAuthenticationResponse(args)).verified;
  } catch {
    return false;
  }
}

async function registrationVerifies(
  args: Parameters<typeof verifyRegistrationResponse>[0],
): Promise<boolean> {
  try {
    return (await verifyRegistrationResponse(args)).verified;
  } catch {
    return false;
  }
}

describe("cborEncode", () => {
  it("encodes ints, text, bytes, arrays and maps in shortest form", () => {
    const hex = (v: Parameters<typeof cborEncode>[0]) => Buffer.from(cborEncode(v)).toString("hex");
    expect(hex(0)).toBe("00");
    expect(hex(23)).toBe("17");
    expect(hex(24)).toBe("1818");
    expect(hex(1000)).toBe("1903e8");
    expect(hex(-1)).toBe("20");
    expect(hex(-7)).toBe("26");
    expect(hex(-257)).toBe("390100");
    expect(hex("a")).toBe("6161");
    expect(hex(Uint8Array.of(1, 2))).toBe("420102");
    expect(hex([1, [2]])).toBe("82018102");
    expect(hex(new Map<number | string, number>([[1, 2], ["x", -1]]))).toBe("a201026178" + "20");
  });
});

describe("SoftAuthenticator registration", () => {
  for (const attestation of ["none", "packed"] as const) {
    it(`produces a registration response the library verifies (fmt ${attestation})`, async () => {
      const auth = new SoftAuthenticator({ aaguid: TEST_AAGUID, attestation });
      const userID = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
      const options = await registrationOptions(userID);
      const response = auth.createCredential({ options, origin });

      expect(response.id).toBe(response.rawId);
      expect(response.type).toBe("public-key");
      expect(response.authenticatorAttachment).toBe("platform");
      expect(response.response.transports).toEqual(["internal"]);
      expect(response.clientExtensionResults).toEqual({ credProps: { rk: true } });
      expect(JSON.parse(Buffer.from(response.response.clientDataJSON, "base64url").toString())).toEqual({
        type: "webauthn.create",
        challenge: options.challenge,
        origin,
        crossOrigin: false,
      });

      const result = await verifyRegistrationResponse({
        response,
        expectedChallenge: options.challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
      });
      expect(result.verified).toBe(true);
      const info = result.registrationInfo!;
      expect(info.fmt).toBe(attestation);
      expect(info.aaguid).toBe(TEST_AAGUID);
      expect(info.userVerified).toBe(true);
      expect(info.credentialDeviceType).toBe("singleDevice");
      expect(info.credentialBackedUp).toBe(false);
      expect(info.rpID).toBe(rpID);
      expect(info.credential.id).toBe(response.id);
      expect(info.credential.counter).toBe(0);

      const [stored] = auth.credentials;
      expect(auth.credentials).toHaveLength(1);
      expect(stored!.id).toBe(response.id);
      expect(Buffer.from(stored!.publicKey).equals(Buffer.from(info.credential.publicKey))).toBe(true);
      expect(stored!.userHandle).toBe(toBase64url(userID));
      expect(stored!.rpId).toBe(rpID);
    });
  }

  it("defaults to the all-zero AAGUID and reports backup flags as multiDevice", async () => {
    const auth = new SoftAuthenticator({ backupEligible: true, backupState: true, transports: ["usb"] });
    const options = await registrationOptions();
    const response = auth.createCredential({ options, origin });
    expect(response.authenticatorAttachment).toBe("cross-platform");
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
    });
    expect(result.verified).toBe(true);
    expect(result.registrationInfo!.aaguid).toBe(ZERO_AAGUID);
    expect(result.registrationInfo!.credentialDeviceType).toBe("multiDevice");
    expect(result.registrationInfo!.credentialBackedUp).toBe(true);
  });

  it("is rejected with a wrong origin, rpId, challenge or type, and with UV false when required", async () => {
    const options = await registrationOptions();
    const expected = { expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID };
    const auth = new SoftAuthenticator();

    const cases = [
      { origin: "http://evil.example:3000" },
      { rpId: "evil.example" },
      { challenge: toBase64url(new Uint8Array(32)) },
      { type: "webauthn.get" },
      { userVerified: false },
      { userPresent: false },
    ];
    for (const overrides of cases) {
      const response = auth.createCredential({ options, origin, overrides });
      expect(await registrationVerifies({ response, ...expected }), JSON.stringify(overrides)).toBe(false);
    }

    // Without tampering the same options still verify.
    const good = auth.createCredential({ options, origin });
    expect(await registrationVerifies({ response: good, ...expected })).toBe(true);
  });

  it("rejects UV false when required but accepts it when not required", async () => {
    const auth = new SoftAuthenticator({ userVerified: false });
    const options = await registrationOptions();
    const response = auth.createCredential({ options, origin });
    const expected = { expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID };
    expect(await registrationVerifies({ response, ...expected, requireUserVerification: true })).toBe(false);
    expect(await registrationVerifies({ response, ...expected, requireUserVerification: false })).toBe(true);
  });

  it("packed attestation signed with another key is not verified", async () => {
    const auth = new SoftAuthenticator({ attestation: "packed" });
    const options = await registrationOptions();
    const response = auth.createCredential({ options, origin, overrides: { signWithOtherKey: true } });
    expect(
      await registrationVerifies({
        response,
        expectedChallenge: options.challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
      }),
    ).toBe(false);
  });

  it("refuses excluded credentials only when honorExcludeCredentials is set", async () => {
    for (const honor of [false, true]) {
      const auth = new SoftAuthenticator({ honorExcludeCredentials: honor });
      const first = await register(auth);
      const options = await generateRegistrationOptions({
        rpName: "Security Info",
        rpID,
        userName: "alice@example.com",
        excludeCredentials: [{ id: first.id }],
      });
      const attempt = () => auth.createCredential({ options, origin });
      if (honor) expect(attempt).toThrow(SoftAuthenticatorError);
      else expect(attempt().id).not.toBe(first.id);
    }
  });
});

describe("SoftAuthenticator authentication", () => {
  async function setup(options: SoftAuthenticatorOptions = {}) {
    const auth = new SoftAuthenticator(options);
    const credential = await register(auth);
    return { auth, credential };
  }

  it("produces an assertion the library verifies, with an incrementing counter", async () => {
    const { auth, credential } = await setup();
    const options = await generateAuthenticationOptions({
      rpID,
      allowCredentials: [{ id: credential.id }],
      userVerification: "required",
    });
    const response = auth.getAssertion({ options, origin });

    expect(response.id).toBe(credential.id);
    expect(response.rawId).toBe(credential.id);
    expect(response.type).toBe("public-key");
    expect(response.authenticatorAttachment).toBe("platform");
    expect(response.clientExtensionResults).toEqual({});
    expect(response.response.userHandle).toBe(auth.credentials[0]!.userHandle);
    expect(JSON.parse(Buffer.from(response.response.clientDataJSON, "base64url").toString())).toEqual({
      type: "webauthn.get",
      challenge: options.challenge,
      origin,
      crossOrigin: false,
    });

    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential,
    });
    expect(result.verified).toBe(true);
    expect(result.authenticationInfo.newCounter).toBe(1);
    expect(result.authenticationInfo.userVerified).toBe(true);
    expect(result.authenticationInfo.credentialID).toBe(credential.id);

    // Second assertion: counter 2, verified against the stored counter 1.
    const options2 = await generateAuthenticationOptions({ rpID });
    const response2 = auth.getAssertion({ options: options2, origin });
    const result2 = await verifyAuthenticationResponse({
      response: response2,
      expectedChallenge: options2.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: { ...credential, counter: 1 },
    });
    expect(result2.verified).toBe(true);
    expect(result2.authenticationInfo.newCounter).toBe(2);
    expect(auth.credentials[0]!.counter).toBe(2);
  });

  it("picks the discoverable credential for the RP when allowCredentials is empty", async () => {
    const { auth } = await setup();
    await register(auth);
    const [first, second] = auth.credentials;
    const options = await generateAuthenticationOptions({ rpID });
    expect(auth.getAssertion({ options, origin }).id).toBe(first!.id);
    expect(auth.getAssertion({ options, origin, credentialId: second!.id }).id).toBe(second!.id);

    const allowOnlySecond = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: second!.id }] });
    expect(auth.getAssertion({ options: allowOnlySecond, origin }).id).toBe(second!.id);

    const otherRp = await generateAuthenticationOptions({ rpID: "example.com" });
    expect(() => auth.getAssertion({ options: otherRp, origin: "https://example.com" })).toThrow(
      SoftAuthenticatorError,
    );
  });

  it("is rejected with a wrong origin, rpId, challenge, type, or a bad signature", async () => {
    const { auth, credential } = await setup();
    const options = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }] });
    const expected = {
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential,
    };

    const cases = [
      { origin: "http://evil.example:3000" },
      { rpId: "evil.example" },
      { challenge: toBase64url(new Uint8Array(32)) },
      { type: "webauthn.create" },
      { signWithOtherKey: true },
      { userPresent: false },
    ];
    for (const overrides of cases) {
      const response = auth.getAssertion({ options, origin, overrides });
      expect(await authVerifies({ response, ...expected }), JSON.stringify(overrides)).toBe(false);
    }

    // A signature byte flipped after the fact.
    const response = auth.getAssertion({ options, origin });
    const sig = fromBase64url(response.response.signature);
    sig[sig.length - 1]! ^= 0x01;
    const tampered = { ...response, response: { ...response.response, signature: toBase64url(sig) } };
    expect(await authVerifies({ response: tampered, ...expected })).toBe(false);

    // The untampered response verifies.
    expect(await authVerifies({ response, ...expected })).toBe(true);
  });

  it("rejects UV false when user verification is required", async () => {
    const { auth, credential } = await setup();
    const options = await generateAuthenticationOptions({ rpID, userVerification: "required" });
    const response = auth.getAssertion({ options, origin, overrides: { userVerified: false } });
    const expected = { expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID, credential };
    expect(await authVerifies({ response, ...expected, requireUserVerification: true })).toBe(false);
    expect(await authVerifies({ response, ...expected, requireUserVerification: false })).toBe(true);
  });

  it("supports counter regression via setCounter and overrides.counter", async () => {
    const { auth, credential } = await setup();
    const options = await generateAuthenticationOptions({ rpID });
    const expected = { expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID };

    auth.setCounter(10);
    const r1 = auth.getAssertion({ options, origin });
    const v1 = await verifyAuthenticationResponse({ response: r1, ...expected, credential });
    expect(v1.authenticationInfo.newCounter).toBe(11);

    // Replayed/cloned authenticator reporting a lower counter.
    const r2 = auth.getAssertion({ options, origin, overrides: { counter: 5 } });
    expect(await authVerifies({ response: r2, ...expected, credential: { ...credential, counter: 11 } })).toBe(false);
    expect(auth.credentials[0]!.counter).toBe(11); // overrides do not change stored state

    auth.setCounter(3, credential.id);
    const r3 = auth.getAssertion({ options, origin });
    expect(await authVerifies({ response: r3, ...expected, credential: { ...credential, counter: 11 } })).toBe(false);
  });

  it("reports counter 0 forever with counterIncrement 0 (synced passkeys), which the library accepts", async () => {
    const { auth, credential } = await setup({ counterIncrement: 0, backupEligible: true, backupState: true });
    const options = await generateAuthenticationOptions({ rpID });
    const response = auth.getAssertion({ options, origin });
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential,
    });
    expect(result.verified).toBe(true);
    expect(result.authenticationInfo.newCounter).toBe(0);
    expect(result.authenticationInfo.credentialDeviceType).toBe("multiDevice");
  });

  it("can claim another credential id and report another or no userHandle", async () => {
    const { auth, credential } = await setup();
    const options = await generateAuthenticationOptions({ rpID });
    const claimed = auth.getAssertion({ options, origin, overrides: { credentialId: "AAAA", userHandle: null } });
    expect(claimed.id).toBe("AAAA");
    expect(claimed.rawId).toBe("AAAA");
    expect(claimed.response.userHandle).toBeUndefined();

    const other = auth.getAssertion({ options, origin, overrides: { userHandle: "b3RoZXI" } });
    expect(other.response.userHandle).toBe("b3RoZXI");
    expect(other.id).toBe(credential.id);
  });
});
