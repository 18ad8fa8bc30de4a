import "server-only";
import type { PasskeySummary } from "@/contracts/passkeys";
import type { AuditContext } from "../audit";
import { recordAudit } from "../audit";
import { getDb } from "../db";
import { AppError } from "../errors";
import { passkeySummarySelect, toPasskeySummary } from "./passkey-summary";

/**
 * Renames one of the user's passkeys. Ownership is part of the match, so another user's passkey
 * is simply not found.
 * @throws PASSKEY_NOT_FOUND
 */
export async function renameUserPasskey(
  userId: string,
  passkeyId: string,
  name: string,
  ctx: AuditContext,
): Promise<PasskeySummary> {
  return getDb().$transaction(async (tx) => {
    const before = await tx.passkey.findFirst({ where: { id: passkeyId, userId }, select: { name: true } });
    if (!before) throw new AppError("PASSKEY_NOT_FOUND", "That passkey no longer exists.");
    const row = await tx.passkey.update({
      where: { id: passkeyId, userId },
      data: { name },
      select: passkeySummarySelect,
    });
    await recordAudit(tx, ctx, {
      type: "passkey.renamed",
      outcome: "success",
      actorId: userId,
      subjectUserId: userId,
      details: { passkeyId, from: before.name, to: name },
    });
    return toPasskeySummary(row);
  });
}
