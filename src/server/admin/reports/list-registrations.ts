import "server-only";
import { REGISTRATION_PAGE_SIZE, type RegistrationPageQuery, type RegistrationPageResponse } from "@/contracts/admin-reports";
import { Prisma } from "@/generated/prisma/client";
import { getDb } from "../../db";
import { getPasskeyPolicy } from "../../policy/passkey-policy";
import { decodeUserListCursor, toUserListPage } from "../users/user-list-cursor";
import { countProfileUsers } from "./capability-profiles";
import { registrationConditions, type RegistrationConditions } from "./registration-conditions";
import { selectRegistrationRows } from "./select-registration-rows";

/**
 * One page of the registration details report in (email, id) order, by keyset: a page starts
 * after (or ends before) its cursor's row, so the last page costs what the first one costs. The
 * matching count is exact: from the profiles' counts, or counted over the users an email prefix
 * or a pass filter leaves; when few users match, the page is read from their ids.
 * @throws INVALID_REQUEST for a cursor this server did not write
 */
export async function listRegistrations(
  query: RegistrationPageQuery,
  { pageSize = REGISTRATION_PAGE_SIZE, now = new Date() }: { pageSize?: number; now?: Date } = {},
): Promise<RegistrationPageResponse> {
  const after = query.after ? decodeUserListCursor(query.after) : null;
  const before = query.before ? decodeUserListCursor(query.before) : null;
  const policy = await getPasskeyPolicy();
  const conditions = await registrationConditions(query, policy, now);
  const [matching, users] = await Promise.all([countRegistrations(conditions), countProfileUsers(null)]);
  // Reading users in email order finds a page after about pageSize * users / matching of them;
  // reading the matching users' ids (UserCapability) and sorting them costs about `matching`.
  const candidates =
    conditions.profileIds && matching * matching < pageSize * users
      ? Prisma.sql`SELECT uc."userId", uc."email" FROM "UserCapability" AS uc WHERE uc."profileId" = ANY (${conditions.profileIds}::int[])
          ${conditions.emailLike ? Prisma.sql`AND uc."email" LIKE ${conditions.emailLike}` : Prisma.empty}`
      : null;
  const rows = await selectRegistrationRows(conditions.where, policy, { after, before }, pageSize + 1, now, candidates);
  const { page, nextCursor, previousCursor } = toUserListPage(rows, pageSize, { after, before });
  return { users: page, matching, nextCursor, previousCursor };
}

/**
 * How many users match, exactly, reading the least: the profiles' counts; with an email prefix, the
 * (email, profile) index of UserCapability alone; with a pass filter, the users themselves (only
 * users with a pass can match).
 */
async function countRegistrations(conditions: RegistrationConditions): Promise<number> {
  const { where, profile, profileIds, emailLike, tap } = conditions;
  if (!tap && !emailLike) return countProfileUsers(profile);
  const counted = tap
    ? await getDb().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM "User" AS u WHERE ${where}`
    : await getDb().$queryRaw<Array<{ n: number }>>`
        SELECT count(*)::int AS n FROM "UserCapability" AS uc
        WHERE uc."email" LIKE ${emailLike}
          ${profileIds ? Prisma.sql`AND uc."profileId" = ANY (${profileIds}::int[])` : Prisma.empty}`;
  return counted[0]?.n ?? 0;
}
