import { ConfirmAuthenticatorAppBody } from "@/contracts/methods";
import { confirmAuthenticatorApp } from "@/server/authenticator-app/confirm-authenticator-app";
import { userRoute } from "@/server/http/guards";
import { readJson } from "@/server/http/route";

export const POST = userRoute(async (req, { user, audit }) => {
  const { code } = await readJson(req, ConfirmAuthenticatorAppBody);
  return Response.json(await confirmAuthenticatorApp({ userId: user.userId, code, ctx: audit }));
});
