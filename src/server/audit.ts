import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { Tx } from "./db";
import { getDb } from "./db";
import { sqlTimestamp } from "./sql-time";

export type AuditOutcome = "success" | "failure";

export interface AuditContext {
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEntry {
  type: string;
  outcome: AuditOutcome;
  actorId?: string | null;
  subjectUserId?: string | null;
  details?: Prisma.InputJsonObject;
}

/** Appends one audit event. Pass the transaction of the change it records so both land or neither. */
export async function recordAudit(tx: Tx | null, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  await (tx ?? getDb()).auditEvent.create({
    data: {
      type: entry.type,
      outcome: entry.outcome,
      actorId: entry.actorId ?? null,
      subjectUserId: entry.subjectUserId ?? null,
      details: entry.details ?? {},
      ip: ctx.ip,
      userAgent: ctx.userAgent?.slice(0, 512) ?? null,
    },
  });
}

/**
 * The same event as one INSERT to put in a larger statement (a data-modifying CTE), so that the
 * change and its audit row land in one round trip. `when` (SQL) decides whether it is written.
 */
export function auditInsertSql(ctx: AuditContext, entry: AuditEntry, at: Date, when: Prisma.Sql = Prisma.sql`true`): Prisma.Sql {
  return Prisma.sql`INSERT INTO "AuditEvent" ("at", "type", "outcome", "actorId", "subjectUserId", "details", "ip", "userAgent")
    SELECT ${sqlTimestamp(at)}, ${entry.type}, ${entry.outcome}, ${entry.actorId ?? null}::uuid, ${entry.subjectUserId ?? null}::uuid,
      ${JSON.stringify(entry.details ?? {})}::jsonb, ${ctx.ip}, ${ctx.userAgent?.slice(0, 512) ?? null}
    WHERE ${when}`;
}
