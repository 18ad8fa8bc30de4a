import "server-only";
import type { SetPasswordResponse } from "@/contracts/methods";
import { recordAudit, type AuditContext } from "../audit";
import { getDb } from "../db";
import { AppError } from "../errors";
import { lockUser } from "../lock-user";
import { requireFreshMultifactor } from "../require-fresh";
import type { SignedInUser } from "../session";
import { hashPassword } from "./password-hash";
import { passwordProblem } from "./password-rules";

/**
 * Sets the user's password, or changes it, after a fresh multifactor sign-in. Every other session
 * of the user ends in the same transaction (whoever knew the old password is signed out); the
 * session making the change stays.
 * @throws UNAUTHENTICATED, REAUTH_REQUIRED, PASSWORD_REJECTED (the message names the rule)
 */
export async function setUserPassword(input: {
  user: SignedInUser | null;
  /** The server-side session of the request: the one session that stays. */
  currentSessionId: string | undefined;
  newPassword: string;
  ctx: AuditContext;
}): Promise<SetPasswordResponse> {
  const user = requireFreshMultifactor(input.user);
  const db = getDb();
  const account = await db.user.findUnique({ where: { id: user.userId }, select: { email: true } });
  if (!account) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again to continue.");
  const problem = passwordProblem(input.newPassword, account.email);
  if (problem) throw new AppError("PASSWORD_REJECTED", problem);
  // Hashing is deliberately slow: do it before taking the row lock.
  const passwordHash = await hashPassword(input.newPassword);
  const now = new Date();
  return db.$transaction(async (tx) => {
    await lockUser(tx, user.userId);
    const before = await tx.user.findUniqueOrThrow({ where: { id: user.userId }, select: { passwordHash: true } });
    const changed = before.passwordHash !== null;
    await tx.user.update({ where: { id: user.userId }, data: { passwordHash, passwordChangedAt: now } });
    const { count } = await tx.userSession.deleteMany({
      where: { userId: user.userId, ...(input.currentSessionId && { id: { not: input.currentSessionId } }) },
    });
    await recordAudit(tx, input.ctx, {
      type: "password.set",
      outcome: "success",
      actorId: user.userId,
      subjectUserId: user.userId,
      details: { changed },
    });
    return { password: { changedAt: now.toISOString() }, changed, otherSessionsEnded: count };
  });
}
