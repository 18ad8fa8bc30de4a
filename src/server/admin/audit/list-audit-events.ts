import "server-only";
import { AUDIT_PAGE_SIZE, type AuditEventRow, type AuditFilterQuery, type AuditPageQuery, type AuditPageResponse } from "@/contracts/admin-audit";
import { Prisma } from "@/generated/prisma/client";
import { auditEventLabel } from "@/contracts/audit-labels";
import { getDb } from "../../db";
import { AppError } from "../../errors";
import { type AuditCursor, decodeAuditCursor, encodeAuditCursor } from "./audit-cursor";
import { auditDetailFields } from "./audit-details";

// Also PostgreSQL's pattern below: its source is valid POSIX ERE, and `~*` matches it case-blind like /i.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 86_400_000;

interface RawEvent {
  id: bigint;
  at: Date;
  type: string;
  outcome: string;
  actorId: string | null;
  actorEmail: string | null;
  subjectUserId: string | null;
  subjectEmail: string | null;
  ip: string | null;
  details: unknown;
  passkeyName: string | null;
}

/**
 * The WHERE conditions of the filters. A user filter is an id (which still finds a deleted user's
 * events) or an email, and matches events where the user acted or was acted on.
 */
async function filterConditions(filter: AuditFilterQuery): Promise<Prisma.Sql[] | null> {
  const conditions: Prisma.Sql[] = [];
  if (filter.user) {
    let userId: string | null = UUID.test(filter.user) ? filter.user.toLowerCase() : null;
    if (!userId) {
      const user = await getDb().user.findUnique({ where: { email: filter.user.toLowerCase() }, select: { id: true } });
      if (!user) return null;
      userId = user.id;
    }
    conditions.push(Prisma.sql`(e."actorId" = ${userId}::uuid OR e."subjectUserId" = ${userId}::uuid)`);
  }
  if (filter.type) conditions.push(Prisma.sql`e."type" = ${filter.type}`);
  if (filter.outcome) conditions.push(Prisma.sql`e."outcome" = ${filter.outcome}`);
  // Dates are whole UTC days, both ends included.
  if (filter.from) conditions.push(Prisma.sql`e."at" >= ${new Date(`${filter.from}T00:00:00.000Z`)}`);
  if (filter.to) conditions.push(Prisma.sql`e."at" < ${new Date(Date.parse(`${filter.to}T00:00:00.000Z`) + DAY_MS)}`);
  return conditions;
}

async function selectEvents(conditions: Prisma.Sql[], order: "newest" | "oldest", limit: number): Promise<RawEvent[]> {
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const orderBy = order === "newest" ? Prisma.sql`e."at" DESC, e."id" DESC` : Prisma.sql`e."at" ASC, e."id" ASC`;
  // Left joins: an event outlives its users, and then shows their id instead of an email.
  return getDb().$queryRaw<RawEvent[]>`
    SELECT e."id", e."at", e."type", e."outcome", e."actorId", a."email" AS "actorEmail",
           e."subjectUserId", s."email" AS "subjectEmail", e."ip", e."details", p."name" AS "passkeyName"
      FROM "AuditEvent" e
      LEFT JOIN "User" a ON a."id" = e."actorId"
      LEFT JOIN "User" s ON s."id" = e."subjectUserId"
      -- The passkey an event names, by its primary key (the CASE keeps a malformed id from failing the cast).
      LEFT JOIN "Passkey" p ON p."id" = CASE WHEN e."details"->>'passkeyId' ~* ${UUID.source} THEN (e."details"->>'passkeyId')::uuid END
      ${where}
     ORDER BY ${orderBy}
     LIMIT ${limit}`;
}

function olderThan(cursor: AuditCursor): Prisma.Sql {
  return Prisma.sql`(e."at", e."id") < (${cursor.at}, ${cursor.id})`;
}

function newerThan(cursor: AuditCursor): Prisma.Sql {
  return Prisma.sql`(e."at", e."id") > (${cursor.at}, ${cursor.id})`;
}

function toRow({ passkeyName, ...event }: RawEvent): AuditEventRow {
  return {
    ...event,
    id: event.id.toString(),
    at: event.at.toISOString(),
    label: auditEventLabel(event.type),
    fields: auditDetailFields(event.details, { passkeyName }),
  };
}

function cursorOf(event: RawEvent): string {
  return encodeAuditCursor({ at: event.at, id: event.id });
}

/**
 * One page of the audit log, newest first, by keyset on (at, id): older events after a cursor, or
 * newer ones before it.
 * @throws INVALID_REQUEST for a cursor that is not one this function gave out
 */
export async function listAuditEvents(query: AuditPageQuery, pageSize = AUDIT_PAGE_SIZE): Promise<AuditPageResponse> {
  const cursor = query.cursor ? decodeAuditCursor(query.cursor) : null;
  if (query.cursor && !cursor) throw new AppError("INVALID_REQUEST", "That page link is not valid; start from the first page.");
  const conditions = await filterConditions(query);
  if (!conditions) return { events: [], olderCursor: null, newerCursor: null };

  if (cursor && query.direction === "newer") {
    const rows = await selectEvents([...conditions, newerThan(cursor)], "oldest", pageSize + 1);
    const hasNewer = rows.length > pageSize;
    const events = rows.slice(0, pageSize).reverse();
    return {
      events: events.map(toRow),
      olderCursor: events.length > 0 ? cursorOf(events[events.length - 1]!) : query.cursor!,
      newerCursor: hasNewer && events.length > 0 ? cursorOf(events[0]!) : null,
    };
  }

  const rows = await selectEvents(cursor ? [...conditions, olderThan(cursor)] : conditions, "newest", pageSize + 1);
  const hasOlder = rows.length > pageSize;
  const events = rows.slice(0, pageSize);
  return {
    events: events.map(toRow),
    olderCursor: hasOlder ? cursorOf(events[events.length - 1]!) : null,
    newerCursor: cursor ? (events.length > 0 ? cursorOf(events[0]!) : query.cursor!) : null,
  };
}

/** Every event type the log holds, for the type filter. */
export async function listAuditEventTypes(): Promise<string[]> {
  const rows = await getDb().$queryRaw<{ type: string }[]>`SELECT DISTINCT "type" FROM "AuditEvent" ORDER BY "type"`;
  return rows.map((row) => row.type);
}

/**
 * Every matching event, newest first, fetched `batchSize` rows at a time by keyset: for exports
 * that must never hold the whole log in memory.
 */
export async function* iterateAuditEvents(filter: AuditFilterQuery, batchSize = 1000): AsyncGenerator<AuditEventRow[]> {
  const conditions = await filterConditions(filter);
  if (!conditions) return;
  let cursor: AuditCursor | null = null;
  for (;;) {
    const rows: RawEvent[] = await selectEvents(cursor ? [...conditions, olderThan(cursor)] : conditions, "newest", batchSize);
    if (rows.length === 0) return;
    yield rows.map(toRow);
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    cursor = { at: last.at, id: last.id };
  }
}
