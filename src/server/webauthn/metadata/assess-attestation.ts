import "server-only";
import { decodeAttestationObject } from "@simplewebauthn/server/helpers";
import type { LoadedMetadata } from "./loaded-metadata";

/** Why an attestation did not verify against the FIDO metadata; null when it did. */
export type AttestationProblem =
  /** No blob is loaded, so nothing can be verified. */
  | "noMetadata"
  /** `none`: the authenticator proved nothing about its make. */
  | "none"
  /** Self attestation (no certificate chain): signed with the credential's own key. */
  | "self"
  /** No statement for this AAGUID in the blob, or a format the library does not check against one. */
  | "notInMetadata";

export interface AttestationAssessment {
  verified: boolean;
  problem: AttestationProblem | null;
}

// The formats whose verification in @simplewebauthn/server checks the x5c chain against the
// statement's attestationRootCertificates when MetadataService has a statement for the AAGUID.
// fido-u2f (no AAGUID) and apple (Apple's own root) never consult the metadata.
const METADATA_CHECKED_FORMATS = new Set(["packed", "tpm", "android-key", "android-safetynet"]);

/**
 * Whether a registration that verifyRegistrationResponse already accepted also proved its make
 * against the loaded metadata: a certificate chain (not `none`, not self attestation) in a format
 * the library checks, for an AAGUID with a statement. The library, given that statement through
 * MetadataService, has then validated the chain to the statement's root certificates (and refused
 * the registration had it not). WebAuthn §8.2: self attestation proves nothing about the maker.
 */
export function assessAttestation(input: {
  fmt: string;
  aaguid: string;
  attestationObject: Uint8Array<ArrayBuffer>;
  metadata: LoadedMetadata | null;
}): AttestationAssessment {
  const refused = (problem: AttestationProblem): AttestationAssessment => ({ verified: false, problem });
  if (!input.metadata) return refused("noMetadata");
  if (input.fmt === "none") return refused("none");
  if (!METADATA_CHECKED_FORMATS.has(input.fmt)) return refused("notInMetadata");
  if (input.fmt !== "android-safetynet" && !hasCertificateChain(input.attestationObject)) return refused("self");
  const aaguid = input.aaguid.toLowerCase();
  const statement = input.metadata.statements.find((s) => s.aaguid?.toLowerCase() === aaguid);
  if (!statement) return refused("notInMetadata");
  return { verified: true, problem: null };
}

function hasCertificateChain(attestationObject: Uint8Array<ArrayBuffer>): boolean {
  const x5c = decodeAttestationObject(attestationObject).get("attStmt").get("x5c");
  return Array.isArray(x5c) && x5c.length > 0;
}
