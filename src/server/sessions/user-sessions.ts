import "server-only";
import { randomBytes } from "node:crypto";
import { getDb } from "../db";
import { SESSION_TTL_SECONDS } from "../session-data";

/**
 * Starts a server-side session for a signed-in browser and returns its id (256 random bits, so
 * it cannot be guessed). The browser's previous session, if any, ends: a new sign-in gets a new id.
 */
export async function createUserSession(userId: string, previousId?: string, now = new Date()): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  const db = getDb();
  await db.$transaction([
    db.userSession.deleteMany({
      where: { userId, OR: [{ expiresAt: { lte: now } }, ...(previousId ? [{ id: previousId }] : [])] },
    }),
    db.userSession.create({
      data: { id, userId, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_TTL_SECONDS * 1000) },
    }),
  ]);
  return id;
}

/** Whether the session exists, belongs to the user and has not expired. */
export async function isUserSessionActive(id: string, userId: string, now = new Date()): Promise<boolean> {
  const row = await getDb().userSession.findUnique({ where: { id }, select: { userId: true, expiresAt: true } });
  return row !== null && row.userId === userId && row.expiresAt > now;
}

/** Ends one session: the cookie that names it stops working everywhere at once. */
export async function deleteUserSession(id: string): Promise<void> {
  await getDb().userSession.deleteMany({ where: { id } });
}
