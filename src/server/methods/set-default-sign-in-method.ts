import "server-only";
import type { DefaultSignInMethodResponse, SignInMethod } from "@/contracts/methods";
import { recordAudit, type AuditContext } from "../audit";
import { getDb } from "../db";
import { AppError } from "../errors";
import { lockUser } from "../lock-user";
import { getWaysToSignIn } from "./ways-to-sign-in";

/**
 * Chooses the method the sign-in page offers the user first. It must be one the user has:
 * "passkey" needs a passkey, "password" needs a password and a confirmed authenticator app.
 * @throws METHOD_NOT_REGISTERED
 */
export async function setDefaultSignInMethod(input: {
  userId: string;
  method: SignInMethod;
  ctx: AuditContext;
}): Promise<DefaultSignInMethodResponse> {
  return getDb().$transaction(async (tx) => {
    await lockUser(tx, input.userId);
    const ways = await getWaysToSignIn(tx, input.userId);
    const has = input.method === "passkey" ? ways.passkeys > 0 : ways.passwordAndApp;
    if (!has) {
      throw new AppError(
        "METHOD_NOT_REGISTERED",
        input.method === "passkey"
          ? "Add a passkey before you make it your default sign-in method."
          : "Set up a password and an authenticator app before you make them your default sign-in method.",
      );
    }
    const before = await tx.user.findUniqueOrThrow({ where: { id: input.userId }, select: { defaultSignInMethod: true } });
    await tx.user.update({ where: { id: input.userId }, data: { defaultSignInMethod: input.method } });
    await recordAudit(tx, input.ctx, {
      type: "default_sign_in_method.changed",
      outcome: "success",
      actorId: input.userId,
      subjectUserId: input.userId,
      details: { from: before.defaultSignInMethod, to: input.method },
    });
    return { defaultSignInMethod: input.method };
  });
}
