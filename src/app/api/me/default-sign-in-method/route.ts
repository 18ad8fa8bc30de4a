import { DefaultSignInMethodBody } from "@/contracts/methods";
import { requireUser } from "@/server/auth-routes";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { setDefaultSignInMethod } from "@/server/methods/set-default-sign-in-method";

export const PUT = withErrors(async (req) => {
  const user = await requireUser();
  const { method } = await readJson(req, DefaultSignInMethodBody);
  return Response.json(await setDefaultSignInMethod({ userId: user.userId, method, ctx: auditContext(req) }));
});
