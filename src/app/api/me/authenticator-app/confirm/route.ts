import { ConfirmAuthenticatorAppBody } from "@/contracts/methods";
import { requireUser } from "@/server/auth-routes";
import { confirmAuthenticatorApp } from "@/server/authenticator-app/confirm-authenticator-app";
import { auditContext, readJson, withErrors } from "@/server/http/route";

export const POST = withErrors(async (req) => {
  const user = await requireUser();
  const { code } = await readJson(req, ConfirmAuthenticatorAppBody);
  return Response.json(await confirmAuthenticatorApp({ userId: user.userId, code, ctx: auditContext(req) }));
});
