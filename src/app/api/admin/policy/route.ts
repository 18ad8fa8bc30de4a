import { UpdatePasskeyPolicyBody } from "@/contracts/policy";
import { adminRoute } from "@/server/http/guards";
import { readJson } from "@/server/http/route";
import { getPasskeyPolicyForAdmin, updatePasskeyPolicy } from "@/server/policy/passkey-policy";

export const GET = adminRoute(async () => Response.json(await getPasskeyPolicyForAdmin()));

export const PUT = adminRoute(async (req, { admin, audit }) => {
  const body = await readJson(req, UpdatePasskeyPolicyBody);
  return Response.json(await updatePasskeyPolicy(body, { userId: admin.userId }, audit));
});
