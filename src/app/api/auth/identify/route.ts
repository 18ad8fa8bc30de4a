import { IdentifyBody } from "@/contracts/auth";
import { identifyAccount } from "@/server/auth/identify-account";
import { auditContext, readJson, withErrors } from "@/server/http/route";

export const POST = withErrors(async (req) => {
  const { email } = await readJson(req, IdentifyBody);
  return Response.json(await identifyAccount(email, auditContext(req).ip));
});
