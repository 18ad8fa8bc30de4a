import { RegistrationVerifyBody } from "@/contracts/webauthn";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { getBinding, getSignedInUser } from "@/server/session";
import { verifyRegistration } from "@/server/webauthn/verify-registration";

export const POST = withErrors(async (req) => {
  const body = await readJson(req, RegistrationVerifyBody);
  const passkey = await verifyRegistration({
    ...body,
    user: await getSignedInUser(),
    binding: await getBinding(),
    ctx: auditContext(req),
  });
  return Response.json({ passkey });
});
