import "server-only";

/** "password" with "totp" is multifactor; "password" alone is single-factor. */
export type AuthMethod = "tap" | "passkey" | "password" | "totp";

/** What the encrypted session cookie holds. */
export interface SessionData {
  /** The server-side session (UserSession row) this cookie stands for. */
  sessionId?: string;
  userId?: string;
  /** The methods used at the last authentication. */
  methods?: AuthMethod[];
  /** Whether that authentication counts as multifactor. */
  mfa?: boolean;
  /** When the user last authenticated (ms since epoch). */
  authTime?: number;
}

// The names live in src/contracts/cookies.ts, beside the rule for their prefix, so tests and the
// benchmark's load generator (which cannot import server-only modules) name cookies the same way.
export { BINDING_COOKIE, SESSION_COOKIE, cookieName } from "@/contracts/cookies";

export interface BindingData {
  binding?: string;
}
/** The cookie's lifetime with the default SESSION_ABSOLUTE_HOURS (12); tests seal cookies with it. */
export const SESSION_TTL_SECONDS = 60 * 60 * 12;
