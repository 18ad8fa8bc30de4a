import { adminRoute } from "@/server/http/guards";
import { clearSignInLockAsAdmin } from "@/server/admin/users/clear-sign-in-lock-as-admin";

export const POST = adminRoute<{ id: string }>(async (_req, { admin, audit, params }) =>
  Response.json(await clearSignInLockAsAdmin({ adminId: admin.userId, userId: params.id, ctx: audit })),
);
