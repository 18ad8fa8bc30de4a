import { z } from "zod";

/** "Not now" on the passkey registration prompt carries nothing but the request itself. */
export const CampaignSkipBody = z.object({}).strict();
export type CampaignSkipBody = z.infer<typeof CampaignSkipBody>;

export const CampaignSkipResponse = z.object({
  /** How many times the user has chosen "Not now" so far. */
  skips: z.number().int(),
  /** How many more times they may. */
  skipsLeft: z.number().int(),
  /** When the prompt shows again (ISO 8601). */
  snoozedUntil: z.string(),
});
export type CampaignSkipResponse = z.infer<typeof CampaignSkipResponse>;
