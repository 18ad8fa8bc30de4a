import { adminRoute } from "@/server/http/guards";
import { deletePasskeyAsAdmin } from "@/server/admin/users/delete-passkey-as-admin";

export const DELETE = adminRoute<{ id: string; passkeyId: string }>(async (_req, { admin, audit, params }) =>
  Response.json(await deletePasskeyAsAdmin({ adminId: admin.userId, userId: params.id, passkeyId: params.passkeyId, ctx: audit })),
);
