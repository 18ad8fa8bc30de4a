import { RegistrationOptionsBody } from "@/contracts/webauthn";
import { requireUser } from "@/server/auth-routes";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { ensureBinding } from "@/server/session";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";

export const POST = withErrors(async (req) => {
  const user = await requireUser();
  const body = await readJson(req, RegistrationOptionsBody);
  const binding = await ensureBinding();
  return Response.json(await createRegistrationOptions({ ...body, user, binding, ip: auditContext(req).ip }));
});
