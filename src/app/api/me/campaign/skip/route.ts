import { CampaignSkipBody } from "@/contracts/campaign";
import { requireUser } from "@/server/auth-routes";
import { skipUserCampaign } from "@/server/campaign/skip-campaign";
import { auditContext, readJson, withErrors } from "@/server/http/route";

// "Not now" on the passkey registration prompt.
export const POST = withErrors(async (req) => {
  const user = await requireUser();
  await readJson(req, CampaignSkipBody);
  return Response.json(await skipUserCampaign(user, auditContext(req)));
});
