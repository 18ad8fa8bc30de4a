"use client";

import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
} from "@simplewebauthn/browser";
import type { PasskeyResponse, PasskeySummary } from "@/contracts/passkeys";
import { callApi } from "./api";

type ClientCapabilities = Record<string, boolean | undefined>;

/**
 * Whether this browser can create a passkey conditionally (a password manager adds it right after
 * a password sign-in, without a prompt). Browsers that report capabilities say so directly; for
 * the others, support for conditional get (autofill) is the closest signal.
 */
export async function browserSupportsAutoRegister(): Promise<boolean> {
  if (!browserSupportsWebAuthn()) return false;
  const getCapabilities = (
    window.PublicKeyCredential as unknown as { getClientCapabilities?: () => Promise<ClientCapabilities> }
  ).getClientCapabilities;
  if (typeof getCapabilities === "function") {
    try {
      const capabilities = await getCapabilities.call(window.PublicKeyCredential);
      if (typeof capabilities.conditionalCreate === "boolean") return capabilities.conditionalCreate;
    } catch {
      // Fall back to the autofill signal below.
    }
  }
  return browserSupportsWebAuthnAutofill();
}

/**
 * Asks the password manager that just filled the password to save a passkey too (conditional
 * create). Resolves with the stored passkey; rejects when the browser declines, the user goes
 * elsewhere, another ceremony starts, or the server refuses. Callers treat every failure as silent.
 */
export async function autoRegisterPasskey(): Promise<PasskeySummary> {
  const optionsJSON = await callApi<PublicKeyCredentialCreationOptionsJSON>("/api/webauthn/registration/options", {
    body: { auto: true },
  });
  const response = await startRegistration({ optionsJSON, useAutoRegister: true });
  const { passkey } = await callApi<PasskeyResponse>("/api/webauthn/registration/verify", {
    body: { response, auto: true },
  });
  return passkey;
}
