import { z } from "zod";
import { PasskeyName } from "./webauthn";

export const PasskeySummary = z.object({
  id: z.string(),
  name: z.string(),
  aaguid: z.string(),
  providerName: z.string(),
  deviceType: z.enum(["singleDevice", "multiDevice"]),
  backedUp: z.boolean(),
  transports: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type PasskeySummary = z.infer<typeof PasskeySummary>;

export const PasskeyListResponse = z.object({ passkeys: z.array(PasskeySummary) });
export type PasskeyListResponse = z.infer<typeof PasskeyListResponse>;

export const PasskeyResponse = z.object({ passkey: PasskeySummary });
export type PasskeyResponse = z.infer<typeof PasskeyResponse>;

export const RenamePasskeyBody = z.object({ name: PasskeyName });
export type RenamePasskeyBody = z.infer<typeof RenamePasskeyBody>;

export const PasskeyIdParam = z.string().uuid("Unknown passkey.");
