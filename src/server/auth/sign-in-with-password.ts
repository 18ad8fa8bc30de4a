import "server-only";
import { recordAudit, type AuditContext } from "../audit";
import { consumeAuthenticatorCode } from "../authenticator-app/consume-code";
import { getDb } from "../db";
import { AppError } from "../errors";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "../password/password-hash";
import type { AuthMethod } from "../session-data";
import {
  cancelSignInAttempt,
  recordSignInFailure,
  recordSignInSuccess,
  reserveSignInAttempt,
  throttleKeys,
} from "../throttle/sign-in-throttle";
import type { VerifiedSignIn } from "../sign-in/complete-sign-in";
import { normaliseEmail } from "../users";


const INVALID_MESSAGE = "That email, password or code isn't right.";

/**
 * Signs in with a password and, when the account has a confirmed authenticator app, a code from
 * it (used up on success). Every failure answers the same INVALID_CREDENTIALS, whichever factor
 * was wrong and whether or not the account exists; the audit log keeps the reason. Each attempt is
 * counted per account and IP address before anything is verified (handed back on success), and a
 * locked account or address is refused then.
 * @throws SIGN_IN_LOCKED, INVALID_CREDENTIALS, SERVICE_UNAVAILABLE (too many passwords being checked at once)
 */
export async function signInWithPassword(input: {
  email: string;
  password: string;
  code?: string;
  ctx: AuditContext;
  now?: Date;
}): Promise<VerifiedSignIn> {
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
      passwordHash: true,
      authenticatorApp: { select: { confirmedAt: true } },
    },
  });
  // Spends the same time when there is no account or no password.
  const passwordMatches = await verifyPassword(user?.passwordHash ?? null, input.password).catch(async (error: unknown) => {
    // Refused before checking (the server is busy hashing): nothing was verified, nothing is counted.
    await cancelSignInAttempt(attempt);
    throw error;
  });
  const withApp = user?.authenticatorApp?.confirmedAt != null;

  let reason: string | null = null;
  if (!user) reason = "unknown account";
  else if (!user.passwordHash) reason = "no password";
  else if (!passwordMatches) reason = "wrong password";
  else if (withApp && !input.code) reason = "code missing";

  // Hashed before the transaction: scrypt is slow and must not hold a connection. A busy server
  // skips it; the next sign-in rehashes.
  const rehashed =
    reason === null && user?.passwordHash && passwordNeedsRehash(user.passwordHash)
      ? await hashPassword(input.password).catch((error: unknown) => {
          if (error instanceof AppError && error.code === "SERVICE_UNAVAILABLE") return null;
          throw error;
        })
      : null;

  if (reason === null && user) {
    const factors: AuthMethod[] = withApp ? ["password", "totp"] : ["password"];
    reason = await db.$transaction(async (tx) => {
      if (withApp) {
        // Only behind a right password: nobody may use up the user's codes by guessing.
        const check = await consumeAuthenticatorCode(tx, user.id, input.code!, now);
        if (check !== "ok") return check === "reused" ? "code reused" : check === "wrong" ? "wrong code" : "app removed meanwhile";
      }
      if (rehashed) {
        // Conditional: a password changed meanwhile is not overwritten with the old one.
        await tx.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash: rehashed } });
      }
      await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
      await recordAudit(tx, input.ctx, {
        type: "password.signin",
        outcome: "success",
        actorId: user.id,
        subjectUserId: user.id,
        details: { factors, ...(rehashed && { rehashed: true }) },
      });
      return null;
    });
    if (reason === null) {
      await recordSignInSuccess(attempt);
      return {
        user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role },
        // What that is worth (with the code, multifactor) is decided in one place: signInAssurance.
        proof: { method: withApp ? "password_totp" : "password" },
      };
    }
  }

  await recordAudit(null, input.ctx, {
    type: "password.signin",
    outcome: "failure",
    subjectUserId: user?.id ?? null,
    details: { reason: reason ?? "unknown" },
  });
  await recordSignInFailure(attempt, { subjectUserId: user?.id ?? null, ctx: input.ctx });
  throw new AppError("INVALID_CREDENTIALS", INVALID_MESSAGE, { cause: reason });
}
