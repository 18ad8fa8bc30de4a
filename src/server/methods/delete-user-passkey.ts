import "server-only";
import type { DeletePasskeyResponse } from "@/contracts/passkeys";
import { recordAudit, type AuditContext } from "../audit";
import { getDb } from "../db";
import { AppError } from "../errors";
import { lockUser } from "../lock-user";
import { requireFreshMultifactor } from "../require-fresh";
import type { SignedInUser } from "../session";
import { getWaysToSignIn } from "./ways-to-sign-in";

/**
 * Deletes one of the user's passkeys after a fresh multifactor sign-in. Removing the last passkey
 * of an account that has no other usable way in (a valid Temporary Access Pass, or a password with
 * a confirmed authenticator app) needs an explicit `confirmNoSignInMethod`, so nobody locks
 * themselves out by accident. A default of "passkey" goes with the last passkey. The sessions
 * signed in with the passkey end with it (a cascading foreign key), this browser's too when it
 * stood on that passkey (`signedOut`).
 * @throws UNAUTHENTICATED, REAUTH_REQUIRED, PASSKEY_NOT_FOUND, LAST_SIGN_IN_METHOD
 */
export async function deleteUserPasskey(input: {
  user: SignedInUser | null;
  passkeyId: string;
  confirmNoSignInMethod?: boolean;
  /** The request's own server-side session, to tell whether deleting the passkey ends it. */
  currentSessionId?: string;
  ctx: AuditContext;
}): Promise<DeletePasskeyResponse> {
  const user = requireFreshMultifactor(input.user);
  const now = new Date();
  return getDb().$transaction(async (tx) => {
    await lockUser(tx, user.userId);
    const passkey = await tx.passkey.findFirst({
      where: { id: input.passkeyId, userId: user.userId },
      select: { id: true, name: true, credentialId: true },
    });
    if (!passkey) throw new AppError("PASSKEY_NOT_FOUND", "That passkey no longer exists.");
    const ways = await getWaysToSignIn(tx, user.userId, now);
    const remaining = ways.passkeys - 1;
    if (remaining === 0 && !input.confirmNoSignInMethod) {
      if (!ways.usableTap && !ways.passwordAndApp) {
        throw new AppError(
          "LAST_SIGN_IN_METHOD",
          "This is your last way to sign in. Confirm that you want to delete it anyway: you will need a new Temporary Access Pass from your administrator to sign in again.",
        );
      }
    }
    const standing = await tx.userSession.findMany({ where: { passkeyId: passkey.id }, select: { id: true } });
    await tx.passkey.delete({ where: { id: passkey.id, userId: user.userId } });
    if (remaining === 0) {
      await tx.user.updateMany({ where: { id: user.userId, defaultSignInMethod: "passkey" }, data: { defaultSignInMethod: null } });
    }
    await recordAudit(tx, input.ctx, {
      type: "passkey.deleted",
      outcome: "success",
      actorId: user.userId,
      subjectUserId: user.userId,
      details: { passkeyId: passkey.id, name: passkey.name, credentialId: passkey.credentialId, remaining, sessionsEnded: standing.length },
    });
    return {
      deleted: { id: passkey.id, credentialId: passkey.credentialId },
      signedOut: standing.some((session) => session.id === input.currentSessionId),
    };
  });
}
