import { RegistrationOptionsBody } from "@/contracts/webauthn";
import { userRoute } from "@/server/http/guards";
import { readJson } from "@/server/http/route";
import { ensureBinding } from "@/server/session";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";

// Any signed-in user reaches it; the step-up (fresh multifactor) is checked inside.
export const POST = userRoute(async (req, { user, audit }) => {
  const body = await readJson(req, RegistrationOptionsBody);
  const binding = await ensureBinding();
  return Response.json(await createRegistrationOptions({ ...body, user, binding, ip: audit.ip }));
});
