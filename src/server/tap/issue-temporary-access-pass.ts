import "server-only";
import { recordAudit, type AuditContext } from "../audit";
import { getConfig } from "../config";
import { getDb } from "../db";
import { AppError } from "../errors";
import { clearAccountSignInLock } from "../throttle/sign-in-throttle";
import { generateTapCode, hashTapCode } from "./tap-code";

export const TAP_MIN_MINUTES = 10;
export const TAP_MAX_MINUTES = 8 * 60;

export interface IssuedTap {
  code: string;
  expiresAt: Date;
  oneTime: boolean;
}

/**
 * Issues a Temporary Access Pass, replacing any the user had, and clears the account's sign-in
 * lock: whoever issues it vouches for the person, who must be able to use it at once. Only the
 * hash is stored: the code is returned here once and cannot be read back.
 * @throws USER_NOT_FOUND, INVALID_REQUEST (lifetime out of bounds)
 */
export async function issueTemporaryAccessPass(input: {
  userId: string;
  lifetimeMinutes?: number;
  oneTime?: boolean;
  issuedById?: string | null;
  ctx: AuditContext;
}): Promise<IssuedTap> {
  const lifetime = input.lifetimeMinutes ?? getConfig().tapLifetimeMinutes;
  if (!Number.isInteger(lifetime) || lifetime < TAP_MIN_MINUTES || lifetime > TAP_MAX_MINUTES) {
    throw new AppError(
      "INVALID_REQUEST",
      `A Temporary Access Pass lasts between ${TAP_MIN_MINUTES} minutes and ${TAP_MAX_MINUTES / 60} hours.`,
    );
  }
  const code = generateTapCode();
  const expiresAt = new Date(Date.now() + lifetime * 60_000);
  const oneTime = input.oneTime ?? false;
  const db = getDb();
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true, email: true } });
    if (!user) throw new AppError("USER_NOT_FOUND", "There is no such user.");
    const data = { codeHash: hashTapCode(code), expiresAt, oneTime, usedAt: null, createdAt: new Date(), issuedById: input.issuedById ?? null };
    await tx.temporaryAccessPass.upsert({ where: { userId: user.id }, create: { userId: user.id, ...data }, update: data });
    const lock = await clearAccountSignInLock(tx, user.email);
    const lockCleared = lock !== null && (lock.failures > 0 || (lock.lockedUntil !== null && lock.lockedUntil > new Date()));
    await recordAudit(tx, input.ctx, {
      type: "tap.issued",
      outcome: "success",
      actorId: input.issuedById ?? null,
      subjectUserId: user.id,
      details: { lifetimeMinutes: lifetime, oneTime, ...(lockCleared && { signInLockCleared: true }) },
    });
  });
  return { code, expiresAt, oneTime };
}
