import { RegistrationVerifyBody } from "@/contracts/webauthn";
import { requireUser } from "@/server/auth-routes";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { getBinding } from "@/server/session";
import { verifyRegistration } from "@/server/webauthn/verify-registration";

export const POST = withErrors(async (req) => {
  const user = await requireUser();
  const body = await readJson(req, RegistrationVerifyBody);
  const passkey = await verifyRegistration({ ...body, user, binding: await getBinding(), ctx: auditContext(req) });
  return Response.json({ passkey });
});
