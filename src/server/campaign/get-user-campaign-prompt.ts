import "server-only";
import { getDb } from "../db";
import { getCampaignPolicy, getPasskeyPolicy } from "../policy/passkey-policy";
import type { SignedInUser } from "../session";
import { campaignPrompt, type CampaignPromptShown } from "./campaign-prompt";

export interface UserCampaignPrompt extends CampaignPromptShown {
  email: string;
}

/**
 * The registration prompt for the signed-in user right now, read from the database, or null when
 * it does not show (see campaignPrompt) or the account no longer exists.
 */
export async function getUserCampaignPrompt(signedIn: SignedInUser, now = new Date()): Promise<UserCampaignPrompt | null> {
  const [user, campaign, passkeys] = await Promise.all([
    getDb().user.findUnique({
      where: { id: signedIn.userId },
      select: { email: true, campaignSkips: true, campaignSnoozedUntil: true, _count: { select: { passkeys: true } } },
    }),
    getCampaignPolicy(),
    getPasskeyPolicy(),
  ]);
  if (!user) return null;
  const prompt = campaignPrompt({
    policy: { ...campaign, passkeysEnabled: passkeys.enabled },
    user: { passkeyCount: user._count.passkeys, campaignSkips: user.campaignSkips, campaignSnoozedUntil: user.campaignSnoozedUntil },
    session: { mfa: signedIn.mfa },
    now,
  });
  return prompt && { ...prompt, email: user.email };
}
