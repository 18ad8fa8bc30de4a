import { AuthenticationOptionsBody } from "@/contracts/webauthn";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { ensureBinding } from "@/server/session";
import { createAuthenticationOptions } from "@/server/webauthn/create-authentication-options";

export const POST = withErrors(async (req) => {
  const body = await readJson(req, AuthenticationOptionsBody);
  const binding = await ensureBinding();
  return Response.json(await createAuthenticationOptions({ ...body, binding, ip: auditContext(req).ip }));
});
