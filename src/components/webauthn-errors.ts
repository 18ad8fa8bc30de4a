"use client";

import { WebAuthnError } from "@simplewebauthn/browser";

export type CreateFailure = "cancelled" | "timeout" | "already-registered" | "not-allowed" | "unsupported" | "other";

function errorName(error: unknown): string | undefined {
  if (error instanceof WebAuthnError) return (error.cause as Error | undefined)?.name ?? error.name;
  return (error as Error | undefined)?.name;
}

/**
 * What ended the browser's create() prompt. Browsers report a cancel and a timeout alike
 * (NotAllowedError), so the time it took tells them apart; our own Cancel aborts (AbortError).
 */
export function classifyCreateError(error: unknown, elapsedMs: number, timeoutMs: number): CreateFailure {
  const name = errorName(error);
  const code = error instanceof WebAuthnError ? error.code : undefined;
  if (code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED" || name === "InvalidStateError") return "already-registered";
  if (code === "ERROR_CEREMONY_ABORTED" || name === "AbortError") return "cancelled";
  if (name === "NotAllowedError") return elapsedMs >= timeoutMs - 2_000 ? "timeout" : "not-allowed";
  if (name === "NotSupportedError" || name === "SecurityError" || code === "ERROR_INVALID_DOMAIN") return "unsupported";
  return "other";
}

export const CREATE_FAILURE_MESSAGES: Record<CreateFailure, string> = {
  cancelled: "You cancelled adding the passkey. Nothing was saved.",
  timeout: "The request timed out before a passkey was saved. Try again, or choose another place to save it.",
  "already-registered":
    "This device or security key already has a passkey for your account. Choose another place to save the new one.",
  "not-allowed":
    "The passkey wasn't saved: the browser's prompt was closed, or the device didn't allow it. You can try again.",
  unsupported: "This browser or device can't create a passkey here. Try another device.",
  other: "The passkey couldn't be created. Please try again.",
};

/** Our own wording for what the browser's sign-in prompt can end with. */
export function describeWebAuthnError(error: unknown, ceremony: "create" | "get"): string {
  if (ceremony === "create") return CREATE_FAILURE_MESSAGES[classifyCreateError(error, 0, Infinity)];
  const name = errorName(error);
  if (name === "NotAllowedError" || name === "AbortError") return "Sign-in was cancelled or timed out.";
  if (name === "SecurityError") return "This site can't use passkeys at this address.";
  return "Sign-in didn't complete. Please try again.";
}
