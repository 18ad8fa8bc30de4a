import { adminRoute } from "@/server/http/guards";
import { requireReregistration } from "@/server/admin/users/require-reregistration";

export const POST = adminRoute<{ id: string }>(async (_req, { admin, audit, params }) =>
  Response.json(await requireReregistration({ adminId: admin.userId, userId: params.id, ctx: audit })),
);
