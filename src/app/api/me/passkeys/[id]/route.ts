import { PasskeyIdParam, RenamePasskeyBody } from "@/contracts/passkeys";
import { requireUser } from "@/server/auth-routes";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { renameUserPasskey } from "@/server/methods/rename-user-passkey";

export const PATCH = withErrors(async (req, { params }: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const id = PasskeyIdParam.parse((await params).id);
  const { name } = await readJson(req, RenamePasskeyBody);
  return Response.json({ passkey: await renameUserPasskey(user.userId, id, name, auditContext(req)) });
});
