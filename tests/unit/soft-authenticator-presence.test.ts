import { generateRegistrationOptions, verifyRegistrationResponse } from "../fixtures/webauthn-library";
import { describe, expect, it } from "vitest";
import { fromBase64url, SoftAuthenticator } from "../fixtures/soft-authenticator";

const rpID = "localhost";
const origin = "http://localhost:3000";

describe("soft authenticator without user presence (a conditional create)", () => {
  it("clears the UP flag, and such a response verifies only when presence is not required", async () => {
    const options = await generateRegistrationOptions({ rpName: "Test", rpID, userName: "someone@example.test" });
    const response = new SoftAuthenticator({ userPresent: false, userVerified: false }).createCredential({ options, origin });

    const flags = fromBase64url(response.response.authenticatorData!)[32]!;
    expect(flags & 0x01).toBe(0); // UP
    expect(flags & 0x04).toBe(0); // UV
    expect(flags & 0x40).toBe(0x40); // attested credential data

    const expected = { expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: false };
    await expect(verifyRegistrationResponse({ response, ...expected })).rejects.toThrow(/present/i);
    const result = await verifyRegistrationResponse({ response, ...expected, requireUserPresence: false });
    expect(result.verified).toBe(true);
    expect(result.registrationInfo!.userVerified).toBe(false);
  });
});
