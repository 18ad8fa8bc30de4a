import { z } from "zod";

/**
 * What the browser needs to tell password managers about the user's passkeys (WebAuthn Signal
 * API): the current accepted credentials and the account's names.
 */
export const CredentialSignals = z.object({
  rpId: z.string(),
  /** The WebAuthn user handle (base64url), as registration used it. */
  userId: z.string(),
  userName: z.string(),
  displayName: z.string(),
  acceptedCredentialIds: z.array(z.string()),
});
export type CredentialSignals = z.infer<typeof CredentialSignals>;
