// A credential's public key must be the kind of key its algorithm names: the one check that stands
// between a "none" attestation and a stored key that can never verify a sign-in.
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { credentialKeyProblem } from "@/server/webauthn/credential-key-problem";
import { cborEncode, fromBase64url, type CborValue } from "../../fixtures/soft-authenticator";

const cose = (entries: Array<[number, CborValue]>) => cborEncode(new Map<number, CborValue>(entries));

function jwkOf(key: KeyObject) {
  const jwk = key.export({ format: "jwk" });
  return { x: fromBase64url(jwk.x ?? ""), y: fromBase64url(jwk.y ?? ""), n: fromBase64url(jwk.n ?? ""), e: fromBase64url(jwk.e ?? "") };
}

const p256 = jwkOf(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey);
const p384 = jwkOf(generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey);
const ed25519 = jwkOf(generateKeyPairSync("ed25519").publicKey);
const rsa = jwkOf(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey);

describe("credentialKeyProblem", () => {
  it("accepts a real key of each kind the ceremony may see", () => {
    expect(credentialKeyProblem(cose([[1, 2], [3, -7], [-1, 1], [-2, p256.x], [-3, p256.y]]))).toBeNull();
    expect(credentialKeyProblem(cose([[1, 2], [3, -35], [-1, 2], [-2, p384.x], [-3, p384.y]]))).toBeNull();
    expect(credentialKeyProblem(cose([[1, 1], [3, -8], [-1, 6], [-2, ed25519.x]]))).toBeNull();
    expect(credentialKeyProblem(cose([[1, 3], [3, -257], [-1, rsa.n], [-2, rsa.e]]))).toBeNull();
  });

  it("refuses an ES256 algorithm on an RSA, OKP or P-384 key", () => {
    expect(credentialKeyProblem(cose([[1, 3], [3, -7], [-1, rsa.n], [-2, rsa.e]]))).toMatch(/key type/);
    expect(credentialKeyProblem(cose([[1, 1], [3, -7], [-1, 6], [-2, ed25519.x]]))).toMatch(/key type/);
    expect(credentialKeyProblem(cose([[1, 2], [3, -7], [-1, 2], [-2, p384.x], [-3, p384.y]]))).toMatch(/curve/);
  });

  it("refuses EdDSA or RS256 on a P-256 key", () => {
    expect(credentialKeyProblem(cose([[1, 2], [3, -8], [-1, 1], [-2, p256.x], [-3, p256.y]]))).toMatch(/key type/);
    expect(credentialKeyProblem(cose([[1, 2], [3, -257], [-1, 1], [-2, p256.x], [-3, p256.y]]))).toMatch(/key type/);
  });

  it("refuses coordinates of the wrong size, a missing one, or a point off the curve", () => {
    expect(credentialKeyProblem(cose([[1, 2], [3, -7], [-1, 1], [-2, p256.x.slice(1)], [-3, p256.y]]))).toMatch(/x must be/);
    expect(credentialKeyProblem(cose([[1, 2], [3, -7], [-1, 1], [-2, p256.x]]))).toMatch(/y must be/);
    const offCurve = Uint8Array.from(p256.y);
    offCurve[31]! ^= 1;
    expect(credentialKeyProblem(cose([[1, 2], [3, -7], [-1, 1], [-2, p256.x], [-3, offCurve]]))).toMatch(/cannot be imported/);
  });

  it("refuses a short RSA modulus, an unknown or missing algorithm, and bytes that are no COSE_Key", () => {
    expect(credentialKeyProblem(cose([[1, 3], [3, -257], [-1, new Uint8Array(randomBytes(64))], [-2, rsa.e]]))).toMatch(/modulus/);
    expect(credentialKeyProblem(cose([[1, 2], [3, -65535], [-1, 1], [-2, p256.x], [-3, p256.y]]))).toMatch(/not supported/);
    expect(credentialKeyProblem(cose([[1, 2], [-1, 1], [-2, p256.x], [-3, p256.y]]))).toMatch(/no algorithm/);
    expect(credentialKeyProblem(cborEncode([1, 2, 3]))).not.toBeNull();
    expect(credentialKeyProblem(Uint8Array.of(0xff, 0x00))).not.toBeNull();
  });
});
