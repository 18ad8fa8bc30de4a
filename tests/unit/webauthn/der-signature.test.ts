// ECDSA signatures must be strict DER: a changed byte anywhere in the encoding is a refusal, even
// where a lenient ASN.1 reader would still find the same r and s.
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isStrictDerEcdsaSignature } from "@/server/webauthn/der-signature";

const signatures = (["P-256", "P-384", "P-521"] as const).map((namedCurve) => {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve });
  return [namedCurve, new Uint8Array(sign("sha256", Buffer.from("data"), privateKey))] as const;
});

describe("isStrictDerEcdsaSignature", () => {
  it.each(signatures)("accepts what node signs with %s", (_, signature) => {
    expect(isStrictDerEcdsaSignature(signature)).toBe(true);
  });

  it("refuses a signature whose outer length was changed (one bit of byte 1)", () => {
    for (const [, signature] of signatures) {
      const changed = Uint8Array.from(signature);
      const at = changed[1] === 0x81 ? 2 : 1;
      changed[at]! ^= 0x02;
      expect(isStrictDerEcdsaSignature(changed)).toBe(false);
    }
  });

  it("refuses trailing bytes, a truncated signature and a wrong tag", () => {
    const [, signature] = signatures[0]!;
    expect(isStrictDerEcdsaSignature(Uint8Array.of(...signature, 0))).toBe(false);
    expect(isStrictDerEcdsaSignature(signature.slice(0, -1))).toBe(false);
    expect(isStrictDerEcdsaSignature(Uint8Array.of(0x31, ...signature.slice(1)))).toBe(false);
    expect(isStrictDerEcdsaSignature(new Uint8Array(0))).toBe(false);
  });

  it("refuses negative and non-minimal integers", () => {
    const r = [0x02, 0x02, 0x00, 0x01];
    const s = [0x02, 0x01, 0x01];
    expect(isStrictDerEcdsaSignature(Uint8Array.of(0x30, r.length + s.length, ...r, ...s))).toBe(false);
    const negative = [0x02, 0x01, 0x80];
    expect(isStrictDerEcdsaSignature(Uint8Array.of(0x30, negative.length + s.length, ...negative, ...s))).toBe(false);
    const padded = [0x02, 0x02, 0x00, 0x80];
    expect(isStrictDerEcdsaSignature(Uint8Array.of(0x30, padded.length + s.length, ...padded, ...s))).toBe(true);
  });
});
