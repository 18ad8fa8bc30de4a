"use client";

import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import type { PasskeySignInResponse } from "@/contracts/auth";
import { callApi } from "./api";
import { signalAcceptedCredentials } from "./signals";

/** Fetches sign-in options: for one account (username-first) or any passkey (usernameless, autofill). */
export function getSignInOptions(email?: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return callApi<PublicKeyCredentialRequestOptionsJSON>("/api/webauthn/authentication/options", {
    body: email ? { email } : {},
  });
}

/** Completes a passkey sign-in and tells the password manager which passkeys still count. */
export async function verifyPasskeySignIn(response: unknown): Promise<void> {
  const { signals } = await callApi<PasskeySignInResponse>("/api/webauthn/authentication/verify", { body: { response } });
  if (signals) signalAcceptedCredentials(signals);
}

/** One whole passkey sign-in: options, the browser prompt, verification. */
export async function passkeySignIn(email?: string, autofill = false): Promise<void> {
  const optionsJSON = await getSignInOptions(email);
  const response = await startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
  await verifyPasskeySignIn(response);
}
