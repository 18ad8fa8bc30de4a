import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { USER_LIST_PAGE_SIZE, type AdminUserRow, type ListUsersQuery, type ListUsersResponse } from "@/contracts/admin-users";
import { getDb } from "../../db";
import { getCampaignPolicy, getPasskeyPolicy } from "../../policy/passkey-policy";
import { decodeUserListCursor, toUserListPage } from "./user-list-cursor";

/** Above this many users an unfiltered count is PostgreSQL's estimate (exact counts scan the table). */
export const EXACT_COUNT_LIMIT = 100_000;

/** How many leading letters of a name search get an index range per upper/lower-case spelling. */
const CASE_VARIANT_LETTERS = 3;

interface Row {
  id: string;
  email: string;
  displayName: string;
  role: "user" | "admin";
  passkeys: number;
  hasPassword: boolean;
  hasAuthenticatorApp: boolean;
  lastSignInAt: Date | null;
}

/**
 * One page of the administrators' user list, in (email, id) order with keyset pagination: a page
 * starts after (or ends before) the cursor's row, so page 20,000 costs what page 1 costs.
 * @throws INVALID_REQUEST for a cursor this server did not write
 */
export async function listUsers(query: ListUsersQuery, now = new Date()): Promise<ListUsersResponse> {
  const after = query.after ? decodeUserListCursor(query.after) : null;
  const before = query.before ? decodeUserListCursor(query.before) : null;
  const where = await matchConditions(query, now);
  const keyset = after
    ? Prisma.sql`AND (u."email", u."id") > (${after.email}, ${after.id}::uuid)`
    : before
      ? Prisma.sql`AND (u."email", u."id") < (${before.email}, ${before.id}::uuid)`
      : Prisma.empty;
  const direction = before ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const db = getDb();
  const [rows, total] = await Promise.all([
    db.$queryRaw<Row[]>`
      SELECT u."id", u."email", u."displayName", u."role"::text AS "role",
        (SELECT count(*)::int FROM "Passkey" AS p WHERE p."userId" = u."id") AS "passkeys",
        (u."passwordHash" IS NOT NULL) AS "hasPassword",
        EXISTS (SELECT 1 FROM "AuthenticatorApp" AS a WHERE a."userId" = u."id" AND a."confirmedAt" IS NOT NULL) AS "hasAuthenticatorApp",
        u."lastSignInAt"
      FROM "User" AS u
      WHERE ${where} ${keyset}
      ORDER BY u."email" ${direction}, u."id" ${direction}
      LIMIT ${USER_LIST_PAGE_SIZE + 1}`,
    countUsers(query, where),
  ]);
  const { page, nextCursor, previousCursor } = toUserListPage(rows, USER_LIST_PAGE_SIZE, { after, before });
  return {
    users: page.map(toUserRow),
    total: await total,
    nextCursor,
    previousCursor,
  };
}

async function matchConditions(query: ListUsersQuery, now: Date): Promise<Prisma.Sql> {
  const conditions: Prisma.Sql[] = [];
  if (query.q) conditions.push(searchCondition(query.q));
  const hasPasskey = Prisma.sql`EXISTS (SELECT 1 FROM "Passkey" AS p WHERE p."userId" = u."id")`;
  if (query.filter === "has-passkey") conditions.push(hasPasskey);
  if (query.filter === "no-passkey") conditions.push(Prisma.sql`NOT ${hasPasskey}`);
  if (query.filter === "campaign-pending") {
    // The users the registration prompt would show to at their next multifactor sign-in
    // (src/server/campaign/campaign-prompt.ts): no passkey, and not resting after "Not now"
    // unless their skips are used up.
    const [campaign, passkeys] = await Promise.all([getCampaignPolicy(), getPasskeyPolicy()]);
    if (!campaign.campaignEnabled || !passkeys.enabled) conditions.push(Prisma.sql`FALSE`);
    else {
      conditions.push(Prisma.sql`NOT ${hasPasskey}`);
      conditions.push(Prisma.sql`(u."campaignSkips" >= ${campaign.campaignSkipLimit}
        OR u."campaignSnoozedUntil" IS NULL OR u."campaignSnoozedUntil" <= ${now})`);
    }
  }
  return conditions.length > 0 ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`;
}

/**
 * Email prefix (emails are stored lower-case) or display-name prefix, case-insensitively. Both
 * columns have text_pattern_ops indexes, which serve `LIKE 'prefix%'`. A name index is
 * case-sensitive, so each upper/lower-case spelling of the first letters gets its own indexed
 * LIKE and ILIKE then checks the whole prefix: "ada" reads the index ranges "ada", "Ada", …, "ADA".
 */
function searchCondition(q: string): Prisma.Sql {
  const escaped = escapeLike(q);
  const emailMatch = Prisma.sql`u."email" LIKE ${`${escapeLike(q.toLowerCase())}%`}`;
  const ranges = caseVariants([...q].slice(0, CASE_VARIANT_LETTERS)).map(
    (head) => Prisma.sql`u."displayName" LIKE ${`${escapeLike(head)}%`}`,
  );
  const nameMatch = Prisma.sql`((${Prisma.join(ranges, " OR ")}) AND u."displayName" ILIKE ${`${escaped}%`})`;
  return Prisma.sql`(${emailMatch} OR ${nameMatch})`;
}

function caseVariants(chars: string[]): string[] {
  let variants = [""];
  for (const char of chars) {
    const spellings = [...new Set([char.toLowerCase(), char.toUpperCase()])].filter((s) => [...s].length === 1);
    const options = spellings.length > 0 ? spellings : [char];
    variants = variants.flatMap((head) => options.map((option) => head + option));
  }
  return variants;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Exact, except the unfiltered total of a large table, which is PostgreSQL's own row estimate
 * (shown as "about"). Filtered totals stay exact: the planner's estimate for "has a passkey" was
 * about 30% off on the bulk seed, and the exact count there costs about 0.4 s.
 */
async function countUsers(query: ListUsersQuery, where: Prisma.Sql): Promise<{ count: number; approximate: boolean }> {
  const db = getDb();
  if (!query.q && query.filter === "all") {
    // The planner's row estimate, kept by autovacuum/ANALYZE: instant on any table size.
    const [estimate] = await db.$queryRaw<Array<{ n: number }>>`
      SELECT reltuples::bigint::int AS n FROM pg_class WHERE oid = '"User"'::regclass`;
    if (estimate && estimate.n > EXACT_COUNT_LIMIT) return { count: estimate.n, approximate: true };
  }
  const [row] = await db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM "User" AS u WHERE ${where}`;
  return { count: row?.n ?? 0, approximate: false };
}

function toUserRow(row: Row): AdminUserRow {
  return { ...row, lastSignInAt: row.lastSignInAt?.toISOString() ?? null };
}
