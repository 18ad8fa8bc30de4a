"use client";

import type { IdentifyResponse, SignInOption } from "@/contracts/auth";
import { callApi } from "./api";

/** How each way in is named wherever the user chooses one. */
export const SIGN_IN_LABELS: Record<SignInOption, string> = {
  passkey: "Passkey",
  password_totp: "Password and authenticator app",
  password: "Password",
  tap: "Temporary Access Pass",
};

/**
 * The ways `email` can sign in, without passkeys where the browser has no WebAuthn. An unknown
 * email gets an answer of the same kind, so the page behaves the same for it.
 */
export async function identify(email: string, webauthn: boolean): Promise<IdentifyResponse> {
  const answer = await callApi<IdentifyResponse>("/api/auth/identify", { body: { email } });
  const methods = answer.methods.filter((m) => webauthn || m !== "passkey");
  const order: SignInOption[] = ["passkey", "password_totp", "password", "tap"];
  const preferred = methods.includes(answer.preferred) ? answer.preferred : order.find((m) => methods.includes(m)) ?? "tap";
  return { methods: methods.length > 0 ? methods : ["tap"], preferred };
}

/** Where every sign-in goes next: the after-sign-in stop, then the page the user asked for. */
export function continueAfterSignIn(returnTo: string): void {
  // A full navigation on purpose: the new session cookie must reach a fresh server render.
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  window.location.assign(`/signin/continue?returnTo=${encodeURIComponent(returnTo)}`);
}
