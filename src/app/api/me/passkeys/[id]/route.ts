import { DeletePasskeyBody, PasskeyIdParam, RenamePasskeyBody } from "@/contracts/passkeys";
import { requireUser } from "@/server/auth-routes";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { deleteUserPasskey } from "@/server/methods/delete-user-passkey";
import { renameUserPasskey } from "@/server/methods/rename-user-passkey";

type Context = { params: Promise<{ id: string }> };

export const PATCH = withErrors(async (req, { params }: Context) => {
  const user = await requireUser();
  const id = PasskeyIdParam.parse((await params).id);
  const { name } = await readJson(req, RenamePasskeyBody);
  return Response.json({ passkey: await renameUserPasskey(user.userId, id, name, auditContext(req)) });
});

export const DELETE = withErrors(async (req, { params }: Context) => {
  const user = await requireUser();
  const passkeyId = PasskeyIdParam.parse((await params).id);
  const body = await readJson(req, DeletePasskeyBody);
  return Response.json(await deleteUserPasskey({ ...body, user, passkeyId, ctx: auditContext(req) }));
});
