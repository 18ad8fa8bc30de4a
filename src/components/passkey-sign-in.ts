"use client";

import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import type { PasskeySignInResponse } from "@/contracts/auth";
import { callApi } from "./api";
import { signalAcceptedCredentials } from "./signals";

/**
 * Fetches sign-in options: for one account (username-first) or any passkey (usernameless,
 * autofill); a step-up asks the authenticator to verify the user.
 */
export function getSignInOptions(email?: string, stepUp = false): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return callApi<PublicKeyCredentialRequestOptionsJSON>("/api/webauthn/authentication/options", {
    body: { ...(email && { email }), ...(stepUp && { stepUp: true }) },
  });
}

/** Completes a passkey sign-in and tells the password manager which passkeys still count. */
export async function verifyPasskeySignIn(response: unknown): Promise<void> {
  const { signals } = await callApi<PasskeySignInResponse>("/api/webauthn/authentication/verify", { body: { response } });
  if (signals) signalAcceptedCredentials(signals);
}

/** One whole passkey sign-in: options, the browser prompt, verification. */
export async function passkeySignIn(email?: string, autofill = false, stepUp = false): Promise<void> {
  const optionsJSON = await getSignInOptions(email, stepUp);
  const response = await startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
  await verifyPasskeySignIn(response);
}
