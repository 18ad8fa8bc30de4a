// Shared helpers for the password, authenticator-app and default-method integration tests (not a
// test file itself).
import { Secret } from "otpauth";
import { getDb } from "@/server/db";
import { openSecret } from "@/server/authenticator-app/secret-box";

/** Everything about a user that these methods may change: what a refusal must leave alone. */
export async function methodsSnapshot(userId: string) {
  const db = getDb();
  const [user, app, sessions, passkeys, audit] = await Promise.all([
    db.user.findUniqueOrThrow({
      where: { id: userId },
      select: { passwordHash: true, passwordChangedAt: true, defaultSignInMethod: true },
    }),
    db.authenticatorApp.findUnique({ where: { userId } }),
    db.userSession.findMany({ where: { userId }, orderBy: { id: "asc" } }),
    db.passkey.findMany({ where: { userId }, orderBy: { id: "asc" } }),
    db.auditEvent.findMany({ where: { subjectUserId: userId }, orderBy: { id: "asc" } }),
  ]);
  return { user, app, sessions, passkeys, audit };
}

/** The secret of the user's authenticator app (pending or confirmed), opened as the server does. */
export async function storedSecret(userId: string): Promise<Buffer> {
  const app = await getDb().authenticatorApp.findUniqueOrThrow({ where: { userId }, select: { secretSealed: true } });
  return openSecret(app.secretSealed, userId);
}

/** The secret as the user types it from the screen (base32 in groups), decoded to bytes. */
export function decodeShownSecret(text: string): Buffer {
  return Buffer.from(Secret.fromBase32(text.replace(/\s/g, "")).bytes);
}
