import "server-only";
import { randomBytes } from "node:crypto";
import { recordAudit, type AuditContext } from "../audit";
import { getConfig } from "../config";
import { getDb } from "../db";
import { Prisma } from "@/generated/prisma/client";
import { sqlTimestamp } from "../sql-time";

/** lastSeenAt is written at most this often, so reading a session rarely costs a write. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Starts a server-side session for a signed-in browser and returns its id (256 random bits, so
 * it cannot be guessed). The browser's previous session, if any, ends: a new sign-in gets a new id.
 * One statement (see startUserSessionSql).
 */
export async function createUserSession(
  userId: string,
  previousId?: string,
  now = new Date(),
  passkeyId: string | null = null,
): Promise<string> {
  const { id, ctes } = startUserSessionSql(userId, previousId, now, Prisma.sql`true`, passkeyId);
  await getDb().$queryRaw`WITH ${ctes} SELECT 1`;
  return id;
}

/**
 * The CTEs that start a session (named "endedSessions" and "newSession"), to run on their own or
 * inside a larger statement: the user's ended sessions (past their absolute end or idle too long)
 * and the browser's previous one are removed, and the new one is stored. `when` (SQL) decides
 * whether any of it happens. A session signed in with a passkey names it (`passkeyId`), so that
 * deleting the passkey ends the session (a cascading foreign key).
 */
export function startUserSessionSql(
  userId: string,
  previousId: string | undefined,
  now: Date,
  when: Prisma.Sql = Prisma.sql`true`,
  passkeyId: string | null = null,
): { id: string; ctes: Prisma.Sql } {
  const id = randomBytes(32).toString("base64url");
  const { sessionIdleMs, sessionAbsoluteMs } = getConfig();
  const ctes = Prisma.sql`"endedSessions" AS (
      DELETE FROM "UserSession"
      WHERE "userId" = ${userId}::uuid AND ${when}
        AND ("expiresAt" <= ${sqlTimestamp(now)} OR "lastSeenAt" <= ${sqlTimestamp(now.getTime() - sessionIdleMs)}
             OR "id" = ${previousId ?? null})
    ),
    "newSession" AS (
      INSERT INTO "UserSession" ("id", "userId", "createdAt", "lastSeenAt", "expiresAt", "passkeyId")
      SELECT ${id}, ${userId}::uuid, ${sqlTimestamp(now)}, ${sqlTimestamp(now)}, ${sqlTimestamp(now.getTime() + sessionAbsoluteMs)},
        ${passkeyId}::uuid
      WHERE ${when}
    )`;
  return { id, ctes };
}

/**
 * Whether the session exists, belongs to the user, has been used within the idle lifetime and is
 * before its absolute end. An active session's lastSeenAt moves forward (at most once a minute).
 */
export async function isUserSessionActive(id: string, userId: string, now = new Date()): Promise<boolean> {
  const db = getDb();
  const row = await db.userSession.findUnique({
    where: { id },
    select: { userId: true, expiresAt: true, lastSeenAt: true },
  });
  if (!row || row.userId !== userId || row.expiresAt <= now) return false;
  if (now.getTime() - row.lastSeenAt.getTime() >= getConfig().sessionIdleMs) return false;
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await db.userSession.updateMany({ where: { id }, data: { lastSeenAt: now } });
  }
  return true;
}

/** Ends one session: the cookie that names it stops working everywhere at once. */
export async function deleteUserSession(id: string): Promise<void> {
  await getDb().userSession.deleteMany({ where: { id } });
}

/** "Sign out everywhere": ends every session of the user, on every device, and audits it. */
export async function revokeUserSessions(userId: string, ctx: AuditContext): Promise<{ revoked: number }> {
  return getDb().$transaction(async (tx) => {
    const { count } = await tx.userSession.deleteMany({ where: { userId } });
    await recordAudit(tx, ctx, {
      type: "sessions.revoked",
      outcome: "success",
      actorId: userId,
      subjectUserId: userId,
      details: { revoked: count },
    });
    return { revoked: count };
  });
}
