import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { getDb } from "../../db";

/** Successful passkey registrations and sign-ins by method on one UTC day. */
export interface DayCounts {
  registrations: number;
  passkey: number;
  passwordAndApp: number;
  password: number;
  tap: number;
}

/**
 * A day is counted once and kept (ReportDay) when it ended at least this long ago, so that a
 * transaction still writing an event stamped before midnight has committed. An event written for an
 * ended day later than that removes the day's row (the AuditEvent_report_backdated trigger).
 */
const SETTLE = Prisma.sql`interval '10 minutes'`;
/** Held while ended days are counted and stored, and by the trigger that removes a stored day. */
const REPORT_DAY_LOCK = Prisma.sql`pg_advisory_xact_lock(hashtextextended('ReportDay', 0))`;

/** The counts per day of the audit log's successful events in [from, end), days with none absent. */
function auditDayCountsSql(from: Date, end: Date): Prisma.Sql {
  const withApp = Prisma.sql`COALESCE(e."details" -> 'factors' @> '"totp"'::jsonb, false)`;
  return Prisma.sql`
    SELECT e."at"::date AS "d",
      (count(*) FILTER (WHERE e."type" = 'passkey.registration'))::int AS "registrations",
      (count(*) FILTER (WHERE e."type" = 'passkey.authentication'))::int AS "passkey",
      (count(*) FILTER (WHERE e."type" = 'password.signin' AND ${withApp}))::int AS "passwordAndApp",
      (count(*) FILTER (WHERE e."type" = 'password.signin' AND NOT ${withApp}))::int AS "password",
      (count(*) FILTER (WHERE e."type" = 'tap.signin'))::int AS "tap"
    FROM "AuditEvent" AS e
    WHERE e."type" IN ('passkey.registration', 'passkey.authentication', 'password.signin', 'tap.signin')
      AND e."outcome" = 'success' AND e."at" >= ${from} AND e."at" < ${end}
    GROUP BY 1`;
}

const DAY_MS = 86_400_000;
const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`);

/**
 * The counts of each of `days` (consecutive UTC days, oldest first). Days that ended are read from
 * ReportDay, counted and stored the first time they are asked for; the rest (today, the future) are
 * counted from the audit log's (type, at) index each time.
 */
export async function getDayCounts(days: string[]): Promise<Map<string, DayCounts>> {
  const db = getDb();
  const first = days[0]!;
  const last = days.at(-1)!;
  const [{ settled }] = (await db.$queryRaw<Array<{ settled: string }>>`
    SELECT to_char(((statement_timestamp() AT TIME ZONE 'UTC') - ${SETTLE})::date - 1, 'YYYY-MM-DD') AS "settled"`) as [{ settled: string }];
  const storedThrough = settled < last ? settled : last;
  const counts = new Map<string, DayCounts>();

  if (first <= storedThrough) {
    const expected = days.filter((day) => day <= storedThrough).length;
    let stored = await readStoredDays(first, storedThrough);
    if (stored.length < expected) {
      await db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT ${REPORT_DAY_LOCK}`;
        // Counted after taking the lock: this statement sees every event committed before it.
        await tx.$executeRaw`
          INSERT INTO "ReportDay" ("day", "registrations", "passkeySignIns", "passwordAndAppSignIns", "passwordSignIns", "tapSignIns")
          SELECT g."day"::date, COALESCE(c."registrations", 0), COALESCE(c."passkey", 0), COALESCE(c."passwordAndApp", 0),
            COALESCE(c."password", 0), COALESCE(c."tap", 0)
          FROM generate_series(${first}::date, ${storedThrough}::date, interval '1 day') AS g ("day")
          LEFT JOIN (${auditDayCountsSql(dayStart(first), new Date(dayStart(storedThrough).getTime() + DAY_MS))}) AS c ON c."d" = g."day"::date
          WHERE NOT EXISTS (SELECT 1 FROM "ReportDay" AS r WHERE r."day" = g."day"::date)
          ON CONFLICT ("day") DO NOTHING`;
      });
      stored = await readStoredDays(first, storedThrough);
    }
    for (const row of stored) counts.set(row.day, row);
  }

  if (storedThrough < last) {
    const liveFrom = first > storedThrough ? first : new Date(dayStart(storedThrough).getTime() + DAY_MS).toISOString().slice(0, 10);
    const rows = await db.$queryRaw<Array<DayCounts & { day: string }>>`
      SELECT to_char(c."d", 'YYYY-MM-DD') AS "day", c."registrations", c."passkey", c."passwordAndApp", c."password", c."tap"
      FROM (${auditDayCountsSql(dayStart(liveFrom), new Date(dayStart(last).getTime() + DAY_MS))}) AS c`;
    for (const row of rows) counts.set(row.day, row);
  }
  return counts;
}

async function readStoredDays(first: string, through: string): Promise<Array<DayCounts & { day: string }>> {
  return getDb().$queryRaw<Array<DayCounts & { day: string }>>`
    SELECT to_char(r."day", 'YYYY-MM-DD') AS "day", r."registrations", r."passkeySignIns" AS "passkey",
      r."passwordAndAppSignIns" AS "passwordAndApp", r."passwordSignIns" AS "password", r."tapSignIns" AS "tap"
    FROM "ReportDay" AS r WHERE r."day" BETWEEN ${first}::date AND ${through}::date`;
}
