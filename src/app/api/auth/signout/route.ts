import { withErrors } from "@/server/http/route";
import { getSession } from "@/server/session";

export const POST = withErrors(async () => {
  (await getSession()).destroy();
  return Response.json({ signedOut: true });
});
