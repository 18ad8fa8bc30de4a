import { IssueUserTapBody } from "@/contracts/admin-users";
import { adminRoute } from "@/server/http/guards";
import { issueTapAsAdmin } from "@/server/admin/users/issue-tap-as-admin";
import { readJson } from "@/server/http/route";

export const POST = adminRoute<{ id: string }>(async (req, { admin, audit, params }) => {
  const body = await readJson(req, IssueUserTapBody);
  return Response.json(await issueTapAsAdmin({ adminId: admin.userId, userId: params.id, body, ctx: audit }), {
    headers: { "cache-control": "no-store" },
  });
});
