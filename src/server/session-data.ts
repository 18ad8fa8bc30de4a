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

export const SESSION_COOKIE = "si_session";
/**
 * A separate cookie holds the browser's binding id (WebAuthn challenges are bound to it), so that
 * asking for ceremony options never rewrites the sign-in cookie a parallel request just set.
 */
export const BINDING_COOKIE = "si_binding";

export interface BindingData {
  binding?: string;
}
/** The cookie's lifetime with the default SESSION_ABSOLUTE_HOURS (12); tests seal cookies with it. */
export const SESSION_TTL_SECONDS = 60 * 60 * 12;
