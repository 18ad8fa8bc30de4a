import { z } from "zod";
import { searchText } from "./text";

/** The registration campaign settings of the passkey policy, as administrators edit them. */
export const CampaignSettings = z.object({
  /** Prompt users without a passkey to add one after they sign in. */
  campaignEnabled: z.boolean(),
  /** Days the prompt rests after "Not now"; 0 prompts again at the next sign-in. */
  campaignSnoozeDays: z.number().int("Use a whole number of days.").min(0).max(14, "Use at most 14 days."),
  /** How many times a user may choose "Not now"; after that the prompt cannot be skipped. */
  campaignSkipLimit: z.number().int("Use a whole number.").min(0).max(10, "Allow at most 10 skips."),
});
export type CampaignSettings = z.infer<typeof CampaignSettings>;

/** A change to some of the campaign settings; unknown fields are refused rather than ignored. */
export const UpdateCampaignSettingsBody = CampaignSettings.partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, "Change at least one setting.");
export type UpdateCampaignSettingsBody = z.infer<typeof UpdateCampaignSettingsBody>;

/** An AAGUID as authenticators report it: a UUID, stored lower-case. */
export const Aaguid = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "Enter an AAGUID such as 01020304-0506-0708-0102-030405060708.");

/** Every field of the passkey policy, each checked on its own. */
export const PasskeyPolicyFields = CampaignSettings.extend({
  /** Whether passkeys may be registered and used at all. */
  enabled: z.boolean(),
  /** Whether users may add passkeys themselves. */
  selfServiceSetup: z.boolean(),
  /** Every user, or only the users in `targetUserIds`. */
  target: z.enum(["all", "selected"]),
  targetUserIds: z.array(z.uuid("Unknown user.")).max(1000, "Select at most 1000 users; target all users instead."),
  /** false = device-bound only, decided from the backup-eligible flag. */
  syncedAllowed: z.boolean(),
  /** off, allow only the listed AAGUIDs, or block the listed AAGUIDs. */
  keyRestriction: z.enum(["off", "allow", "block"]),
  aaguids: z.array(Aaguid).max(200, "List at most 200 AAGUIDs."),
  userVerification: z.enum(["required", "preferred"]),
  maxPasskeys: z.number().int("Use a whole number.").min(1, "Allow at least 1 passkey.").max(10, "Allow at most 10 passkeys."),
  /** Accept only passkeys whose attestation verifies against the loaded FIDO metadata. */
  enforceAttestation: z.boolean(),
}).strict();

/** The whole passkey policy as administrators edit it (one form, one save). */
export const PasskeyPolicySettings = PasskeyPolicyFields.refine((p) => p.keyRestriction !== "allow" || p.aaguids.length > 0, {
    path: ["aaguids"],
    message: "An allow list needs at least one AAGUID, or nobody could add a passkey.",
  })
  .refine((p) => p.target !== "selected" || p.targetUserIds.length > 0, {
    path: ["targetUserIds"],
    message: "Select at least one user, or target all users.",
  })
  .transform((p) => ({ ...p, aaguids: [...new Set(p.aaguids)], targetUserIds: [...new Set(p.targetUserIds)] }));
export type PasskeyPolicySettings = z.infer<typeof PasskeyPolicySettings>;

/** PUT /api/admin/policy: the whole policy and the version it was edited from. */
export const UpdatePasskeyPolicyBody = z.object({
  version: z.number().int().min(1),
  policy: PasskeyPolicySettings,
});
export type UpdatePasskeyPolicyBody = z.infer<typeof UpdatePasskeyPolicyBody>;

/** A user the policy targets, as the admin page shows them. */
export const PolicyTargetUser = z.object({ id: z.string(), email: z.string(), displayName: z.string() });
export type PolicyTargetUser = z.infer<typeof PolicyTargetUser>;

export const PasskeyPolicyResponse = z.object({
  version: z.number(),
  updatedAt: z.string(),
  policy: PasskeyPolicySettings,
  targetUsers: z.array(PolicyTargetUser),
});
export type PasskeyPolicyResponse = z.infer<typeof PasskeyPolicyResponse>;

/** The policy rule a passkey breaks, if any. */
export const PolicyRule = z.enum([
  "disabled",
  "notTargeted",
  "syncedNotAllowed",
  "aaguidNotAllowed",
  "aaguidBlocked",
  "attestationNotVerified",
]);
export type PolicyRule = z.infer<typeof PolicyRule>;

export const PolicyVerdict = z.object({
  allowed: z.boolean(),
  rule: PolicyRule.nullable(),
  message: z.string().nullable(),
});
export type PolicyVerdict = z.infer<typeof PolicyVerdict>;

export { POLICY_RULE_LABELS } from "./labels";

/** GET /api/admin/policy/users?email=: users to pick for a "selected" policy target. */
export const PolicyUserSearchQuery = z.object({
  email: searchText(254).min(1, "Type the start of an email address."),
});
export const PolicyUserSearchResponse = z.object({ users: z.array(PolicyTargetUser) });
export type PolicyUserSearchResponse = z.infer<typeof PolicyUserSearchResponse>;

/** A passkey provider an administrator can pick for the key restriction list. */
export interface PolicyProviderOption {
  aaguid: string;
  name: string;
  iconLight: string;
  iconDark: string;
}
