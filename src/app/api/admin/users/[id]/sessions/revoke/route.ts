import { adminRoute } from "@/server/http/guards";
import { revokeSessionsAsAdmin } from "@/server/admin/users/revoke-sessions-as-admin";

export const POST = adminRoute<{ id: string }>(async (_req, { admin, audit, params }) =>
  Response.json(await revokeSessionsAsAdmin({ adminId: admin.userId, userId: params.id, ctx: audit })),
);
