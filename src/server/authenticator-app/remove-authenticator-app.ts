import "server-only";
import type { RemoveAuthenticatorAppResponse } from "@/contracts/methods";
import { recordAudit, type AuditContext } from "../audit";
import { getDb } from "../db";
import { AppError } from "../errors";
import { lockUser } from "../lock-user";
import { getWaysToSignIn } from "../methods/ways-to-sign-in";
import { requireFreshMultifactor } from "../require-fresh";
import type { SignedInUser } from "../session";

/**
 * Removes the user's authenticator app after a fresh multifactor sign-in. Password + app is
 * refused when it is the last multifactor way in (no passkey, no usable Temporary Access Pass).
 * A default of "password" goes with it.
 * @throws UNAUTHENTICATED, REAUTH_REQUIRED, AUTHENTICATOR_APP_NOT_FOUND, LAST_SIGN_IN_METHOD
 */
export async function removeAuthenticatorApp(input: {
  user: SignedInUser | null;
  ctx: AuditContext;
}): Promise<RemoveAuthenticatorAppResponse> {
  const user = requireFreshMultifactor(input.user);
  return getDb().$transaction(async (tx) => {
    await lockUser(tx, user.userId);
    const app = await tx.authenticatorApp.findUnique({
      where: { userId: user.userId },
      select: { id: true, confirmedAt: true },
    });
    if (!app?.confirmedAt) throw new AppError("AUTHENTICATOR_APP_NOT_FOUND", "You have no authenticator app.");
    const ways = await getWaysToSignIn(tx, user.userId);
    if (ways.passwordAndApp && ways.passkeys === 0 && !ways.usableTap) {
      throw new AppError(
        "LAST_SIGN_IN_METHOD",
        "Your password and authenticator app are your last way to sign in. Add a passkey before you delete the app.",
      );
    }
    await tx.authenticatorApp.delete({ where: { id: app.id } });
    const account = await tx.user.findUniqueOrThrow({ where: { id: user.userId }, select: { defaultSignInMethod: true } });
    let defaultSignInMethod = account.defaultSignInMethod;
    if (defaultSignInMethod === "password") {
      await tx.user.update({ where: { id: user.userId }, data: { defaultSignInMethod: null } });
      defaultSignInMethod = null;
    }
    await recordAudit(tx, input.ctx, {
      type: "authenticator_app.removed",
      outcome: "success",
      actorId: user.userId,
      subjectUserId: user.userId,
      details: { authenticatorAppId: app.id, defaultCleared: account.defaultSignInMethod === "password" },
    });
    return { removed: true, defaultSignInMethod };
  });
}
