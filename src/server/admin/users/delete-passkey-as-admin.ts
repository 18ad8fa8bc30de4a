import "server-only";
import { recordAudit, type AuditContext } from "../../audit";
import { getDb } from "../../db";
import { assertRowId, passkeyNotFound, userNotFound } from "./user-id";

/**
 * An administrator deletes one of a user's passkeys. The passkey must belong to that user: the
 * delete matches both ids, so naming another user's passkey changes nothing.
 * @throws USER_NOT_FOUND, PASSKEY_NOT_FOUND
 */
export async function deletePasskeyAsAdmin(input: {
  adminId: string;
  userId: string;
  passkeyId: string;
  ctx: AuditContext;
}): Promise<{ deleted: string }> {
  const userId = assertRowId(input.userId, userNotFound);
  const passkeyId = assertRowId(input.passkeyId, passkeyNotFound);
  return getDb().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!user) throw userNotFound();
    const [row] = await tx.passkey.findMany({
      where: { id: passkeyId, userId },
      select: { id: true, name: true, aaguid: true, credentialId: true },
    });
    if (!row) throw passkeyNotFound();
    const { count } = await tx.passkey.deleteMany({ where: { id: passkeyId, userId } });
    if (count === 0) throw passkeyNotFound();
    await recordAudit(tx, input.ctx, {
      type: "admin.passkey.deleted",
      outcome: "success",
      actorId: input.adminId,
      subjectUserId: userId,
      details: { passkeyId: row.id, name: row.name, aaguid: row.aaguid, credentialId: row.credentialId },
    });
    return { deleted: row.id };
  });
}
