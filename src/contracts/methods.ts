import { z } from "zod";

/** The longest password accepted (NIST SP 800-63B asks for at least 64). */
export const PASSWORD_MAX_LENGTH = 256;
export { PASSWORD_MIN_LENGTH } from "./labels";

/**
 * A new password. Only its type is checked here; the rules (length, common passwords, not the
 * email) are the server's, so a refusal names the rule with PASSWORD_REJECTED. The cap only keeps
 * absurd input away from the hash.
 */
export const SetPasswordBody = z.object({ newPassword: z.string().max(4 * PASSWORD_MAX_LENGTH) });
export type SetPasswordBody = z.infer<typeof SetPasswordBody>;

export const PasswordSummary = z.object({ changedAt: z.string() });
export type PasswordSummary = z.infer<typeof PasswordSummary>;

export const SetPasswordResponse = z.object({
  password: PasswordSummary,
  /** Whether an earlier password was replaced (false: set for the first time). */
  changed: z.boolean(),
  /** How many of the user's other sessions ended. */
  otherSessionsEnded: z.number().int(),
});
export type SetPasswordResponse = z.infer<typeof SetPasswordResponse>;

/** What the user needs to add the app: shown once, while setting up, never again. */
export const AuthenticatorAppSetupResponse = z.object({
  /** Base32 in groups of four, for typing into the app. */
  secret: z.string(),
  /** The otpauth:// URI the QR code holds. */
  uri: z.string(),
  /** The QR code as an SVG `data:` URL, rendered through <img>. */
  qr: z.string(),
  /** The account and issuer names the app will show. */
  accountName: z.string(),
  issuer: z.string(),
});
export type AuthenticatorAppSetupResponse = z.infer<typeof AuthenticatorAppSetupResponse>;

export const ConfirmAuthenticatorAppBody = z.object({
  code: z.string().trim().max(16),
});
export type ConfirmAuthenticatorAppBody = z.infer<typeof ConfirmAuthenticatorAppBody>;

export const AuthenticatorAppSummary = z.object({ addedAt: z.string() });
export type AuthenticatorAppSummary = z.infer<typeof AuthenticatorAppSummary>;

export const AuthenticatorAppResponse = z.object({ authenticatorApp: AuthenticatorAppSummary });
export type AuthenticatorAppResponse = z.infer<typeof AuthenticatorAppResponse>;

export const RemoveAuthenticatorAppResponse = z.object({
  removed: z.literal(true),
  /** The default sign-in method after the removal (cleared when it was password + app). */
  defaultSignInMethod: z.enum(["passkey", "password"]).nullable(),
});
export type RemoveAuthenticatorAppResponse = z.infer<typeof RemoveAuthenticatorAppResponse>;

/** "password" stands for password + authenticator app: a password alone is not a way to sign in. */
export const SignInMethod = z.enum(["passkey", "password"]);
export type SignInMethod = z.infer<typeof SignInMethod>;

export const DefaultSignInMethodBody = z.object({ method: SignInMethod });
export type DefaultSignInMethodBody = z.infer<typeof DefaultSignInMethodBody>;

export const DefaultSignInMethodResponse = z.object({ defaultSignInMethod: SignInMethod });
export type DefaultSignInMethodResponse = z.infer<typeof DefaultSignInMethodResponse>;

/** The non-passkey methods of the security-info page. */
export const OtherMethods = z.object({
  /** null: the user has no password. */
  password: PasswordSummary.nullable(),
  /** null: no confirmed authenticator app (a setup not finished does not count). */
  authenticatorApp: AuthenticatorAppSummary.nullable(),
  /** What the user chose, or null (the sign-in page then offers what the account has). */
  defaultSignInMethod: SignInMethod.nullable(),
});
export type OtherMethods = z.infer<typeof OtherMethods>;

export { SIGN_IN_METHOD_LABELS } from "./labels";
