import "server-only";
import type { AuthenticatorStatus, MetadataBLOBPayloadEntry } from "@simplewebauthn/server";

/**
 * Statuses after which an authenticator's attestation proves nothing any more (FIDO Metadata
 * Service v3.0 §3.1.4 AuthenticatorStatus): its user verification can be bypassed, its attestation
 * or user keys were extracted, or FIDO revoked its certification.
 */
export const COMPROMISED_STATUSES: ReadonlySet<AuthenticatorStatus> = new Set<AuthenticatorStatus>([
  "USER_VERIFICATION_BYPASS",
  "ATTESTATION_KEY_COMPROMISE",
  "USER_KEY_REMOTE_COMPROMISE",
  "USER_KEY_PHYSICAL_COMPROMISE",
  "REVOKED",
]);

/**
 * The entries to trust and how many were dropped. An entry goes if any of its status reports is a
 * compromise or revocation, not only the latest: a later UPDATE_AVAILABLE or re-certification
 * fixes new devices, not the ones already in people's hands.
 */
export function dropCompromisedEntries(entries: readonly MetadataBLOBPayloadEntry[]): {
  kept: MetadataBLOBPayloadEntry[];
  dropped: number;
} {
  const kept = entries.filter((entry) => !(entry.statusReports ?? []).some((report) => COMPROMISED_STATUSES.has(report.status)));
  return { kept, dropped: entries.length - kept.length };
}
