// The API's error codes and their HTTP statuses, without zod: the browser's client types its errors
// with them (src/components/api.ts) without pulling the schema library into the page.

/**
 * Every error code the API can answer with, and its HTTP status. Clients switch on the code;
 * messages may be reworded, codes are never renamed.
 */
export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  CROSS_SITE_REQUEST: 403,
  UNAUTHENTICATED: 401,
  REAUTH_REQUIRED: 401,
  TAP_INVALID: 401,
  CHALLENGE_INVALID: 400,
  CHALLENGE_EXPIRED: 400,
  REGISTRATION_FAILED: 400,
  CREDENTIAL_ALREADY_REGISTERED: 409,
  /** The passkey policy was saved by someone else since this edit started (stale version). */
  POLICY_CONFLICT: 409,
  /** Attestation cannot be enforced: no verified FIDO metadata (MDS3) blob is loaded. */
  ATTESTATION_METADATA_UNAVAILABLE: 409,
  /** The passkey breaks the organization's passkey policy (synced, provider or target rule). */
  PASSKEY_NOT_ALLOWED: 403,
  AUTHENTICATION_FAILED: 401,
  COUNTER_REGRESSION: 401,
  PASSKEY_NOT_FOUND: 404,
  PASSKEY_NAME_TAKEN: 409,
  PASSKEY_LIMIT_REACHED: 409,
  PASSKEYS_DISABLED: 403,
  LAST_SIGN_IN_METHOD: 409,
  /** Signed in, but not allowed: administrator pages and routes for everyone else. */
  FORBIDDEN: 403,
  /** An administrator whose session is single-factor (a password alone, a passkey without user verification). */
  MULTIFACTOR_REQUIRED: 403,
  USER_NOT_FOUND: 404,
  /** Password sign-in or step-up: the email, password or authenticator-app code is wrong (never says which). */
  INVALID_CREDENTIALS: 401,
  /** Too many failed TAP, password or code attempts: non-passkey methods wait (Retry-After says how long). */
  SIGN_IN_LOCKED: 429,
  /** Too many WebAuthn options requests from this address or for this account (Retry-After says how long). */
  RATE_LIMITED: 429,
  /** The database could not be reached or dropped the connection mid-request: nothing was saved, try again. */
  SERVICE_UNAVAILABLE: 503,
  /** A new password that is too short or on the common-passwords list. */
  PASSWORD_REJECTED: 400,
  /** The current password given when changing it is wrong. */
  PASSWORD_INCORRECT: 400,
  /** Setting up an authenticator app: the confirmation code does not match the secret. */
  CODE_INVALID: 400,
  AUTHENTICATOR_APP_EXISTS: 409,
  AUTHENTICATOR_APP_NOT_FOUND: 404,
  /** The registration campaign may no longer be skipped (the "Not now" limit is reached). */
  CAMPAIGN_SKIP_NOT_ALLOWED: 409,
  NOT_FOUND: 404,
  /** The route exists but does not take this HTTP method (the `Allow` header lists those it takes). */
  METHOD_NOT_ALLOWED: 405,
  INTERNAL: 500,
  /** The default sign-in method chosen is not one the user has (password means password + authenticator app). */
  METHOD_NOT_REGISTERED: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Whether `code` is one of ours (an answer from something else in front of the app may not be). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}
