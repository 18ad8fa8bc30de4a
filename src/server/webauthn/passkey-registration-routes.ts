import "server-only";
import { RegistrationOptionsBody, RegistrationVerifyBody } from "@/contracts/webauthn";
import { userRoute } from "../http/guards";
import { readJson } from "../http/route";
import { ensureBinding, getBinding } from "../session";
import { createRegistrationOptions } from "./create-registration-options";
import { verifyRegistration } from "./verify-registration";

// The two requests of adding a passkey. Next.js serves them as route handlers
// (src/app/api/webauthn/registration/*/route.ts) and our own server answers them directly, with
// these same functions (scripts/lib/direct-routes.ts, decision 020): one contract, two callers.

/** POST /api/webauthn/registration/options. Any signed-in user reaches it; the step-up (fresh multifactor) is checked inside. */
export const passkeyRegistrationOptions = userRoute(async (req, { user, audit }) => {
  const body = await readJson(req, RegistrationOptionsBody);
  const binding = await ensureBinding();
  return Response.json(await createRegistrationOptions({ ...body, user, binding, ip: audit.ip }));
});

/** POST /api/webauthn/registration/verify */
export const passkeyRegistrationVerify = userRoute(async (req, { user, audit }) => {
  const body = await readJson(req, RegistrationVerifyBody);
  const passkey = await verifyRegistration({ ...body, user, binding: await getBinding(), ctx: audit });
  return Response.json({ passkey });
});
