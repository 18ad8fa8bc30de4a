import { withErrors } from "@/server/http/route";
import { endSession } from "@/server/session";

export const POST = withErrors(async () => {
  await endSession();
  return Response.json({ signedOut: true });
});
