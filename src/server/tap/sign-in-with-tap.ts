import "server-only";
import { recordAudit, type AuditContext } from "../audit";
import { getDb } from "../db";
import { AppError } from "../errors";
import { recordSignInFailure, recordSignInSuccess, reserveSignInAttempt, throttleKeys } from "../throttle/sign-in-throttle";
import type { VerifiedSignIn } from "../sign-in/complete-sign-in";
import { normaliseEmail } from "../users";
import { hashTapCode, tapHashesMatch } from "./tap-code";

// Compared against when the account or its pass does not exist, so that case costs the same.
const DUMMY_HASH = hashTapCode("unused-dummy-code");

/**
 * Signs in with a Temporary Access Pass. Every failure answers the same TAP_INVALID so the answer
 * does not tell whether the account exists or why the pass was refused; the audit log does.
 * Each attempt is counted per account and IP address before the pass is looked at (handed back
 * on success), and a locked account or address is refused then.
 * @throws SIGN_IN_LOCKED, TAP_INVALID
 */
export async function signInWithTap(input: { email: string; code: string; ctx: AuditContext; now?: Date }): Promise<VerifiedSignIn> {
  const now = input.now ?? new Date();
  const attempt = await reserveSignInAttempt(throttleKeys(input.email, input.ctx.ip), now);
  const db = getDb();
  const user = await db.user.findUnique({
    where: { email: normaliseEmail(input.email) },
    select: {
      id: true,
      email: true,
      displayName: true,
      role: true,
      temporaryAccessPass: { select: { id: true, codeHash: true, expiresAt: true, oneTime: true, usedAt: true } },
    },
  });
  const tap = user?.temporaryAccessPass ?? null;
  const matches = tapHashesMatch(tap?.codeHash ?? DUMMY_HASH, input.code);

  let reason: string | null = null;
  if (!user) reason = "unknown account";
  else if (!tap) reason = "no pass issued";
  else if (!matches) reason = "wrong code";
  else if (tap.expiresAt <= now) reason = "expired";
  else if (tap.oneTime && tap.usedAt) reason = "already used";

  if (reason === null && user && tap) {
    const signedIn = await db.$transaction(async (tx) => {
      if (tap.oneTime) {
        // Conditional update: of two sign-ins racing on a one-time pass, only one finds it unused.
        const { count } = await tx.temporaryAccessPass.updateMany({
          // The same hash and expiry too: a pass reissued meanwhile must not honour the old code.
          where: { id: tap.id, usedAt: null, codeHash: tap.codeHash, expiresAt: { gt: now } },
          data: { usedAt: now },
        });
        if (count === 0) return false;
      } else {
        const { count } = await tx.temporaryAccessPass.updateMany({
          where: { id: tap.id, codeHash: tap.codeHash, expiresAt: { gt: now } },
          data: { usedAt: now },
        });
        if (count === 0) return false;
      }
      await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
      await recordAudit(tx, input.ctx, {
        type: "tap.signin",
        outcome: "success",
        actorId: user.id,
        subjectUserId: user.id,
        details: { oneTime: tap.oneTime },
      });
      return true;
    });
    if (signedIn) {
      await recordSignInSuccess(attempt);
      return { user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role }, proof: { method: "tap" } };
    }
    reason = "used or replaced meanwhile";
  }

  await recordAudit(null, input.ctx, {
    type: "tap.signin",
    outcome: "failure",
    subjectUserId: user?.id ?? null,
    details: { reason: reason ?? "unknown" },
  });
  await recordSignInFailure(attempt, { subjectUserId: user?.id ?? null, ctx: input.ctx });
  throw new AppError("TAP_INVALID", "That Temporary Access Pass isn't valid. Check it, or ask your administrator for a new one.", {
    cause: reason,
  });
}
