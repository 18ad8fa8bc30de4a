import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { USER_COUNT_CAP, USER_LIST_PAGE_SIZE, type AdminUserRow, type ListUsersQuery, type ListUsersResponse } from "@/contracts/admin-users";
import { getDb } from "../../db";
import { escapeLike } from "../../sql-like";
import { getCampaignPolicy, getPasskeyPolicy } from "../../policy/passkey-policy";
import { decodeUserListCursor, toUserListPage } from "./user-list-cursor";

/** Above this many users an unfiltered count is PostgreSQL's estimate (exact counts scan the table). */
export const EXACT_COUNT_LIMIT = 100_000;

/** How many leading letters of a name search get an index range per upper/lower-case spelling. */
const CASE_VARIANT_LETTERS = 3;

interface Row {
  total: number;
  approximate: boolean;
  id: string | null;
  email: string;
  displayName: string;
  role: "user" | "admin";
  passkeys: number;
  hasPassword: boolean;
  hasAuthenticatorApp: boolean;
  lastSignInAt: Date | null;
}

/**
 * One page of the administrators' user list in email order (emails are unique), with keyset
 * pagination: a page starts after (or ends before) the cursor's email, so page 20,000 costs what
 * page 1 costs. One statement answers the page and its total.
 *
 * The order is the email index's own (text_pattern_ops, byte order: the same as the C.UTF-8
 * collation's), so a page is read from that index in order and stops after one page, wherever its
 * rows are in the alphabet. A search is two disjoint parts, each read through its own index:
 * emails starting with the search (a range of the email index), and display names starting with
 * it whose email does not (the name index, which also holds email and id, so those are found
 * without reading table rows; only the page's rows are read).
 * @throws INVALID_REQUEST for a cursor this server did not write
 */
export async function listUsers(query: ListUsersQuery, now = new Date()): Promise<ListUsersResponse> {
  const after = query.after ? decodeUserListCursor(query.after) : null;
  const before = query.before ? decodeUserListCursor(query.before) : null;
  const filters = await filterConditions(query, now);
  const filter = filters.length > 0 ? Prisma.sql`AND ${Prisma.join(filters, " AND ")}` : Prisma.empty;
  const keyset = after
    ? Prisma.sql`AND u."email" ~>~ ${after.email}`
    : before
      ? Prisma.sql`AND u."email" ~<~ ${before.email}`
      : Prisma.empty;
  // Going back reads the index backwards from the cursor; the page is put in order afterwards.
  const order = before ? Prisma.raw("~>~") : Prisma.raw("~<~");
  const limit = USER_LIST_PAGE_SIZE + 1;
  const emailPrefix = query.q.toLowerCase();
  const emailMatch = query.q ? Prisma.sql`u."email" LIKE ${`${escapeLike(emailPrefix)}%`}` : Prisma.sql`TRUE`;

  // Name matches whose email does not match too: each case spelling of the first letters is one
  // range of the name index, read index-only (the email test first: it is the cheap one).
  const nameOnly = query.q
    ? Prisma.join(
        caseVariants([...query.q].slice(0, CASE_VARIANT_LETTERS)).map(
          (head) => Prisma.sql`SELECT u."id" FROM "User" AS u
            WHERE u."displayName" LIKE ${`${escapeLike(head)}%`} AND NOT starts_with(u."email", ${emailPrefix})
              AND u."displayName" ILIKE ${`${escapeLike(query.q)}%`}`,
        ),
        " UNION ALL ",
      )
    : Prisma.sql`SELECT NULL::uuid AS "id" WHERE FALSE`;
  const nameOnlyFiltered =
    filters.length > 0
      ? Prisma.sql`SELECT u."id" FROM "name_only" AS n JOIN "User" AS u ON u."id" = n."id" WHERE TRUE ${filter}`
      : Prisma.sql`SELECT "id" FROM "name_only"`;

  const total =
    !query.q && query.filter === "all"
      ? // The planner's row estimate (kept by autovacuum/ANALYZE) once the directory is large.
        Prisma.sql`SELECT CASE WHEN e.n > ${EXACT_COUNT_LIMIT} THEN e.n ELSE (SELECT count(*) FROM "User") END::int AS "total",
            (e.n > ${EXACT_COUNT_LIMIT}) AS "approximate"
          FROM (SELECT reltuples::bigint AS n FROM pg_class WHERE oid = '"User"'::regclass) AS e`
      : // Counted up to one past the cap: enough to say "more than", and it stops there.
        Prisma.sql`SELECT ((SELECT count(*) FROM (SELECT 1 FROM "User" AS u WHERE ${emailMatch} ${filter} LIMIT ${USER_COUNT_CAP + 1}) AS e)
            + (SELECT count(*) FROM (${nameOnlyFiltered} LIMIT ${USER_COUNT_CAP + 1}) AS n))::int AS "total",
            FALSE AS "approximate"`;

  const rows = await getDb().$queryRaw<Row[]>`
    WITH "name_only" AS MATERIALIZED (${nameOnly}),
    "hits" AS (
      (SELECT u."id", u."email" FROM "User" AS u WHERE ${emailMatch} ${filter} ${keyset}
        ORDER BY u."email" USING ${order} LIMIT ${limit})
      UNION ALL
      (SELECT u."id", u."email" FROM "name_only" AS n JOIN "User" AS u ON u."id" = n."id" WHERE TRUE ${filter} ${keyset}
        ORDER BY u."email" USING ${order} LIMIT ${limit})
    ),
    "page" AS (SELECT "id", "email" FROM "hits" ORDER BY "email" USING ${order} LIMIT ${limit})
    SELECT t."total", t."approximate",
      u."id", u."email", u."displayName", u."role"::text AS "role",
      (SELECT count(*)::int FROM "Passkey" AS p WHERE p."userId" = u."id") AS "passkeys",
      (u."passwordHash" IS NOT NULL) AS "hasPassword",
      EXISTS (SELECT 1 FROM "AuthenticatorApp" AS a WHERE a."userId" = u."id" AND a."confirmedAt" IS NOT NULL) AS "hasAuthenticatorApp",
      u."lastSignInAt"
    FROM (${total}) AS t
    LEFT JOIN "page" AS pg ON TRUE
    LEFT JOIN "User" AS u ON u."id" = pg."id"
    ORDER BY u."email" USING ${order}`;

  const [first] = rows;
  const found = rows.filter((row): row is Row & { id: string } => row.id !== null);
  const { page, nextCursor, previousCursor } = toUserListPage(found, USER_LIST_PAGE_SIZE, { after, before });
  const count = first?.total ?? 0;
  return {
    users: page.map(toUserRow),
    total: first?.approximate
      ? { count, approximate: true, capped: false }
      : { count: Math.min(count, USER_COUNT_CAP), approximate: false, capped: count > USER_COUNT_CAP },
    nextCursor,
    previousCursor,
  };
}

/** The list filter's conditions on the user row `u`. */
async function filterConditions(query: ListUsersQuery, now: Date): Promise<Prisma.Sql[]> {
  const conditions: Prisma.Sql[] = [];
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
  return conditions;
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

function toUserRow(row: Row & { id: string }): AdminUserRow {
  const { id, email, displayName, role, passkeys, hasPassword, hasAuthenticatorApp, lastSignInAt } = row;
  return { id, email, displayName, role, passkeys, hasPassword, hasAuthenticatorApp, lastSignInAt: lastSignInAt?.toISOString() ?? null };
}
