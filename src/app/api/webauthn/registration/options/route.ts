import { RegistrationOptionsBody } from "@/contracts/webauthn";
import { readJson, withErrors } from "@/server/http/route";
import { ensureBinding, getSignedInUser } from "@/server/session";
import { createRegistrationOptions } from "@/server/webauthn/create-registration-options";

export const POST = withErrors(async (req) => {
  const body = await readJson(req, RegistrationOptionsBody);
  const binding = await ensureBinding();
  return Response.json(await createRegistrationOptions({ ...body, user: await getSignedInUser(), binding }));
});
