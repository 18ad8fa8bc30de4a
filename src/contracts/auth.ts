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

