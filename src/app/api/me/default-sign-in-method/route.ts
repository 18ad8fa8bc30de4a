import { DefaultSignInMethodBody } from "@/contracts/methods";
import { userRoute } from "@/server/http/guards";
import { readJson } from "@/server/http/route";
import { setDefaultSignInMethod } from "@/server/methods/set-default-sign-in-method";

export const PUT = userRoute(async (req, { user, audit }) => {
  const { method } = await readJson(req, DefaultSignInMethodBody);
  return Response.json(await setDefaultSignInMethod({ userId: user.userId, method, ctx: audit }));
});
