import { CampaignSkipBody } from "@/contracts/campaign";
import { skipUserCampaign } from "@/server/campaign/skip-campaign";
import { userRoute } from "@/server/http/guards";
import { readJson } from "@/server/http/route";

// "Not now" on the passkey registration prompt.
export const POST = userRoute(async (req, { user, audit }) => {
  await readJson(req, CampaignSkipBody);
  return Response.json(await skipUserCampaign(user, audit));
});
