import "server-only";
import { REGISTRATION_PAGE_SIZE, type RegistrationPageQuery, type RegistrationPageResponse } from "@/contracts/admin-reports";
import { getDb } from "../../db";
import { getPasskeyPolicy } from "../../policy/passkey-policy";
import { decodeUserListCursor, toUserListPage } from "../users/user-list-cursor";
import { registrationConditions } from "./registration-conditions";
import { selectRegistrationRows } from "./select-registration-rows";

/**
 * One page of the registration details report in (email, id) order, by keyset: a page starts
 * after (or ends before) its cursor's row, so the last page costs what the first one costs.
 * @throws INVALID_REQUEST for a cursor this server did not write
 */
export async function listRegistrations(
  query: RegistrationPageQuery,
  { pageSize = REGISTRATION_PAGE_SIZE, now = new Date() }: { pageSize?: number; now?: Date } = {},
): Promise<RegistrationPageResponse> {
  const after = query.after ? decodeUserListCursor(query.after) : null;
  const before = query.before ? decodeUserListCursor(query.before) : null;
  const policy = await getPasskeyPolicy();
  const where = registrationConditions(query, policy, now);
  const [rows, counted] = await Promise.all([
    selectRegistrationRows(where, policy, { after, before }, pageSize + 1, now),
    getDb().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM "User" AS u WHERE ${where}`,
  ]);
  const { page, nextCursor, previousCursor } = toUserListPage(rows, pageSize, { after, before });
  return { users: page, matching: counted[0]?.n ?? 0, nextCursor, previousCursor };
}
