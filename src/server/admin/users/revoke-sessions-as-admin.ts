import "server-only";
import { recordAudit, type AuditContext } from "../../audit";
import { getDb } from "../../db";
import { assertRowId, userNotFound } from "./user-id";

/**
 * An administrator signs a user out everywhere: every session row goes, so every cookie naming
 * one stops working at its next request.
 * @throws USER_NOT_FOUND
 */
export async function revokeSessionsAsAdmin(input: { adminId: string; userId: string; ctx: AuditContext }): Promise<{ revoked: number }> {
  const userId = assertRowId(input.userId, userNotFound);
  return getDb().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!user) throw userNotFound();
    const { count } = await tx.userSession.deleteMany({ where: { userId } });
    await recordAudit(tx, input.ctx, {
      type: "admin.sessions.revoked",
      outcome: "success",
      actorId: input.adminId,
      subjectUserId: userId,
      details: { revoked: count },
    });
    return { revoked: count };
  });
}
