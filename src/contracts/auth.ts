import { z } from "zod";
import { CredentialSignals } from "./signals";
import { Email } from "./webauthn";

export const TapSignInBody = z.object({
  email: Email,
  // Codes are shown grouped for reading; spaces and dashes the user types are ignored.
  code: z
    .string()
    .max(64)
    .transform((s) => s.replace(/[\s-]/g, "").toUpperCase())
    .pipe(z.string().min(1, "Enter the Temporary Access Pass.")),
});
export type TapSignInBody = z.infer<typeof TapSignInBody>;

export const SignInResponse = z.object({
  user: z.object({ id: z.string(), email: z.string(), displayName: z.string() }),
});
export type SignInResponse = z.infer<typeof SignInResponse>;

/** A passkey sign-in also hands the browser what its Signal API passes on to password managers. */
export const PasskeySignInResponse = SignInResponse.extend({ signals: CredentialSignals.nullable() });
export type PasskeySignInResponse = z.infer<typeof PasskeySignInResponse>;

/**
 * A way the sign-in page can offer: "password_totp" is a password with an authenticator-app code
 * (multifactor), "password" a password alone (single-factor).
 */
export const SignInOption = z.enum(["passkey", "password_totp", "password", "tap"]);
export type SignInOption = z.infer<typeof SignInOption>;

export const IdentifyBody = z.object({ email: Email });
export type IdentifyBody = z.infer<typeof IdentifyBody>;

export const IdentifyResponse = z.object({
  methods: z.array(SignInOption).min(1),
  preferred: SignInOption,
});
export type IdentifyResponse = z.infer<typeof IdentifyResponse>;

export const PasswordSignInBody = z.object({
  email: Email,
  // Long enough for any passphrase; the hash, not this limit, does the work.
  password: z.string().min(1, "Enter your password.").max(1024),
  // Authenticator apps show "123 456"; spaces are ignored. A wrong code is refused like a wrong
  // password, so only the length is checked here.
  code: z
    .string()
    .max(32)
    .transform((s) => s.replace(/\s/g, ""))
    .optional(),
});
export type PasswordSignInBody = z.infer<typeof PasswordSignInBody>;
