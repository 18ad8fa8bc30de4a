import "server-only";
import { recordAudit, type AuditContext } from "../../audit";
import { getDb } from "../../db";
import { getCampaignPolicy } from "../../policy/passkey-policy";
import { assertRowId, userNotFound } from "./user-id";

/**
 * Deletes all of a user's passkeys and makes the registration prompt unskippable for them: their
 * "Not now" count is set to the policy's limit and any snooze cleared (see campaignPrompt), so
 * their next multifactor sign-in asks for a new passkey. One transaction with its audit.
 * @throws USER_NOT_FOUND
 */
export async function requireReregistration(input: {
  adminId: string;
  userId: string;
  ctx: AuditContext;
}): Promise<{ deletedPasskeys: number; campaignEnabled: boolean }> {
  const userId = assertRowId(input.userId, userNotFound);
  return getDb().$transaction(async (tx) => {
    const campaign = await getCampaignPolicy(tx);
    const updated = await tx.user.updateMany({
      where: { id: userId },
      data: { campaignSkips: campaign.campaignSkipLimit, campaignSnoozedUntil: null },
    });
    if (updated.count === 0) throw userNotFound();
    const { count } = await tx.passkey.deleteMany({ where: { userId } });
    await recordAudit(tx, input.ctx, {
      type: "admin.passkeys.reregistration_required",
      outcome: "success",
      actorId: input.adminId,
      subjectUserId: userId,
      details: { deletedPasskeys: count, campaignSkipLimit: campaign.campaignSkipLimit, campaignEnabled: campaign.campaignEnabled },
    });
    return { deletedPasskeys: count, campaignEnabled: campaign.campaignEnabled };
  });
}
