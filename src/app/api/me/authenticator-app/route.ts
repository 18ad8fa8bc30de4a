import { requireUser } from "@/server/auth-routes";
import { removeAuthenticatorApp } from "@/server/authenticator-app/remove-authenticator-app";
import { startAuthenticatorAppSetup } from "@/server/authenticator-app/start-authenticator-app-setup";
import { auditContext, readJson, withErrors } from "@/server/http/route";
import { z } from "zod";

const EmptyBody = z.object({}).strict();

// The answer holds the new secret: it must never be cached.
export const POST = withErrors(async (req) => {
  const user = await requireUser();
  await readJson(req, EmptyBody);
  return Response.json(await startAuthenticatorAppSetup({ user }), { headers: { "cache-control": "no-store" } });
});

export const DELETE = withErrors(async (req) => {
  const user = await requireUser();
  await readJson(req, EmptyBody);
  return Response.json(await removeAuthenticatorApp({ user, ctx: auditContext(req) }));
});
