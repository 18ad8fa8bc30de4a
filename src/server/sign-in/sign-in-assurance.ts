import "server-only";
import type { AuthMethod } from "../session-data";

/**
 * What a completed sign-in proved, as the code that verified it saw it. The verifying functions
 * report facts; signInAssurance alone decides what they are worth
 * (docs/decisions/013-what-a-session-is-worth.md).
 */
export type SignInProof =
  /** A passkey assertion: possession, plus inherence or knowledge only when the UV flag is set. */
  | { method: "passkey"; passkeyId: string; userVerified: boolean }
  /** A Temporary Access Pass: issued after an administrator verified the person. */
  | { method: "tap" }
  /** A password alone. */
  | { method: "password" }
  /** A password and a code from the account's confirmed authenticator app. */
  | { method: "password_totp" };

export interface SignInAssurance {
  /** The methods the session records (what the step-up and conditional-create rules read). */
  methods: AuthMethod[];
  /**
   * Multifactor: such a session may pass a step-up (when fresh) and reach administration. A
   * single-factor session may sign in and reach its own security info, nothing more.
   */
  mfa: boolean;
  /** The passkey the session stands on: deleting that passkey ends the session. */
  passkeyId: string | null;
}

/** The one place that decides what a sign-in is worth. */
export function signInAssurance(proof: SignInProof): SignInAssurance {
  switch (proof.method) {
    case "passkey":
      // UP alone (a security key without a PIN) proves possession only: single-factor, like a
      // password. UP + UV is phishing-resistant multifactor (WebAuthn §6.1, flags UP and UV).
      return { methods: ["passkey"], mfa: proof.userVerified, passkeyId: proof.passkeyId };
    case "tap":
      return { methods: ["tap"], mfa: true, passkeyId: null };
    case "password":
      return { methods: ["password"], mfa: false, passkeyId: null };
    case "password_totp":
      return { methods: ["password", "totp"], mfa: true, passkeyId: null };
  }
}
