import "server-only";
import { recordAudit, type AuditContext } from "../../audit";
import { getDb } from "../../db";
import { clearAccountSignInLock } from "../../throttle/sign-in-throttle";
import { assertRowId, userNotFound } from "./user-id";

/**
 * An administrator clears a user's sign-in lock: the account's failed attempts, its lock and its
 * earlier lockouts are forgotten, so pass, password and code sign-in work again at once (the
 * addresses' own locks stay). Audited as "admin.signin_lock.cleared" with what was cleared.
 * @throws USER_NOT_FOUND
 */
export async function clearSignInLockAsAdmin(input: { adminId: string; userId: string; ctx: AuditContext }): Promise<{ cleared: boolean }> {
  const userId = assertRowId(input.userId, userNotFound);
  return getDb().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true } });
    if (!user) throw userNotFound();
    const lock = await clearAccountSignInLock(tx, user.email);
    await recordAudit(tx, input.ctx, {
      type: "admin.signin_lock.cleared",
      outcome: "success",
      actorId: input.adminId,
      subjectUserId: userId,
      details: {
        failures: lock?.failures ?? 0,
        lockouts: lock?.lockouts ?? 0,
        lockedUntil: lock?.lockedUntil?.toISOString() ?? null,
      },
    });
    return { cleared: lock !== null };
  });
}
