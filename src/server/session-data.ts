import "server-only";

export type AuthMethod = "tap" | "passkey";

/** What the encrypted session cookie holds. */
export interface SessionData {
  /** Random id of this browser session; WebAuthn challenges are bound to it. */
  binding?: string;
  userId?: string;
  /** The methods used at the last authentication. */
  methods?: AuthMethod[];
  /** Whether that authentication counts as multifactor. */
  mfa?: boolean;
  /** When the user last authenticated (ms since epoch). */
  authTime?: number;
}

export const SESSION_COOKIE = "si_session";
/** The cookie expires with the browser session or after this; authTime governs freshness. */
export const SESSION_TTL_SECONDS = 60 * 60 * 12;
