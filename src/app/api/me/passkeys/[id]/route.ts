import { DeletePasskeyBody, PasskeyIdParam, RenamePasskeyBody } from "@/contracts/passkeys";
import { userRoute } from "@/server/http/guards";
import { readJson } from "@/server/http/route";
import { deleteUserPasskey } from "@/server/methods/delete-user-passkey";
import { renameUserPasskey } from "@/server/methods/rename-user-passkey";
import { getSession } from "@/server/session";

export const PATCH = userRoute<{ id: string }>(async (req, { user, audit, params }) => {
  const id = PasskeyIdParam.parse(params.id);
  const { name } = await readJson(req, RenamePasskeyBody);
  return Response.json({ passkey: await renameUserPasskey(user.userId, id, name, audit) });
});

export const DELETE = userRoute<{ id: string }>(async (req, { user, audit, params }) => {
  const passkeyId = PasskeyIdParam.parse(params.id);
  const body = await readJson(req, DeletePasskeyBody);
  const session = await getSession();
  const result = await deleteUserPasskey({ ...body, user, passkeyId, currentSessionId: session.sessionId, ctx: audit });
  // The session stood on that passkey and ended with it: drop the cookie too.
  if (result.signedOut) session.destroy();
  return Response.json(result);
});
