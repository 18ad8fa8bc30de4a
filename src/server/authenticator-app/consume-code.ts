import "server-only";
import type { Tx } from "../db";
import { getDb } from "../db";
import { openSecret } from "./secret-box";
import { matchTotpStep, newTotpSecret } from "./totp";

export type CodeCheck = "ok" | "wrong" | "reused" | "no-app";

// Checked against when the user has no confirmed app, so that answer costs the same.
const DUMMY_SECRET = newTotpSecret();

/**
 * Checks a user's authenticator-app code and, when it is right, uses it up: the app's last
 * accepted time step moves to the code's step in one conditional UPDATE, so the same code (or an
 * older one) never works again, even for two requests racing with it.
 */
export async function consumeAuthenticatorCode(
  tx: Tx | null,
  userId: string,
  code: string,
  now: Date = new Date(),
): Promise<CodeCheck> {
  const db = tx ?? getDb();
  const app = await db.authenticatorApp.findUnique({
    where: { userId },
    select: { id: true, secretSealed: true, confirmedAt: true },
  });
  if (!app?.confirmedAt) {
    matchTotpStep(DUMMY_SECRET, code, now.getTime());
    return "no-app";
  }
  const step = matchTotpStep(openSecret(app.secretSealed, userId), code, now.getTime());
  if (step === null) return "wrong";
  const { count } = await db.authenticatorApp.updateMany({
    where: { id: app.id, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: BigInt(step) } }] },
    data: { lastUsedStep: BigInt(step), lastUsedAt: now },
  });
  return count === 1 ? "ok" : "reused";
}
