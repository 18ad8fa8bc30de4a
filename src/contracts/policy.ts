import { z } from "zod";

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
