"use client";

import { sendSignal } from "@simplewebauthn/browser";
import type { CredentialSignals } from "@/contracts/signals";

// WebAuthn Signal API: tell the browser (and so the user's password manager) what changed, so it
// stops offering deleted passkeys and shows current names. Best effort: feature-detected by the
// library, never awaited by the UI, failures ignored.
function fireAndForget(signal: Parameters<typeof sendSignal>[0]): void {
  if (typeof PublicKeyCredential === "undefined") return;
  sendSignal(signal).catch(() => undefined);
}

export function signalAcceptedCredentials(s: CredentialSignals): void {
  fireAndForget({ signalName: "allAcceptedCredentials", rpID: s.rpId, userID: s.userId, allAcceptedCredentialIDs: s.acceptedCredentialIds });
}

export function signalCurrentUserDetails(s: CredentialSignals): void {
  fireAndForget({ signalName: "currentUserDetails", rpID: s.rpId, userID: s.userId, userName: s.userName, userDisplayName: s.displayName });
}

export function signalUnknownCredential(rpId: string, credentialId: string): void {
  fireAndForget({ signalName: "unknownCredential", rpID: rpId, credentialID: credentialId });
}
