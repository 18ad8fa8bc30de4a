import "server-only";
import type { AuthenticatorAppResponse } from "@/contracts/methods";
import { recordAudit, type AuditContext } from "../audit";
import { getDb } from "../db";
import { AppError } from "../errors";
import { lockUser } from "../lock-user";
import { openSecret } from "./secret-box";
import { matchTotpStep } from "./totp";

/**
 * Finishes adding an authenticator app: the code must match the pending secret (±1 step). The
 * matched step is recorded as used, so the code that confirmed the app cannot then sign in.
 * @throws AUTHENTICATOR_APP_NOT_FOUND (no setup started), AUTHENTICATOR_APP_EXISTS (already confirmed), CODE_INVALID
 */
export async function confirmAuthenticatorApp(input: {
  userId: string;
  code: string;
  ctx: AuditContext;
  now?: Date;
}): Promise<AuthenticatorAppResponse> {
  const now = input.now ?? new Date();
  return getDb().$transaction(async (tx) => {
    await lockUser(tx, input.userId);
    const app = await tx.authenticatorApp.findUnique({
      where: { userId: input.userId },
      select: { id: true, secretSealed: true, confirmedAt: true },
    });
    if (!app) {
      throw new AppError("AUTHENTICATOR_APP_NOT_FOUND", "Start setting up your authenticator app again: this setup has ended.");
    }
    if (app.confirmedAt) throw new AppError("AUTHENTICATOR_APP_EXISTS", "Your authenticator app is already set up.");
    const step = matchTotpStep(openSecret(app.secretSealed, input.userId), input.code, now.getTime());
    if (step === null) {
      throw new AppError("CODE_INVALID", "That code didn't work. Enter the 6-digit code your app shows now.");
    }
    await tx.authenticatorApp.update({
      where: { id: app.id },
      data: { confirmedAt: now, lastUsedStep: BigInt(step) },
    });
    await recordAudit(tx, input.ctx, {
      type: "authenticator_app.added",
      outcome: "success",
      actorId: input.userId,
      subjectUserId: input.userId,
      details: { authenticatorAppId: app.id },
    });
    return { authenticatorApp: { addedAt: now.toISOString() } };
  });
}
