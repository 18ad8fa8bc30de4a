import "server-only";
import type { Prisma, Tx } from "./db";
import { getDb } from "./db";

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
