import "server-only";
import type { PasskeySummary } from "@/contracts/passkeys";
import { Prisma } from "@/generated/prisma/client";
import type { AuditContext } from "../audit";
import { recordAudit } from "../audit";
import { getDb } from "../db";
import { lockUser } from "../lock-user";
import { AppError } from "../errors";
import { getUserPolicyAccess } from "../policy/passkey-policy";
import { nameKey, uniquePasskeyName } from "./passkey-names";
import { passkeySummarySelect, toPasskeySummary } from "./passkey-summary";

/**
 * Renames one of the user's passkeys. Ownership is part of the match, so another user's passkey
 * is simply not found. Names are unique per user, compared without regard to case.
 * @throws PASSKEY_NOT_FOUND, PASSKEY_NAME_TAKEN
 */
export async function renameUserPasskey(
  userId: string,
  passkeyId: string,
  name: string,
  ctx: AuditContext,
): Promise<PasskeySummary> {
  const access = await getUserPolicyAccess(userId);
  try {
    return await getDb().$transaction(async (tx) => {
      await lockUser(tx, userId);
      const passkeys = await tx.passkey.findMany({ where: { userId }, select: { id: true, name: true } });
      const before = passkeys.find((p) => p.id === passkeyId);
      if (!before) throw new AppError("PASSKEY_NOT_FOUND", "That passkey no longer exists.");
      const others = passkeys.filter((p) => p.id !== passkeyId).map((p) => p.name);
      if (others.some((other) => nameKey(other) === nameKey(name))) throw nameTaken(name, others);
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
      return toPasskeySummary(row, access);
    });
  } catch (error) {
    // Two renames racing to the same name: the unique index decides.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw nameTaken(name, [name]);
    throw error;
  }
}

function nameTaken(name: string, others: string[]): AppError {
  return new AppError(
    "PASSKEY_NAME_TAKEN",
    `You already have a passkey named "${name}". Try "${uniquePasskeyName(name, others)}".`,
  );
}
