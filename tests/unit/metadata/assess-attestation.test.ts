// Which registrations count as attestation verified against the loaded FIDO metadata.
import { describe, expect, it } from "vitest";
import { assessAttestation } from "@/server/webauthn/metadata/assess-attestation";
import type { LoadedMetadata } from "@/server/webauthn/metadata/loaded-metadata";
import { cborEncode } from "../../fixtures/soft-authenticator";

const LISTED = "2fc0579f-8113-47ea-b116-bb5a8db9202a";
const metadata = {
  no: 1,
  nextUpdate: "2099-01-01",
  statements: [{ aaguid: LISTED }],
  dropped: 0,
  path: "/blob.jwt",
  loadedAt: new Date(),
} as unknown as LoadedMetadata;

function attestationObject(fmt: string, x5c: boolean) {
  const attStmt = new Map<string, Uint8Array | number | Uint8Array[]>([["alg", -7], ["sig", new Uint8Array([1])]]);
  if (x5c) attStmt.set("x5c", [new Uint8Array([0x30, 0x00])]);
  return cborEncode(new Map<string, never>([["fmt", fmt as never], ["attStmt", attStmt as never], ["authData", new Uint8Array(37) as never]]));
}

describe("assessAttestation", () => {
  it("counts a packed certificate chain for an AAGUID with a statement (any case) as verified", () => {
    expect(assessAttestation({ fmt: "packed", aaguid: LISTED.toUpperCase(), attestationObject: attestationObject("packed", true), metadata })).toEqual({ verified: true, problem: null });
  });

  it.each([
    ["no blob is loaded", { fmt: "packed", aaguid: LISTED, x5c: true, metadata: null }, "noMetadata"],
    ["'none'", { fmt: "none", aaguid: LISTED, x5c: false, metadata }, "none"],
    ["self attestation", { fmt: "packed", aaguid: LISTED, x5c: false, metadata }, "self"],
    ["an AAGUID without a statement", { fmt: "packed", aaguid: "b93fd961-f2e6-462f-b122-82002247de78", x5c: true, metadata }, "notInMetadata"],
    ["fido-u2f, which has no AAGUID to look up", { fmt: "fido-u2f", aaguid: "00000000-0000-0000-0000-000000000000", x5c: true, metadata }, "notInMetadata"],
    ["apple, which the library checks against Apple's root only", { fmt: "apple", aaguid: LISTED, x5c: true, metadata }, "notInMetadata"],
  ])("does not count %s", (_name, input, problem) => {
    const result = assessAttestation({ fmt: input.fmt, aaguid: input.aaguid, attestationObject: attestationObject(input.fmt, input.x5c), metadata: input.metadata });
    expect(result).toEqual({ verified: false, problem });
  });
});
