import { z } from "zod";
import { removeAuthenticatorApp } from "@/server/authenticator-app/remove-authenticator-app";
import { startAuthenticatorAppSetup } from "@/server/authenticator-app/start-authenticator-app-setup";
import { userRoute } from "@/server/http/guards";
import { readJson } from "@/server/http/route";

const EmptyBody = z.object({}).strict();

// The answer holds the new secret: it must never be cached.
export const POST = userRoute(async (req, { user }) => {
  await readJson(req, EmptyBody);
  return Response.json(await startAuthenticatorAppSetup({ user }), { headers: { "cache-control": "no-store" } });
});

export const DELETE = userRoute(async (req, { user, audit }) => {
  await readJson(req, EmptyBody);
  return Response.json(await removeAuthenticatorApp({ user, ctx: audit }));
});
