"use client";

import { WebAuthnError } from "@simplewebauthn/browser";

/** Our own wording for what the browser's WebAuthn prompt can end with. */
export function describeWebAuthnError(error: unknown, ceremony: "create" | "get"): string {
  const name = error instanceof WebAuthnError ? (error.cause as Error | undefined)?.name : (error as Error)?.name;
  const code = error instanceof WebAuthnError ? error.code : undefined;
  if (code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED" || name === "InvalidStateError") {
    return "This passkey is already registered on this device. Choose another device or security key.";
  }
  if (name === "NotAllowedError" || name === "AbortError") {
    return ceremony === "create"
      ? "The passkey wasn't saved: the request was cancelled or timed out."
      : "Sign-in was cancelled or timed out.";
  }
  if (name === "SecurityError") return "This site can't use passkeys at this address.";
  if (name === "NotSupportedError" || code === "ERROR_INVALID_DOMAIN") {
    return "This browser or device can't create a passkey here.";
  }
  return ceremony === "create" ? "The passkey couldn't be created. Please try again." : "Sign-in didn't complete. Please try again.";
}
