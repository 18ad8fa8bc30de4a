import "server-only";
import type { CampaignSkipResponse } from "@/contracts/campaign";
import { recordAudit, type AuditContext } from "../audit";
import { getDb } from "../db";
import { AppError } from "../errors";
import { getCampaignPolicy, getPasskeyPolicy } from "../policy/passkey-policy";
import type { SignedInUser } from "../session";
import { snoozeEnd } from "./campaign-prompt";

/**
 * "Not now" on the registration prompt: counts the skip and rests the prompt for the policy's
 * days. Allowed only while the prompt shows and may be skipped; the check and the change are one
 * conditional UPDATE, so concurrent skips can never take the count past the limit.
 * @throws CAMPAIGN_SKIP_NOT_ALLOWED (nothing changes)
 */
export async function skipUserCampaign(signedIn: SignedInUser, ctx: AuditContext, now = new Date()): Promise<CampaignSkipResponse> {
  const [campaign, passkeys] = await Promise.all([getCampaignPolicy(), getPasskeyPolicy()]);
  if (!campaign.campaignEnabled || !passkeys.enabled || !signedIn.mfa) throw notAllowed();
  const until = snoozeEnd(now, campaign.campaignSnoozeDays);
  return getDb().$transaction(async (tx) => {
    // The same conditions as campaignPrompt, evaluated on the row as the UPDATE locks it: a
    // second skip racing the first sees the first one's count and snooze.
    const rows = await tx.$queryRaw<Array<{ campaignSkips: number }>>`
      UPDATE "User" AS u
      SET "campaignSkips" = u."campaignSkips" + 1, "campaignSnoozedUntil" = ${until}
      WHERE u."id" = ${signedIn.userId}::uuid
        AND u."campaignSkips" < ${campaign.campaignSkipLimit}
        AND (u."campaignSnoozedUntil" IS NULL OR u."campaignSnoozedUntil" <= ${now})
        AND NOT EXISTS (SELECT 1 FROM "Passkey" AS p WHERE p."userId" = u."id")
      RETURNING u."campaignSkips"`;
    const row = rows[0];
    if (!row) throw notAllowed();
    await recordAudit(tx, ctx, {
      type: "campaign.skipped",
      outcome: "success",
      actorId: signedIn.userId,
      subjectUserId: signedIn.userId,
      details: { skips: row.campaignSkips },
    });
    return {
      skips: row.campaignSkips,
      skipsLeft: Math.max(0, campaign.campaignSkipLimit - row.campaignSkips),
      snoozedUntil: until.toISOString(),
    };
  });
}

function notAllowed() {
  return new AppError("CAMPAIGN_SKIP_NOT_ALLOWED", "Your organization requires a passkey. Add one to continue.");
}
