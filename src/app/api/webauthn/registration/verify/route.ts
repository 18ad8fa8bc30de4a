import { RegistrationVerifyBody } from "@/contracts/webauthn";
import { userRoute } from "@/server/http/guards";
import { readJson } from "@/server/http/route";
import { getBinding } from "@/server/session";
import { verifyRegistration } from "@/server/webauthn/verify-registration";

export const POST = userRoute(async (req, { user, audit }) => {
  const body = await readJson(req, RegistrationVerifyBody);
  const passkey = await verifyRegistration({ ...body, user, binding: await getBinding(), ctx: audit });
  return Response.json({ passkey });
});
