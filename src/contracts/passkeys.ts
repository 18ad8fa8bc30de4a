import { PolicyVerdict } from "./policy";
import { z } from "zod";
import { PasskeyName } from "./webauthn";

export const PasskeySummary = z.object({
  id: z.string(),
  /** base64url; the Signal API needs it after a delete. */
  credentialId: z.string(),
  name: z.string(),
  aaguid: z.string(),
  provider: z.object({
    name: z.string(),
    /** Whether the AAGUID named a provider we know ("Passkey" otherwise). */
    known: z.boolean(),
    /** `data:` URLs, rendered only through <img>. */
    iconLight: z.string(),
    iconDark: z.string(),
  }),
  /** singleDevice = device-bound; multiDevice = synced (backup eligible). */
  deviceType: z.enum(["singleDevice", "multiDevice"]),
  backedUp: z.boolean(),
  transports: z.array(z.string()),
  createdOn: z.object({ browser: z.string().nullable(), os: z.string().nullable(), device: z.string().nullable() }),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  /** Whether the current passkey policy still accepts this passkey, and if not, which rule. */
  policy: PolicyVerdict,
});
export type PasskeySummary = z.infer<typeof PasskeySummary>;

export const PasskeyListResponse = z.object({ passkeys: z.array(PasskeySummary) });
export type PasskeyListResponse = z.infer<typeof PasskeyListResponse>;

export const PasskeyResponse = z.object({ passkey: PasskeySummary });
export type PasskeyResponse = z.infer<typeof PasskeyResponse>;

export const RenamePasskeyBody = z.object({ name: PasskeyName });
export type RenamePasskeyBody = z.infer<typeof RenamePasskeyBody>;

export const PasskeyIdParam = z.string().uuid("Unknown passkey.");

export const DeletePasskeyBody = z.object({
  /** Deleting the last way to sign in needs this explicit confirmation. */
  confirmNoSignInMethod: z.boolean().optional(),
});
export type DeletePasskeyBody = z.infer<typeof DeletePasskeyBody>;

export const DeletePasskeyResponse = z.object({
  deleted: z.object({ id: z.string(), credentialId: z.string() }),
  /** This browser had signed in with that passkey: its session ended with it. */
  signedOut: z.boolean(),
});
export type DeletePasskeyResponse = z.infer<typeof DeletePasskeyResponse>;
