import "server-only";
import type { IssueUserTapBody } from "@/contracts/admin-users";
import type { AuditContext } from "../../audit";
import { issueTemporaryAccessPass } from "../../tap/issue-temporary-access-pass";
import { assertRowId, userNotFound } from "./user-id";

/**
 * An administrator issues a Temporary Access Pass (audited as "tap.issued" with the administrator
 * as actor). The code is in this answer only; the database keeps its hash.
 * @throws USER_NOT_FOUND, INVALID_REQUEST
 */
export async function issueTapAsAdmin(input: {
  adminId: string;
  userId: string;
  body: IssueUserTapBody;
  ctx: AuditContext;
}): Promise<{ code: string; expiresAt: string; oneTime: boolean }> {
  const userId = assertRowId(input.userId, userNotFound);
  const tap = await issueTemporaryAccessPass({
    userId,
    lifetimeMinutes: input.body.lifetimeMinutes,
    oneTime: input.body.oneTime,
    issuedById: input.adminId,
    ctx: input.ctx,
  });
  return { code: tap.code, expiresAt: tap.expiresAt.toISOString(), oneTime: tap.oneTime };
}
